"""The participant's flow in Chromium: a buyer signs in by link, filters the catalogue and
requests three suppliers from their cards; suppliers accept one and decline one; the organiser solves and
publishes; the buyer sees the agenda and downloads the .ics. Screenshots: portal-*.png (see SCREENSHOTS in conftest)."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlmodel import Session, select

from scheduler.formats import load_json
from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, SCREENSHOTS, import_event_json
from web import models as m
from web.db import make_engine
from web.usecases import tokens

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "tiny.json"
SECRET = "live-secret"  # the live_server fixture's key


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"portal-{name}.png"), full_page=True)


def _links(db: Path) -> dict[str, str]:
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        if session.exec(select(m.Event)).first() is None:
            import_event_json(session, load_json(SAMPLE.read_text()), venue="NECC Hà Nội")
        links = {
            p.ext_id: "/p/login/" + tokens.login_token(SECRET, p)
            for p in session.exec(select(m.Participant))
        }
    engine.dispose()
    return links


def _as(browser: Browser, base: str, link: str) -> Page:
    page = browser.new_context(
        viewport={"width": 1280, "height": 800}, accept_downloads=True
    ).new_page()
    page.set_default_timeout(20_000)
    page.goto(base + link)
    return page


@pytest.mark.browser
def test_participant_flow(live_server: str, tmp_path: Path) -> None:
    links = _links(tmp_path / "live.db")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        buyer = _as(browser, live_server, links["B002-1"])
        expect(buyer.locator("#not-published")).to_be_visible()
        shot(buyer, "not-published")
        # catalogue: filter by certification, request three suppliers from their cards
        buyer.click("text=Catalogue")
        buyer.select_option("select[name=certification]", "ISO 9001")
        cards = buyer.locator("#catalogue article[data-participant]")
        expect(cards).to_have_count(3)
        buyer.goto(live_server + "/p/catalogue")
        for ext, priority in (("S001-1", "3"), ("S004-1", "2"), ("S006-1", "1")):
            card = buyer.locator(f'#catalogue article[data-participant="{ext}"]')
            card.locator(".open-request").click()
            card.locator("select[name=priority]").select_option(priority)
            card.locator("input[name=note]").fill(f"Hello {ext}")
            card.locator("button", has_text="Send request").click()
            expect(card.locator(".badge.relation")).to_have_text("requested")
        buyer.goto(live_server + "/p/requests")
        expect(buyer.locator("#requests .state", has_text="pending")).to_have_count(3)
        shot(buyer, "requests")
        # suppliers answer
        s1 = _as(browser, live_server, links["S001-1"])
        s1.click("text=Requests")
        s1.locator("#requests tr", has_text="Hello S001-1").locator(
            "button", has_text="Accept"
        ).click()
        expect(s1.locator("#requests tr", has_text="Hello S001-1").locator(".state")).to_have_text(
            "accepted"
        )
        s6 = _as(browser, live_server, links["S006-1"])
        s6.click("text=Requests")
        s6.locator("#requests tr", has_text="Hello S006-1").locator(
            "button", has_text="Decline"
        ).click()
        expect(s6.locator("#requests tr", has_text="Hello S006-1").locator(".state")).to_have_text(
            "declined"
        )
        # organiser solves (tiny time limit) and publishes
        org = browser.new_page()
        org.set_default_timeout(20_000)
        org.goto(live_server + "/login")
        org.fill("input[name=email]", ORGANISER_EMAIL)
        org.fill("input[name=password]", ORGANISER_PASSWORD)
        org.click("button.primary")
        expect(org.get_by_role("heading", name="Events")).to_be_visible()
        org.goto(live_server + "/events/1/solve")
        org.fill("input[name=time_limit]", "2")
        org.click("#start-solve")
        expect(org.locator("#open-version")).to_be_visible(timeout=60_000)
        org.goto(live_server + "/events/1/versions")
        org.once("dialog", lambda dialog: dialog.accept())
        org.click("#publish-1")
        expect(org.locator("span.badge.published")).to_have_count(1)
        # the buyer's agenda and calendar
        buyer.goto(live_server + "/p/")
        expect(buyer.locator("#agenda")).to_be_visible()
        expect(buyer.locator("#agenda tbody tr")).not_to_have_count(0)
        shot(buyer, "agenda")
        with buyer.expect_download() as info:
            buyer.click("#download-ics")
        data = Path(info.value.path()).read_bytes()
        cal = icalendar.Calendar.from_ical(data)
        events = cal.walk("VEVENT")
        assert events and cal.walk("VTIMEZONE")
        assert all(e["dtstart"].params["TZID"] == "Asia/Ho_Chi_Minh" for e in events)
        # the declined request never reaches the solver
        engine = make_engine(f"sqlite:///{tmp_path / 'live.db'}")
        with Session(engine) as session:
            declined = session.exec(
                select(m.MeetingRequest).where(m.MeetingRequest.status == "declined")
            ).one()
        engine.dispose()
        assert not any(str(e["uid"]).startswith(declined.ext_id + "@") for e in events)
        # the language switch
        buyer.click("a[hreflang=vi]")
        expect(buyer.locator("html")).to_have_attribute("lang", "vi")
        browser.close()
