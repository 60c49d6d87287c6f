""" "Suggested for you" on the catalogue page: what each side reads, in its language."""

from __future__ import annotations

import html

from fastapi import FastAPI

from tests.web.helpers import clear_requests, load_tiny, set_profile, signed_in


def _setup(app: FastAPI) -> None:
    load_tiny(app)
    clear_requests(app)
    set_profile(
        app, "B001", looking_for={"products": ["springs"], "certifications": ["IATF 16949"]}
    )
    set_profile(app, "S002", products=["lò xo"], certifications=["ISO 9001"])


def _suggestions(page: str) -> str:
    return html.unescape(page.split('id="suggestions"', 1)[1].split('id="everyone"', 1)[0])


def test_a_supplier_reads_the_certification_it_lacks(app: FastAPI) -> None:
    _setup(app)
    page = signed_in(app, "S002-1").get("/p/catalogue").text
    assert "IATF 16949 needed: you hold ISO 9001" in _suggestions(page)


def test_a_supplier_reads_what_a_buyer_needs_of_its_products(app: FastAPI) -> None:
    _setup(app)
    page = signed_in(app, "S002-1").get("/p/catalogue").text
    assert "needs springs: you make lò xo" in _suggestions(page)


def test_a_buyer_reads_what_a_supplier_makes(app: FastAPI) -> None:
    _setup(app)
    page = signed_in(app, "B001-1").get("/p/catalogue").text
    assert "makes lò xo (springs)" in _suggestions(page)


def test_reasons_are_read_in_vietnamese(app: FastAPI) -> None:
    _setup(app)
    client = signed_in(app, "S002-1")
    client.cookies.set("lang", "vi")
    page = client.get("/p/catalogue").text
    assert "Cần IATF 16949: bạn có ISO 9001" in _suggestions(page)


def test_a_supplier_without_products_is_told_what_to_add(app: FastAPI) -> None:
    _setup(app)
    set_profile(app, "S004", products=[], description="")
    page = signed_in(app, "S004-1").get("/p/catalogue").text
    assert "what you make (products)" in _suggestions(page).split('id="unstated"', 1)[1]


def test_a_filtered_catalogue_shows_no_suggestions(app: FastAPI) -> None:
    _setup(app)
    page = signed_in(app, "B001-1").get("/p/catalogue", params={"q": "jsc"}).text
    assert 'id="suggestions"' not in page
