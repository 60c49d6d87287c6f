"""The insights page in Chromium, on the Hanoi sample solved and published: every chart is
drawn, named for screen readers and backed by its table; the link is in the event's tabs."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlmodel import Session

from scheduler.formats import load_json
from scheduler.solve import SolveParams, solve
from tests.browser.test_organiser_flow import shot
from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, ROOT, import_event_json
from web.db import make_engine
from web.mailing import MailPostman
from web.settings import Settings
from web.usecases import mapper, publishing, versions
from web.usecases.notifications import Links

CHARTS = ("funnel", "sectors", "countries", "use", "reasons", "buyers", "certifications")


def _solved_demo(database: Path) -> int:
    """samples/hanoi-2026.json as an event with a published solve (a short one)."""
    engine = make_engine(f"sqlite:///{database}")
    with Session(engine) as session:
        doc = load_json((ROOT / "samples" / "hanoi-2026.json").read_text())
        event_id = import_event_json(session, doc).id
        event = mapper.event_of(session, event_id, for_solver=True)
        schedule = solve(event, SolveParams(time_limit=5, workers=1, seed=0))
        version = versions.create_version(
            session, event_id, mapper.event_of(session, event_id), schedule, source="solve"
        )

        settings = Settings(database_url=f"sqlite:///{database}", var_dir=database.parent / "var")
        links = Links(base_url=settings.base_url, secret="live-secret")
        publishing.publish(session, version, MailPostman.from_settings(settings), links)
    engine.dispose()
    return event_id


@pytest.mark.browser
def test_every_chart_of_a_solved_event_is_drawn(live_server: str, tmp_path: Path) -> None:
    event_id = _solved_demo(tmp_path / "live.db")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(live_server + "/login")
        page.fill("input[name=email]", ORGANISER_EMAIL)
        page.fill("input[name=password]", ORGANISER_PASSWORD)
        page.click("button.primary")
        expect(page.get_by_role("heading", name="Events")).to_be_visible()

        page.goto(f"{live_server}/events/{event_id}/versions")
        page.locator(".subnav").get_by_role("link", name="Insights").click()
        expect(page.locator("#insights-basis")).to_contain_text("version 1, the published")
        for name in CHARTS:
            chart = page.locator(f"svg#chart-{name}")
            expect(chart).to_be_visible()
            expect(chart).to_have_attribute("role", "img")
            assert chart.locator("rect").count() > 0, name
            title = chart.locator("title").first.text_content()
            assert page.get_by_role("img", name=title).count() == 1, name
            assert page.locator(f"#{name} details.chart-table tbody tr").count() > 0, name
        # the Korean and Japanese interpreters have their rows in the heat map
        expect(page.locator("#use details.chart-table thead")).to_contain_text("interpreter:ko")
        # IATF 16949: the seed's certification that almost no supplier holds
        expect(page.locator("#certifications details.chart-table")).to_contain_text("IATF 16949")
        shot(page, "insights")
        browser.close()
