"""Meeting outcomes in Chromium: a buyer signs in with their link, opens the outcomes page
from the agenda and records that a meeting took place and that they want a quote and a
sample (htmx, in place); the organiser's report counts it, shows the note, and the CSV
export lists the lead. No Content-Security-Policy refusal on the way. Screenshots:
portal-outcomes.png, outcomes-report.png."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from sqlmodel import Session, select

from scheduler import domain
from scheduler.formats import load_json
from tests.conftest import (
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    SCREENSHOTS,
    TINY_SAMPLE,
    import_event_json,
)
from web import models as m
from web.db import make_engine
from web.usecases import mapper, publishing, tokens, versions
from web.usecases.notifications import Links, Notice

SECRET = "live-secret"  # the live_server fixture's key
# B001-1 meets S008-1 and S004-1 on the morning of 2026-11-19, which has passed.
PLACED = {"R00001": 0, "R00003": 1}
NOTE = "Send the price list for brackets"


class NoMail:
    """Publishing tells participants; nobody needs the mail here."""

    def deliver(self, notice: Notice) -> bool:
        return True

    def table_word(self, person: m.Participant) -> str:
        return "Table"


def _published_event(db_path: Path) -> tuple[int, str]:
    """The tiny sample with the morning published; the event id and B001-1's sign-in path."""
    engine = make_engine(f"sqlite:///{db_path}")
    with Session(engine) as db:
        event = import_event_json(db, load_json(TINY_SAMPLE.read_text()), venue="NECC Hà Nội")
        full = mapper.event_of(db, event.id)
        meetings = tuple(
            domain.Meeting(request_id=r, slot_idx=s, table_id="T005") for r, s in PLACED.items()
        )
        schedule = domain.Schedule(event_name=full.name, meetings=meetings)
        version = versions.create_version(db, event.id, full, schedule, source="import")
        publishing.publish(db, version, NoMail(), Links(base_url="http://127.0.0.1", secret=SECRET))
        buyer = db.exec(
            select(m.Participant).where(
                m.Participant.event_id == event.id, m.Participant.ext_id == "B001-1"
            )
        ).one()
        result = event.id, f"/p/login/{tokens.login_token(SECRET, buyer)}"
    engine.dispose()
    return result


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
def test_an_outcome_recorded_in_the_portal_reaches_the_report_and_the_export(
    live_server: str, tmp_path: Path
) -> None:
    event_id, sign_in = _published_event(tmp_path / "live.db")
    refused: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        context.on(
            "console",
            lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
        page = context.new_page()
        page.set_default_timeout(20_000)
        # the buyer, from the agenda to the outcomes page
        page.goto(live_server + sign_in)
        expect(page.locator("h1")).to_have_text("My agenda")
        page.click("#outcomes-link a")
        card = page.locator("#m-R00001")
        expect(card.locator("form")).to_be_visible()
        card.locator("input[name=took_place][value=yes]").check()
        card.locator("input[name=follow_up][value=quote]").check()
        card.locator("input[name=follow_up][value=sample]").check()
        card.locator("input[name=rating][value='5']").check()
        card.locator("textarea[name=note]").fill(NOTE)
        card.locator("button", has_text="Save").click()
        expect(page.locator("#m-R00001 [role=status]")).to_contain_text("Saved")
        expect(page).to_have_url(live_server + "/p/outcomes")  # answered in place
        shot(page, "portal-outcomes")
        # the organiser's report
        staff = context.new_page()
        staff.goto(live_server + "/login")
        staff.fill("input[name=email]", ORGANISER_EMAIL)
        staff.fill("input[name=password]", ORGANISER_PASSWORD)
        staff.click("button.primary")
        expect(staff.locator("header.top nav")).to_be_visible()
        staff.goto(f"{live_server}/events/{event_id}")
        staff.click(".subnav a:has-text('Outcomes')")
        expect(staff.locator("#n-held")).to_have_text("1")
        expect(staff.locator("#n-leads")).to_have_text("1")
        expect(staff.locator("#leads")).to_contain_text(NOTE)
        shot(staff, "outcomes-report")
        with staff.expect_download() as download:
            staff.click("#leads-csv")
        text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        browser.close()
    lead = dict(zip(rows[0], rows[1], strict=True))
    found = (lead["supplier_id"], lead["buyer_id"], lead["follow_up"], lead["note"])
    assert (found, len(rows), refused) == (("S008-1", "B001-1", "quote; sample", NOTE), 2, [])
