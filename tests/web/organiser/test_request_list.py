"""The organiser's request list is paged like the registrations list, and keeps its filters."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from tests.conftest import OrganiserClient, log_in
from tests.web.helpers import load_tiny
from web.usecases.accounts import create_organiser

IDS = re.compile(r">(R\d{5})</a>")


def _links(page: str) -> dict[str, str]:
    """The pagination links of a page: 'previous'/'next' -> unescaped href."""
    nav = page.split('<nav class="pagination">', 1)[1].split("</nav>", 1)[0]
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    return {("next" if "next" in text else "previous"): html.unescape(href) for href, text in found}


@pytest.fixture
def paged(make_app: Callable[..., FastAPI]) -> Iterator[tuple[OrganiserClient, str]]:
    """The tiny sample's 32 requests, 5 a page; a signed-in client and the list's address."""
    app = make_app(page_size=5)
    with Session(app.state.engine) as session:
        create_organiser(session, "organiser@example.org", "correct horse battery")
    event_id = load_tiny(app)
    with OrganiserClient(app) as client:
        client.csrf = log_in(client)
        yield client, f"/events/{event_id}/requests"
    app.state.engine.dispose()


def test_the_first_page_says_how_many_pages(paged: tuple[OrganiserClient, str]) -> None:
    client, base = paged
    first = client.get(base).text
    assert ("32 requests" in first, "page 1 of 7" in first, "previous" in _links(first)) == (
        True,
        True,
        False,
    )


def test_the_pages_hold_every_request_once_in_order(paged: tuple[OrganiserClient, str]) -> None:
    client, base = paged
    seen = [r for n in range(1, 8) for r in IDS.findall(client.get(f"{base}?page={n}").text)]
    assert (seen == sorted(seen), len(seen), len(set(seen))) == (True, 32, 32)


@pytest.mark.parametrize(("page", "shown"), [("99", "page 7 of 7"), ("0", "page 1 of 7")])
def test_a_page_out_of_range_is_clamped(
    paged: tuple[OrganiserClient, str], page: str, shown: str
) -> None:
    client, base = paged
    assert shown in client.get(f"{base}?page={page}").text


def test_a_filter_survives_the_next_link(paged: tuple[OrganiserClient, str]) -> None:
    client, base = paged
    page1 = client.get(f"{base}?priority=2", headers={"HX-Request": "true"}).text
    following = _links(page1)["next"]
    assert ("priority=2" in following, "page=2" in following) == (True, True)


def test_the_next_page_of_a_filter_holds_other_requests(paged: tuple[OrganiserClient, str]) -> None:
    client, base = paged
    page1 = client.get(f"{base}?priority=2").text
    page2 = client.get(base + _links(page1)["next"]).text
    assert ("page 2 of 4" in page2, set(IDS.findall(page2)) & set(IDS.findall(page1))) == (
        True,
        set(),
    )


def test_the_previous_link_leads_back(paged: tuple[OrganiserClient, str]) -> None:
    client, base = paged
    page1 = client.get(f"{base}?priority=2").text
    page2 = client.get(base + _links(page1)["next"]).text
    assert IDS.findall(client.get(base + _links(page2)["previous"]).text) == IDS.findall(page1)


def test_htmx_gets_only_the_results_fragment(paged: tuple[OrganiserClient, str]) -> None:
    client, base = paged
    assert "<html" not in client.get(f"{base}?priority=2", headers={"HX-Request": "true"}).text


def test_links_keep_several_filters(paged: tuple[OrganiserClient, str]) -> None:
    client, base = paged
    hrefs = _links(client.get(f"{base}?who=B001-1&priority=2").text).values()
    assert all("who=B001-1" in h and "priority=2" in h for h in hrefs)
