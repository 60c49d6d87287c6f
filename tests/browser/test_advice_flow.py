"""What would help, in Chromium: from the review page, ask for advice, watch it run in the
background, apply the interpreter it suggests and find it in the set-up."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlmodel import Session

from scheduler.formats import event_to_json
from tests.browser.test_organiser_flow import shot
from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, import_event_json
from tests.scheduler.bottlenecks import bottleneck_event
from web.db import make_engine


@pytest.mark.browser
def test_advice_flow(live_server: str, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
    with Session(engine) as session:
        event_id = import_event_json(session, event_to_json(bottleneck_event())).id
    engine.dispose()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(20_000)
        page.goto(live_server + "/login")
        page.fill("input[name=email]", ORGANISER_EMAIL)
        page.fill("input[name=password]", ORGANISER_PASSWORD)
        page.click("button.primary")
        expect(page.get_by_role("heading", name="Events")).to_be_visible()

        page.goto(f"{live_server}/events/{event_id}/solve")
        page.click("#start-solve")
        expect(page.locator("#open-version")).to_be_visible(timeout=60_000)
        page.click("#open-version")

        # the review page loads the panel; the advice runs in the background
        expect(page.locator("#start-advice")).to_be_visible()
        page.click("#start-advice")
        rows = page.locator("#advice-suggestions tbody tr")
        expect(rows.first).to_be_visible(timeout=90_000)
        expect(page.locator("#advice-suggestions")).to_contain_text(
            "One more interpreter for Korean"
        )
        shot(page, "advice")

        page.locator("tr[data-kind=interpreter] button.apply-suggestion").click()
        expect(page.locator("#advice-notice")).to_contain_text("Applied: One more interpreter")
        expect(page.locator("tr[data-kind=interpreter]")).to_contain_text("applied")
        expect(page.locator("button.apply-suggestion")).to_have_count(0)

        page.goto(f"{live_server}/events/{event_id}")
        expect(page.locator("textarea[name=resources]")).to_have_value("interpreter:ko 2")
        browser.close()
