"""A walk-in meeting in Chromium: the organiser picks two participants by typing, books the
earliest free time, and the partner's portal agenda and .ics have the new meeting.
Screenshot: walkin.png (see SCREENSHOTS in conftest)."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlmodel import Session, select

from scheduler import domain
from scheduler.formats import load_json
from tests.browser.conftest import sign_in
from tests.conftest import (
    SCREENSHOTS,
    import_event_json,
    tiny_on,
    tomorrow,
)
from web import models as m
from web.db import make_engine
from web.usecases import mapper, publishing, tokens, versions
from web.usecases.notifications import Links, Notice

SECRET = "live-secret"  # the live_server fixture's key
# B001-1 meets S008-1 and S004-1 at its table in the afternoon; B003-2 meets S003-1 at 08:30.
PLACED = {"R00001": (9, "T001"), "R00003": (10, "T001"), "R00004": (0, "T004")}


class NoMail:
    """The first publish tells participants; nobody needs that mail here."""

    def deliver(self, notice: Notice) -> bool:
        return True

    def table_word(self, person: m.Participant) -> str:
        return "Table"


def _published_tomorrow(db_path: Path) -> tuple[int, str]:
    """The tiny sample held tomorrow, published; the sign-in link of B002-1 (Lan Pham)."""
    engine = make_engine(f"sqlite:///{db_path}")
    with Session(engine) as db:
        event = import_event_json(db, load_json(tiny_on(tomorrow())), venue="NECC Hà Nội")
        full = mapper.event_of(db, event.id)
        meetings = tuple(
            domain.Meeting(request_id=r, slot_idx=s, table_id=t) for r, (s, t) in PLACED.items()
        )
        schedule = domain.Schedule(event_name=full.name, meetings=meetings)
        version = versions.create_version(db, event.id, full, schedule, source="import")
        publishing.publish(db, version, NoMail(), Links(base_url="http://127.0.0.1", secret=SECRET))
        lan = db.exec(select(m.Participant).where(m.Participant.ext_id == "B002-1")).one()
        link = "/p/login/" + tokens.login_token(SECRET, lan)
        event_id = event.id
    engine.dispose()
    return event_id, link


def _pick(page: Page, side: str, typed: str, name: str) -> None:
    page.fill(f"#q-{side}", typed)
    found = page.locator(f"#found-{side} li a", has_text=name)
    expect(found).to_have_count(1)
    found.click()
    expect(page.locator(f'[data-chosen="{side}"]')).to_contain_text(name)


@pytest.mark.browser
def test_a_walk_in_booked_on_the_page_is_in_the_partners_agenda_and_ics(
    live_server: str, tmp_path: Path
) -> None:
    event_id, partner_link = _published_tomorrow(tmp_path / "live.db")
    day = tomorrow().isoformat()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(20_000)
        sign_in(page, live_server)
        page.goto(f"{live_server}/events/{event_id}/versions")
        page.click("#event-day-links a:has-text('Walk-in meeting')")
        _pick(page, "a", "hung tran", "Hung Tran")
        _pick(page, "b", "lan", "Lan Pham")
        times = page.locator("#walkin-times tbody tr")
        expect(times).to_have_count(5)
        expect(times.first).to_have_attribute("data-start", f"{day}T08:30:00")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "walkin.png"), full_page=True)
        times.first.locator("button", has_text="Book").click()
        expect(page.locator("#walkin-booked")).to_contain_text("Release 2 is published")
        expect(page.locator("#walkin-booked")).to_contain_text("table T002")
        # the partner's portal
        partner = browser.new_context(accept_downloads=True).new_page()
        partner.set_default_timeout(20_000)
        partner.goto(live_server + partner_link)
        row = partner.locator("#agenda tbody tr", has_text="Soc Son Packaging JSC")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("T002")
        with partner.expect_download() as info:
            partner.click("#download-ics")
        calendar = icalendar.Calendar.from_ical(Path(info.value.path()).read_bytes())
        starts = {
            str(e["uid"]).split("@")[0]: e.decoded("dtstart").strftime("%Y-%m-%dT%H:%M")
            for e in calendar.walk("VEVENT")
        }
        browser.close()
    assert starts == {"R00033": f"{day}T08:30"}
