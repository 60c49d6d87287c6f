"""The pages under the Content-Security-Policy in Chromium: nothing the pages need is
refused (no inline script or style left), htmx still swaps, the API docs render from local
files."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect, sync_playwright

from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, TINY_SAMPLE

TABS = (
    "Set-up",
    "Registrations",
    "Requests",
    "Solve",
    "Schedules",
    "Insights",
    "Check-in",
    "Portal",
    "Outbox",
    "Organisers",
)


def _refusals(page: Page) -> list[str]:
    """Console messages of the page that say the policy refused something."""
    found: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", listen)
    return found


@pytest.mark.browser
def test_no_page_breaks_the_content_security_policy(live_server: str, tmp_path: Path) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.set_default_timeout(20_000)
        refused = _refusals(page)
        page.goto(live_server + "/login")
        page.fill("input[name=email]", ORGANISER_EMAIL)
        page.fill("input[name=password]", ORGANISER_PASSWORD)
        page.click("button.primary")
        page.set_input_files("input[type=file]", str(TINY_SAMPLE))
        page.click("button:has-text('Import')")
        expect(page.locator(".subnav .title")).to_be_visible()
        for tab in TABS:
            page.click(f".subnav a:has-text('{tab}')")
            expect(page.locator(".subnav a.active")).to_have_text(tab)
        page.click(".subnav a:has-text('Registrations')")
        page.fill("input[name=q]", "B001")  # an htmx search, swapped in place
        expect(page.locator("#results")).to_contain_text("B001-1")
        page.click(".subnav a:has-text('Portal')")
        link = page.locator("#links input").first.input_value()
        page.goto(live_server + link[link.index("/p/login/") :])
        expect(page.get_by_role("link", name="My agenda")).to_be_visible()
        page.goto(live_server + "/account")
        page.goto(live_server + "/no/such/page")
        browser.close()
    assert refused == []


@pytest.mark.browser
def test_the_api_docs_render_from_local_files(live_server: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        page.set_default_timeout(20_000)
        refused = _refusals(page)
        page.goto(live_server + "/api/docs")
        expect(page.locator(".opblock-summary-path").first).to_be_visible()
        browser.close()
    assert refused == []
