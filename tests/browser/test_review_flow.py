"""The review page in Chromium, on the Hanoi sample solved: the unscheduled requests are
grouped by kind of reason; a group opens, pages forward in place (htmx, no script of the
page's own: the Content-Security-Policy allows none), and its ids lead to the request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, expect, sync_playwright

from tests.browser.test_insights_flow import _solved_demo
from tests.browser.test_organiser_flow import shot
from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD


@pytest.mark.browser
def test_a_group_of_unscheduled_requests_opens_and_pages(live_server: str, tmp_path: Path) -> None:
    event_id = _solved_demo(tmp_path / "live.db")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        refused: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text:
                refused.append(message.text)

        page.on("console", on_console)
        page.goto(live_server + "/login")
        page.fill("input[name=email]", ORGANISER_EMAIL)
        page.fill("input[name=password]", ORGANISER_PASSWORD)
        page.click("button.primary")
        expect(page.get_by_role("heading", name="Events")).to_be_visible()

        review = f"{live_server}/events/{event_id}/versions/1"
        page.goto(review)
        expect(page.locator("#proof-weight")).to_contain_text("Weight: ")
        group = page.locator("details.reason-group").first  # the largest kind
        rows = group.locator("a.request-link")
        expect(rows.first).not_to_be_visible()  # closed until opened
        group.locator("summary").click()
        expect(rows.first).to_be_visible()
        expect(group.locator(".pagination")).to_contain_text("page 1 of")
        first = rows.first.text_content()

        group.get_by_role("link", name="next »").click()
        expect(group.locator(".pagination")).to_contain_text("page 2 of")
        assert rows.first.text_content() != first
        assert page.url == review  # swapped in place, the page stays where it was
        shot(page, "review-reasons")

        request = rows.first.text_content() or ""
        rows.first.click()
        expect(page.locator("main")).to_contain_text(re.compile(re.escape(request)))
        assert refused == []
        browser.close()
