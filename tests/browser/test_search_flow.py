"""Search and request in Chromium on the demo event: a buyer reads its suggestions and why,
finds "Nguyễn Văn Thuật" by typing "nguyen", opens the request form in that card and sends
it; the supplier reads its suggestions with what buyers need of it and the request received.
Screenshots: portal-catalogue*.png (see SCREENSHOTS in conftest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlmodel import Session, select

from scheduler.formats import load_json
from tests.conftest import SCREENSHOTS, import_event_json
from web import models as m
from web.db import make_engine
from web.usecases import tokens

DEMO = Path(__file__).resolve().parents[2] / "samples" / "hanoi-2026.json"
SECRET = "live-secret"  # the live_server fixture's key
BUYER, SUPPLIER = "B001-1", "S036-1"  # S036-1 is Nguyễn Văn Thuật, who makes what B001 needs


def _links(db: Path) -> dict[str, str]:
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        import_event_json(session, load_json(DEMO.read_text()), venue="NECC Hà Nội")
        for request in session.exec(select(m.MeetingRequest)):
            session.delete(request)  # a fresh event: nobody has asked anybody yet
        session.commit()
        links = {
            p.ext_id: "/p/login/" + tokens.login_token(SECRET, p)
            for p in session.exec(select(m.Participant))
        }
    engine.dispose()
    return links


def _as(browser: Browser, base: str, link: str, width: int = 1280, height: int = 900) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(20_000)
    page.goto(base + link)
    return page


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"portal-{name}.png"))


@pytest.mark.browser
def test_search_and_request(live_server: str, tmp_path: Path) -> None:
    links = _links(tmp_path / "live.db")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        buyer = _as(browser, live_server, links[BUYER])
        buyer.click("text=Catalogue")
        suggested = buyer.locator("#suggestions article.counterpart")
        expect(suggested.first.locator("ul.why li.fit").first).to_contain_text("makes")
        shot(buyer, "catalogue")
        # find a name without typing its accents; the filter goes into the address
        buyer.fill("input[name=q]", "nguyen")
        thuat = buyer.locator(f'#catalogue article[data-participant="{SUPPLIER}"]')
        expect(thuat).to_contain_text("Nguyễn Văn Thuật")
        expect(buyer).to_have_url(f"{live_server}/p/catalogue?q=nguyen")
        expect(buyer.locator("#catalogue .request-form")).to_have_count(0)
        # one request form, opened on demand in the card
        thuat.locator(".open-request").click()

        expect(buyer.locator("#catalogue .request-form")).to_have_count(1)
        thuat.locator("select[name=priority]").select_option("3")
        thuat.locator("input[name=note]").fill("Springs for our Hai Phong plant")
        shot(buyer, "catalogue-request")
        thuat.locator("button", has_text="Send request").click()
        expect(thuat.locator(".badge.relation")).to_have_text("requested")
        buyer.goto(live_server + "/p/requests")
        expect(buyer.locator("#requests tr", has_text="Springs for our")).to_contain_text("pending")
        # the supplier: which buyers want what it makes, and the request it received
        supplier = _as(browser, live_server, links[SUPPLIER], width=390, height=844)
        supplier.goto(live_server + "/p/catalogue")
        reasons = supplier.locator("#suggestions ul.why li.fit")
        expect(reasons.filter(has_text="you make lò xo").first).to_be_visible()
        shot(supplier, "catalogue-phone")
        supplier.goto(live_server + "/p/requests")
        expect(supplier.locator("#requests tr", has_text="Springs for our")).to_be_visible()
        browser.close()


@pytest.mark.browser
def test_catalogue_filters_run_without_script_errors(live_server: str, tmp_path: Path) -> None:
    """htmx runs under a CSP without eval: a trigger filter written as an expression would
    raise in the browser and refresh the results behind the person's back."""
    links = _links(tmp_path / "live.db")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        buyer = _as(browser, live_server, links[BUYER])
        errors: list[str] = []
        buyer.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        buyer.goto(live_server + "/p/catalogue")
        buyer.fill("input[name=q]", "nguyen")
        expect(buyer).to_have_url(f"{live_server}/p/catalogue?q=nguyen")
        buyer.select_option("select[name=order]", "fit")
        expect(buyer).to_have_url(f"{live_server}/p/catalogue?q=nguyen&order=fit")
        browser.close()
    assert errors == []
