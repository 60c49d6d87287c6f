"""Two organisers on one ketnoi, in Chromium: the owner invites a partner as co-organiser,
the partner accepts from the mailed link with a new password, works on the event without
its Portal tab, and each sees only their own other events."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, TINY_SAMPLE

PARTNER = "partner@example.org"


def _invitation_path(tmp_path: Path) -> str:
    mails = sorted((tmp_path / "var" / "outbox").glob("*.eml"))
    message = email.message_from_bytes(mails[-1].read_bytes(), policy=policy.default)
    body = message.get_body(("plain",))
    assert body is not None
    found = re.search(r"(/invitations/\S+)", body.get_content())
    assert found
    return found.group(1)


def _page(browser: Browser) -> Page:
    page = browser.new_context().new_page()
    page.set_default_timeout(20_000)
    return page


@pytest.mark.browser
def test_two_organisers_share_one_event_and_keep_their_own(
    live_server: str, tmp_path: Path
) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        owner = _page(browser)
        owner.goto(live_server + "/login")
        owner.fill("input[name=email]", ORGANISER_EMAIL)
        owner.fill("input[name=password]", ORGANISER_PASSWORD)
        owner.click("button.primary")
        owner.set_input_files("input[type=file]", str(TINY_SAMPLE))
        owner.click("button:has-text('Import')")
        owner.click(".subnav a:has-text('Organisers')")
        owner.fill("#invite-form input[name=email]", PARTNER)
        owner.select_option("#invite-form select[name=role]", "co-organiser")
        owner.click("text=Send invitation")
        expect(owner.locator("p.notice")).to_contain_text("Invitation sent")

        partner = _page(browser)
        partner.goto(live_server + _invitation_path(tmp_path))
        partner.fill("input[name=password]", "partner password 1")
        partner.fill("input[name=repeat]", "partner password 1")
        partner.click("#accept-invitation")
        expect(partner.get_by_role("heading", name="Registrations")).to_be_visible()
        expect(partner.locator(".subnav")).not_to_contain_text("Portal")
        partner.goto(live_server + "/events/new")
        partner.fill("input[name=name]", "Partner's own fair")
        partner.click("text=Create event")
        expect(partner.get_by_role("heading", name="Registrations")).to_be_visible()
        partner.goto(live_server + "/")
        expect(partner.locator("table")).to_contain_text("co-organiser")

        owner.goto(live_server + "/")
        expect(owner.locator("table")).to_contain_text("Tiny connection morning")
        expect(owner.locator("table")).not_to_contain_text("Partner's own fair")
        expect(owner.locator("table")).to_contain_text("owner")
        browser.close()
