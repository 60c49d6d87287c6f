"""Rules of registrations, whichever way they arrive: unavailable ranges in event time."""

from __future__ import annotations

from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import OrganiserClient
from tests.web.helpers import load_tiny, person
from web import models as m

HEADER = "participant_id,name,organisation_id,role,unavailable\n"


def test_an_imported_range_with_an_offset_is_stored_in_event_time(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    """The same input as the portal's profile gives the same stored range (UTC+7 event)."""
    event_id = load_tiny(app)
    row = "S001-1,An,S001,supplier,2026-11-19T09:00+09:00/2026-11-19T10:00Z\n"
    organiser_client.post_form(
        f"/events/{event_id}/import",
        files={"file": ("r.csv", (HEADER + row).encode(), "text/csv")},
    )
    assert person(app, "S001-1").unavailable == [
        {"start": "2026-11-19T07:00", "end": "2026-11-19T17:00"}
    ]


def test_an_imported_range_ending_before_it_starts_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    row = "S001-1,An,S001,supplier,2026-11-19T10:00/2026-11-19T09:00\n"
    response = organiser_client.post_form(
        f"/events/{event_id}/import",
        files={"file": ("r.csv", (HEADER + row).encode(), "text/csv")},
    )
    assert (response.status_code, "is not start/end" in response.text) == (422, True)


def test_an_import_says_what_an_organisation_looks_for(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    """Needed products and sought countries, as the matching score reads them."""
    event_id = load_tiny(app)
    header = "participant_id,name,organisation_id,role,looking_for_products,looking_for_countries\n"
    row = "S001-1,An,S001,supplier,springs; lò xo,KR; JP\n"
    organiser_client.post_form(
        f"/events/{event_id}/import",
        files={"file": ("r.csv", (header + row).encode(), "text/csv")},
    )
    with Session(app.state.engine) as session:
        org = session.exec(select(m.Organisation).where(m.Organisation.ext_id == "S001")).one()
    assert (org.looking_for["products"], org.looking_for["countries"]) == (
        ["springs", "lò xo"],
        ["KR", "JP"],
    )
