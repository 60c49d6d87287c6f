"""Browser tests wait for what a page shows as long as a loaded machine may need: an
assertion that fails waits the whole time, one that passes stops at once."""

from playwright.sync_api import Page, expect

from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD

expect.set_options(timeout=20_000)


def sign_in(page: Page, base: str) -> None:
    """Sign the page in as the test organiser, and wait until it is."""
    page.goto(base + "/login")
    page.fill("input[name=email]", ORGANISER_EMAIL)
    page.fill("input[name=password]", ORGANISER_PASSWORD)
    page.click("button.primary")
    expect(page.locator("header.top nav")).to_be_visible()
