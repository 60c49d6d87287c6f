"""The organiser's whole flow in Chromium: log in, create an event, import registrations (a bad
file, then a good one), import requests, solve and watch progress, open the grid, move a
meeting, publish. Saves screenshots of the main pages (see SCREENSHOTS in conftest)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, SCREENSHOTS

HEADER = (
    "participant_id,name,email,organisation_id,organisation_name,role,country,sectors,languages\n"
)
PEOPLE = (
    "B1-1,Kim Min-jun,kim@hanil.example,B1,Hanil Components Vietnam,buyer,KR,auto-parts,ko; en\n"
    "B2-1,Sato Yuki,sato@shinwa.example,B2,Shinwa Auto Parts,buyer,JP,electronics,ja; en\n"
    "S1-1,Nguyen Van An,an@songda.example,S1,Song Da Precision JSC,supplier,VN,auto-parts,vi; en\n"
    "S2-1,Tran Thi Binh,binh@kimlong.example,S2,Kim Long Electronics JSC,supplier,VN,electronics,vi\n"
    "S3-1,Le Van Cuong,cuong@hongha.example,S3,Hong Ha Mechanical JSC,supplier,VN,auto-parts,vi; en\n"
)
BAD_ROW = "S4-1,,not-an-email,S4,Bad Row Ltd,seller,VN,,vi\n"
REQUESTS = "id,from,to,priority\nR1,S1-1,B1-1,3\nR2,S2-1,B1-1,2\nR3,S3-1,B2-1,2\nR4,S1-1,B2-1,1\nR5,S2-1,B2-1,3\n"


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def wait_for_htmx(page: Page, selector: str) -> None:
    """Wait until htmx has processed an element swapped in (it listens only from then on)."""
    page.wait_for_function(
        "s => { const e = document.querySelector(s); return !!(e && e['htmx-internal-data']); }",
        arg=selector,
    )


@pytest.mark.browser
def test_organiser_flow(live_server: str, tmp_path: Path) -> None:
    good, bad, requests = tmp_path / "reg.csv", tmp_path / "reg-bad.csv", tmp_path / "req.csv"
    good.write_text(HEADER + PEOPLE)
    bad.write_text(HEADER + PEOPLE + BAD_ROW)
    requests.write_text(REQUESTS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(20_000)
        page.goto(live_server + "/")
        expect(page).to_have_url(live_server + "/login?next=/")
        page.fill("input[name=email]", ORGANISER_EMAIL)
        page.fill("input[name=password]", "wrong")
        page.click("button.primary")
        expect(page.get_by_role("alert")).to_contain_text("Wrong e-mail or password")
        shot(page, "login")
        page.fill("input[name=password]", ORGANISER_PASSWORD)
        page.click("button.primary")
        expect(page.get_by_role("heading", name="Events")).to_be_visible()

        # create an event: first with an error next to the field, then fixed
        page.click("text=New event")
        page.fill("input[name=name]", "Hai Phong supplier day")
        page.fill("input[name=venue]", "Hai Phong Convention Centre")
        page.fill("input[name=timezone]", "Mars/Olympus")
        page.click("text=Create event")
        expect(page.locator(".field-error")).to_contain_text("IANA time zone")
        page.fill("input[name=timezone]", "Asia/Ho_Chi_Minh")
        page.fill("input[name=pooled_tables]", "3")
        shot(page, "event-setup")
        page.click("text=Create event")
        expect(page.get_by_role("heading", name="Registrations")).to_be_visible()

        # import: a file with one bad row imports nothing, then the good file
        page.click("text=Import CSV / XLSX")
        page.set_input_files("input[type=file]", str(bad))
        page.click("button:has-text('Import')")
        expect(page.locator(".problems")).to_contain_text("Nothing was imported")
        expect(page.locator(".problems")).to_contain_text("must be buyer or supplier")
        shot(page, "import-errors")
        page.set_input_files("input[type=file]", str(good))
        page.click("button:has-text('Import')")
        expect(page.locator("#report")).to_contain_text("5 created")
        page.click("text=See the registrations")
        wait_for_htmx(page, "input[name=q]")
        page.fill("input[name=q]", "kim long")
        expect(page.locator("#results")).to_contain_text("Tran Thi Binh")
        expect(page.locator("#results")).not_to_contain_text("Kim Min-jun")
        page.fill("input[name=q]", "")
        expect(page.locator("#results")).to_contain_text("Kim Min-jun")
        shot(page, "registrations")

        page.click(".subnav >> text=Requests")
        page.set_input_files("input[type=file]", str(requests))
        page.click("button:has-text('Import')")
        expect(page.locator(".notice")).to_contain_text("5 created")
        shot(page, "requests")

        # solve and watch the progress being polled
        page.click(".subnav >> text=Solve")
        page.fill("input[name=time_limit]", "2")
        page.click("#start-solve")
        expect(page.locator("#job-state")).to_have_text(re.compile("queued|running|succeeded"))
        expect(page.locator("#open-version")).to_be_visible(timeout=60_000)
        shot(page, "solve")
        page.click("#open-version")
        expect(page.locator("#sum-meetings")).to_have_text("5")
        shot(page, "review")

        # grid, then pin a meeting where it is
        page.click("text=Master grid")
        expect(page.locator("#grid")).to_be_visible()
        shot(page, "grid")
        page.locator("#grid td.meeting a").first.click()
        page.click("text=Pin where it is")
        expect(page.locator("#grid td.pinned")).to_have_count(1)

        # publish
        page.click(".subnav >> text=Schedules")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#publish-1")
        expect(page.locator("span.badge.published")).to_have_count(1)
        shot(page, "versions")

        # phone width stays legible
        page.set_viewport_size({"width": 390, "height": 844})
        page.click(".subnav >> text=Registrations")
        expect(page.get_by_role("heading", name="Registrations")).to_be_visible()
        shot(page, "registrations-phone")
        page.goto(f"{live_server}/events/1/versions/1")
        shot(page, "review-phone")
        browser.close()
