"""The catalogue: the other side of the event, filters, and suggestions."""

from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Session

from tests.web.helpers import load_tiny, person, signed_in
from web import models as m


def test_buyers_see_suppliers_only(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/catalogue").text
    assert ('data-participant="S001-1"' in page, 'data-participant="B002-1"' in page) == (
        True,
        False,
    )


def test_suppliers_see_buyers(app: FastAPI) -> None:
    load_tiny(app)
    assert 'data-participant="B001-1"' in signed_in(app, "S001-1").get("/p/catalogue").text


def test_free_text_that_matches_nobody_shows_nobody(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "B001-1").get("/p/catalogue", params={"q": "zzzz-nothing"}).text
    assert 'data-participant="S' not in page


def test_a_buyer_who_says_what_they_look_for_gets_suggestions(app: FastAPI) -> None:
    load_tiny(app)
    buyer = person(app, "B001-1")
    with Session(app.state.engine) as session:
        org = session.get(m.Organisation, buyer.organisation_id)
        assert org is not None  # every sample participant has one
        org.looking_for = {"sectors": ["medical-devices"], "languages": ["ko"]}
        session.add(org)
        session.commit()
    page = signed_in(app, "B001-1").get("/p/catalogue").text
    assert 'id="suggestions"' in page and "no, interpreter needed" in page
