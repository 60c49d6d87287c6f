"""The check-in desk in Chromium: the desk types "nguyen" and checks in "Nguyễn Văn Thuật",
then reads a photo of another participant's QR code (a PNG made with segno, as a phone's
picture of a badge would be) and checks them in; the morning's arrived count follows each
time. Screenshots: desk*.png, badges.png (see SCREENSHOTS in conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlmodel import Session, select

from scheduler import domain
from scheduler.formats import load_json
from tests.browser.conftest import sign_in
from tests.conftest import (
    SCREENSHOTS,
    TINY_SAMPLE,
    import_event_json,
)
from web import models as m
from web.db import make_engine
from web.usecases import checkin, mapper, publishing, versions
from web.usecases.notifications import Links, Notice

SECRET = "live-secret"  # the live_server fixture's key
# The morning: S008-1 and S004-1 meet B001-1 (three expected); S008-1 is renamed.
PLACED = {"R00001": 0, "R00003": 1}


class NoMail:
    """Publishing tells participants; nobody needs the mail here."""

    def deliver(self, notice: Notice) -> bool:
        return True

    def table_word(self, person: m.Participant) -> str:
        return "Table"


def _published_event(db_path: Path, qr_png: Path) -> int:
    """The tiny sample with a published morning, and the QR code of S004-1 as a PNG file."""
    engine = make_engine(f"sqlite:///{db_path}")
    with Session(engine) as db:
        event = import_event_json(db, load_json(TINY_SAMPLE.read_text()), venue="NECC Hà Nội")
        people = {
            p.ext_id: p
            for p in db.exec(select(m.Participant).where(m.Participant.event_id == event.id))
        }
        people["S008-1"].name = "Nguyễn Văn Thuật"
        db.add(people["S008-1"])
        db.commit()
        full = mapper.event_of(db, event.id)
        meetings = tuple(
            domain.Meeting(request_id=r, slot_idx=s, table_id="T005") for r, s in PLACED.items()
        )
        schedule = domain.Schedule(event_name=full.name, meetings=meetings)
        version = versions.create_version(db, event.id, full, schedule, source="import")
        links = Links(base_url="http://127.0.0.1", secret=SECRET)
        publishing.publish(db, version, NoMail(), links)
        qr_png.write_bytes(checkin.qr_png(checkin.check_in_code(SECRET, people["S004-1"])))
        event_id = event.id
    engine.dispose()
    return event_id


def _morning(page: Page) -> str:
    row = page.locator('#counts tr[data-session="d1-am"]')
    return f"{row.locator('[data-arrived]').inner_text()}/{row.locator('[data-expected]').inner_text()}"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
def test_check_in_by_name_and_by_a_photo_of_the_qr_code(live_server: str, tmp_path: Path) -> None:
    qr = tmp_path / "badge-S004-1.png"
    event_id = _published_event(tmp_path / "live.db", qr)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.set_default_timeout(20_000)
        sign_in(page, live_server)
        page.goto(f"{live_server}/events/{event_id}")
        page.click(".subnav a:has-text('Check-in')")
        expect(page.locator("#counts")).to_be_visible()
        assert _morning(page) == "0/3"
        # by name, typed without accents
        page.fill("#desk-q", "nguyen")
        found = page.locator("#results li.desk-row")
        expect(found).to_have_count(1)
        expect(found).to_contain_text("Nguyễn Văn Thuật")
        found.locator("button", has_text="Check in").click()
        expect(page.locator("#desk-status")).to_contain_text("Arrived at")
        expect(found.locator(".badge")).to_contain_text("arrived")
        expect(page.locator('#counts tr[data-session="d1-am"] [data-arrived]')).to_have_text("1")
        expect(page.locator("#person table.desk-agenda")).to_contain_text("T005")
        shot(page, "desk")
        # by a photo of a badge's QR code, read in the browser
        page.set_input_files("input[data-scan-file]", str(qr))
        expect(page.locator("#person h2")).to_contain_text("S004-1")
        page.locator("#person button", has_text="Check in").click()
        expect(page.locator("#desk-status")).to_contain_text("Arrived at")
        expect(page.locator('#counts tr[data-session="d1-am"] [data-arrived]')).to_have_text("2")
        assert _morning(page) == "2/3"
        shot(page, "desk-scanned")
        page.goto(f"{live_server}/events/{event_id}/badges")
        expect(page.locator(".name-badge svg")).to_have_count(14)
        shot(page, "badges")
        browser.close()
