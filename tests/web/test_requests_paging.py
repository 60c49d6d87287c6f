"""The organiser's request list is paged like the registrations list, and keeps its filters."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from sqlmodel import Session

from tests.conftest import OrganiserClient, import_event_json, log_in
from web.usecases.accounts import create_organiser

ROOT = Path(__file__).resolve().parents[2]
IDS = re.compile(r">(R\d{5})</a>")


def _links(page: str) -> dict[str, str]:
    """The pagination links of a page: text ('previous'/'next') -> unescaped href."""
    nav = page.split('<nav class="pagination">', 1)[1].split("</nav>", 1)[0]
    found = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    return {("next" if "next" in text else "previous"): html.unescape(href) for href, text in found}


def test_requests_list_pages_and_keeps_filters(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(page_size=5)
    try:
        with Session(app.state.engine) as session:
            create_organiser(session, "organiser@example.org", "correct horse battery")
            event = import_event_json(session, json.loads((ROOT / "samples/tiny.json").read_text()))
            event_id = event.id
        with OrganiserClient(app) as c:
            c.csrf = log_in(c)
            base = f"/events/{event_id}/requests"

            # 32 requests, 5 a page: every id exactly once across the 7 pages, in order.
            first = c.get(base).text
            assert "32 requests" in first and "page 1 of 7" in first
            assert "previous" not in _links(first)
            seen: list[str] = []
            for n in range(1, 8):
                response = c.get(f"{base}?page={n}")
                assert response.status_code == 200
                rows = IDS.findall(response.text)
                assert len(rows) == (2 if n == 7 else 5)
                seen += rows
            assert seen == sorted(seen) and len(set(seen)) == 32

            # Out-of-range pages are clamped, never an error.
            assert "page 7 of 7" in c.get(f"{base}?page=99").text
            assert "page 1 of 7" in c.get(f"{base}?page=0").text
            assert c.get(f"{base}?page=x").status_code == 422

            # A filter (priority 2: 20 requests) survives the next/previous links.
            page1 = c.get(f"{base}?priority=2", headers={"HX-Request": "true"}).text
            assert "<html" not in page1  # htmx gets the results fragment only
            assert "20 requests" in page1 and "page 1 of 4" in page1
            following = _links(page1)["next"]
            assert "priority=2" in following and "page=2" in following
            page2 = c.get(base + following).text
            assert "page 2 of 4" in page2
            assert set(IDS.findall(page2)).isdisjoint(IDS.findall(page1))
            back = _links(page2)["previous"]
            assert "priority=2" in back and "page=1" in back
            assert IDS.findall(c.get(base + back).text) == IDS.findall(page1)

            # Several filters together, including the participant filter.
            who = c.get(f"{base}?who=B001-1&priority=2").text
            nav = _links(who)
            for href in nav.values():
                assert "who=B001-1" in href and "priority=2" in href
    finally:
        app.state.engine.dispose()
