"""The catalogue: the other side as cards, searched without accents, filtered, ordered and
paged (filters kept in the links); one request form opened on demand in a card."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.helpers import clear_requests, csrf, load_tiny, person, set_profile, signed_in
from web import models as m

CARD = re.compile(r'<article class="card counterpart" data-participant="([^"]+)"')
HTMX = {"HX-Request": "true"}


def _results(page: str) -> list[str]:
    """The participants on the listed cards, in order (not the suggestions above them)."""
    return CARD.findall(page.split('id="catalogue"', 1)[1])


def _rename(app: FastAPI, names: dict[str, str]) -> None:
    with Session(app.state.engine) as session:
        for row in session.exec(select(m.Participant)):
            if row.ext_id in names:
                row.name = names[row.ext_id]
                session.add(row)
        session.commit()


def test_buyers_see_only_suppliers(app: FastAPI) -> None:
    load_tiny(app)
    listed = _results(signed_in(app, "B001-1").get("/p/catalogue").text)
    assert sorted(listed) == [f"S{n:03d}-1" for n in range(1, 11)]


def test_suppliers_see_buyers(app: FastAPI) -> None:
    load_tiny(app)
    listed = _results(signed_in(app, "S001-1").get("/p/catalogue").text)
    assert sorted(listed) == ["B001-1", "B002-1", "B003-1", "B003-2"]


def test_free_text_that_matches_nobody_shows_nobody(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/catalogue", params={"q": "zzzz-nothing"}).text
    assert _results(page) == []


@pytest.mark.parametrize("query", ["nguyen", "Nguyễn", "NGUYEN"])
def test_a_name_is_found_without_typing_its_accents(app: FastAPI, query: str) -> None:
    load_tiny(app)
    _rename(app, {"S001-1": "Nguyễn Văn Thuật", "S002-1": "Nguyen Thi Ha", "S003-1": "Mai Đặng"})
    page = signed_in(app, "B001-1").get("/p/catalogue", params={"q": query}).text
    assert sorted(_results(page)) == ["S001-1", "S002-1"]


def test_search_finds_d_with_stroke_as_d(app: FastAPI) -> None:
    load_tiny(app)
    _rename(app, {"S003-1": "Mai Đặng"})
    page = signed_in(app, "B001-1").get("/p/catalogue", params={"q": "Mai Dang"}).text
    assert _results(page) == ["S003-1"]


def test_search_finds_what_a_company_makes(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/catalogue", params={"q": "rubber seals"}).text
    assert _results(page) == ["S003-1"]


def test_a_filter_keeps_only_the_matching_cards(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/catalogue", params={"certification": "ISO 9001"}).text
    assert sorted(_results(page)) == ["S004-1", "S009-1", "S010-1"]


def test_the_catalogue_is_paged(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(catalogue_page_size=4)
    load_tiny(app)
    client = signed_in(app, "B001-1")
    pages = [_results(client.get("/p/catalogue", params={"page": n}).text) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [4, 4, 2]


def test_the_next_page_link_keeps_the_filters(make_app: Callable[..., FastAPI]) -> None:
    app = make_app(catalogue_page_size=2)
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/catalogue", params={"q": "jsc", "order": "fit"}).text
    assert 'href="?page=2&amp;q=jsc&amp;order=fit"' in page


def test_htmx_gets_only_the_results(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/catalogue", headers=HTMX).text
    assert (page.lstrip().startswith('<div id="results">'), "<html" in page) == (True, False)


def test_best_fit_first_orders_the_cards_by_score(app: FastAPI) -> None:
    load_tiny(app)
    set_profile(app, "B001", looking_for={"products": ["springs"]})
    page = signed_in(app, "B001-1").get("/p/catalogue", params={"order": "fit"}).text
    section = page.split('id="catalogue"', 1)[1]
    scores = [int(s) for s in re.findall(r'<span class="score[^"]*"[^>]*>(\d+) %', section)]
    assert (len(scores), scores) == (10, sorted(scores, reverse=True))


def test_no_card_carries_a_request_form_until_asked(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/catalogue").text
    assert 'class="request-form"' not in page


def test_a_card_opens_its_request_form_on_demand(app: FastAPI) -> None:
    load_tiny(app)
    supplier = person(app, "S001-1")
    card = signed_in(app, "B001-1").get(f"/p/catalogue/{supplier.id}?form=1", headers=HTMX)
    assert card.text.count('class="request-form"') == 1


def test_a_card_without_htmx_is_a_whole_page(app: FastAPI) -> None:
    load_tiny(app)
    supplier = person(app, "S001-1")
    page = signed_in(app, "B001-1").get(f"/p/catalogue/{supplier.id}?form=1").text
    assert ("<html" in page, 'class="request-form"' in page) == (True, True)


def test_a_card_of_my_own_side_is_not_found(app: FastAPI) -> None:
    load_tiny(app)
    other_buyer = person(app, "B002-1")
    response = signed_in(app, "B001-1").get(f"/p/catalogue/{other_buyer.id}")
    assert response.status_code == 404


def _send_from_card(client: TestClient, to: int, priority: str = "2") -> tuple[int, str]:
    data = {"csrf_token": csrf(client), "to": str(to), "priority": priority, "note": "Hello"}
    response = client.post("/p/requests", data=data, headers=HTMX)
    return response.status_code, response.text


def test_a_request_sent_from_a_card_answers_with_the_card_marked(app: FastAPI) -> None:
    load_tiny(app)
    clear_requests(app)
    supplier = person(app, "S001-1")
    status, card = _send_from_card(signed_in(app, "B001-1"), supplier.id)
    assert (status, 'class="badge relation requested_by_me"' in card) == (200, True)


def test_a_refused_request_keeps_the_form_open_with_the_reason(app: FastAPI) -> None:
    load_tiny(app)
    clear_requests(app)
    supplier = person(app, "S001-1")
    status, card = _send_from_card(signed_in(app, "B001-1"), supplier.id, priority="9")
    assert (status, 'class="request-form"' in card, "Choose a priority" in card) == (
        422,
        True,
        True,
    )


def test_requested_counterparts_are_marked_in_the_catalogue(app: FastAPI) -> None:
    load_tiny(app)
    clear_requests(app)
    supplier = person(app, "S001-1")
    client = signed_in(app, "B001-1")
    _send_from_card(client, supplier.id)
    page = client.get("/p/catalogue", params={"q": "Soc Son"}).text
    assert 'class="badge relation requested_by_me"' in page


def test_the_request_form_works_without_javascript(app: FastAPI) -> None:
    load_tiny(app)
    clear_requests(app)
    supplier = person(app, "S001-1")
    client = signed_in(app, "B001-1")
    form = client.get(f"/p/catalogue/{supplier.id}?form=1").text.split('class="request-form"')[1]
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    data = {"csrf_token": token.group(1), "to": str(supplier.id), "priority": "2"}
    response = client.post("/p/requests", data=data, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/p/requests")


def test_a_supplier_finds_the_buyers_that_need_a_product(app: FastAPI) -> None:
    load_tiny(app)
    set_profile(app, "B002", looking_for={"products": ["lò xo"]})
    page = signed_in(app, "S001-1").get("/p/catalogue", params={"q": "lo xo"}).text
    assert _results(page) == ["B002-1"]


def test_after_the_deadline_cards_offer_no_request(app: FastAPI) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        event = session.get(m.Event, event_id)
        assert event is not None  # just loaded
        event.request_deadline = datetime(2000, 1, 1)
        session.add(event)
        session.commit()
    page = signed_in(app, "B001-1").get("/p/catalogue").text
    assert ("open-request" in page, "Requests are closed." in page) == (False, True)
