"""A participant's own profile: what is saved, what is refused, sessions and unavailability."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from tests.web.helpers import csrf, domain_event, load_tiny, person, set_profile, signed_in
from web import models as m

BUYER_FORM = {
    "name": "Tom Pham Jr",
    "languages": "ko, en",
    "max_meetings": "6",
    "sectors": "auto-parts",
    "want_sectors": "medical-devices",
}


def _save(client: TestClient, **values: object) -> int:
    data = {"csrf_token": csrf(client, "/p/profile"), **values}
    status: int = client.post("/p/profile", data=data).status_code
    return status


def _ticked(html: str) -> set[str]:
    return set(re.findall(r'name="sessions" value="([^"]+)" checked', html))


def test_a_bad_profile_saves_nothing(app: FastAPI) -> None:
    load_tiny(app)
    status = _save(signed_in(app, "B001-1"), name="", max_meetings="lots")
    assert (status, person(app, "B001-1").name) == (422, "Tom Pham")


def test_the_profile_saves_my_own_data(app: FastAPI) -> None:
    load_tiny(app)
    _save(signed_in(app, "B001-1"), **BUYER_FORM)
    me = person(app, "B001-1")
    assert (me.name, me.languages, me.max_meetings) == ("Tom Pham Jr", ["ko", "en"], 6)


def test_a_buyer_says_what_they_look_for(app: FastAPI) -> None:
    load_tiny(app)
    _save(signed_in(app, "B001-1"), **BUYER_FORM)
    with Session(app.state.engine) as session:
        org = session.get(m.Organisation, person(app, "B001-1").organisation_id)
    assert org is not None and org.looking_for["sectors"] == ["medical-devices"]


def test_saving_my_profile_leaves_others_untouched(app: FastAPI) -> None:
    load_tiny(app)
    _save(signed_in(app, "B001-1"), **BUYER_FORM)
    assert person(app, "B002-1").name == "Lan Pham"


def _looking_for(app: FastAPI, ext_id: str) -> dict[str, list[str]]:
    with Session(app.state.engine) as session:
        org = session.get(m.Organisation, person(app, ext_id).organisation_id)
        assert org is not None  # every sample participant has one
        return org.looking_for


def test_a_supplier_says_which_buyers_it_seeks(app: FastAPI) -> None:
    load_tiny(app)
    _save(signed_in(app, "S001-1"), name="Hung Tran", want_countries="KR, JP")
    assert _looking_for(app, "S001-1")["countries"] == ["KR", "JP"]


def test_a_supplier_requires_no_certification_of_buyers(app: FastAPI) -> None:
    load_tiny(app)
    assert 'name="want_certifications"' not in signed_in(app, "S001-1").get("/p/profile").text


def test_saving_keeps_what_the_form_does_not_show(app: FastAPI) -> None:
    """A buyer's `looking_for.sizes` (from an import) survives saving the profile."""
    load_tiny(app)
    set_profile(app, "B001", looking_for={"sizes": ["large"]})
    _save(signed_in(app, "B001-1"), **BUYER_FORM)
    assert _looking_for(app, "B001-1")["sizes"] == ["large"]


def test_the_profile_offers_every_session(app: FastAPI) -> None:
    load_tiny(app)
    page = signed_in(app, "S001-1").get("/p/profile").text
    assert 'value="d1-am"' in page and 'value="d1-pm"' in page


def test_at_least_one_session_must_be_ticked(app: FastAPI) -> None:
    load_tiny(app)
    assert _save(signed_in(app, "S001-1"), name="An", has_sessions="1") == 422


def test_ticking_some_sessions_restricts_availability(app: FastAPI) -> None:
    load_tiny(app)
    _save(signed_in(app, "S001-1"), name="An", has_sessions="1", sessions=["d1-am"])
    assert person(app, "S001-1").available == ["d1-am"]


def test_ticking_every_session_means_no_restriction(app: FastAPI) -> None:
    load_tiny(app)
    client = signed_in(app, "S001-1")
    _save(client, name="An", has_sessions="1", sessions=["d1-am"])
    _save(client, name="An", has_sessions="1", sessions=["d1-am", "d1-pm"])
    assert person(app, "S001-1").available is None


def test_an_unavailable_range_ending_before_it_starts_names_its_line(app: FastAPI) -> None:
    load_tiny(app)
    client = signed_in(app, "S001-1")
    data = {
        "csrf_token": csrf(client, "/p/profile"),
        "name": "An",
        "unavailable": "2026-11-19T10:00/2026-11-19T09:00",
    }
    response = client.post("/p/profile", data=data)
    assert (response.status_code, "line 1" in response.text) == (422, True)


def test_unavailable_ranges_are_stored(app: FastAPI) -> None:
    load_tiny(app)
    _save(signed_in(app, "S001-1"), name="An", unavailable="2026-11-19T09:30/2026-11-19T10:10\n")
    assert person(app, "S001-1").unavailable == [
        {"start": "2026-11-19T09:30", "end": "2026-11-19T10:10"}
    ]


def test_unavailable_times_with_offsets_are_stored_in_event_time(app: FastAPI) -> None:
    load_tiny(app)  # Asia/Ho_Chi_Minh, UTC+7
    text = "2026-11-19T09:00/2026-11-19T10:00+07:00\n2026-11-19T09:00+09:00/2026-11-19T10:00Z\n"
    _save(signed_in(app, "S001-1"), name="An", unavailable=text)
    assert person(app, "S001-1").unavailable == [
        {"start": "2026-11-19T09:00", "end": "2026-11-19T10:00"},
        {"start": "2026-11-19T07:00", "end": "2026-11-19T17:00"},
    ]


def test_the_solver_gets_naive_local_unavailable_times(app: FastAPI) -> None:
    event_id = load_tiny(app)
    _save(
        signed_in(app, "S001-1"), name="An", unavailable="2026-11-19T09:00+09:00/2026-11-19T10:00Z"
    )
    me = next(p for p in domain_event(app, event_id).participants if p.id == "S001-1")
    assert [u.start.tzinfo for u in me.unavailable] == [None]


def test_an_error_keeps_the_ticked_sessions(app: FastAPI) -> None:
    load_tiny(app)
    client = signed_in(app, "S001-1")
    data = {
        "csrf_token": csrf(client, "/p/profile"),
        "name": "",
        "has_sessions": "1",
        "sessions": ["d1-pm"],
    }
    assert _ticked(client.post("/p/profile", data=data).text) == {"d1-pm"}


def test_an_error_keeps_no_session_ticked_when_none_was(app: FastAPI) -> None:
    load_tiny(app)
    client = signed_in(app, "S001-1")
    data = {"csrf_token": csrf(client, "/p/profile"), "name": "An", "has_sessions": "1"}
    response = client.post("/p/profile", data=data)
    assert (_ticked(response.text), person(app, "S001-1").available) == (set(), None)


def test_a_name_with_a_line_break_is_refused(app: FastAPI) -> None:
    load_tiny(app)
    status = _save(signed_in(app, "B001-1"), **(BUYER_FORM | {"name": "Tom\r\nBcc: x"}))
    assert (status, person(app, "B001-1").name) == (422, "Tom Pham")


def test_the_description_keeps_its_lines(app: FastAPI) -> None:
    load_tiny(app)
    _save(signed_in(app, "B001-1"), **(BUYER_FORM | {"description": "We buy.\r\nWe pay."}))
    with Session(app.state.engine) as session:
        org = session.get(m.Organisation, person(app, "B001-1").organisation_id)
        assert org is not None
        assert org.description == "We buy.\nWe pay."
