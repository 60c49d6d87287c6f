"""The event's Portal tab: sign-in links, renewing one, suggested meetings in bulk."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.conftest import OrganiserClient
from tests.web.helpers import SECRET, clear_requests, load_tiny, person, set_profile, signed_in
from web import models as m
from web.usecases import tokens


def _looking_for_medical_devices(app: FastAPI) -> tuple[m.Participant, m.Participant]:
    """B001-1 now looks for medical devices; S001-1 makes them and has no request with B001-1."""
    buyer = person(app, "B001-1")
    with Session(app.state.engine) as session:
        org = session.get(m.Organisation, buyer.organisation_id)
        assert org is not None  # every sample participant has an organisation
        org.looking_for = {"sectors": ["medical-devices"]}
        session.add(org)
        session.commit()
    return buyer, person(app, "S001-1")


def test_the_links_page_lists_every_participant(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    assert organiser_client.get(f"/events/{event_id}/portal").text.count("/p/login/") == 14


def test_suggestions_offer_a_fitting_pair(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    buyer, supplier = _looking_for_medical_devices(app)
    page = organiser_client.get(f"/events/{event_id}/portal/suggestions").text
    assert f'value="{buyer.id}-{supplier.id}"' in page


def test_ticked_suggestions_become_one_accepted_request_each(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    buyer, supplier = _looking_for_medical_devices(app)
    pair = f"{buyer.id}-{supplier.id}"
    response = organiser_client.post_form(
        f"/events/{event_id}/portal/suggestions",
        {"pair": [pair, pair, "999-998", "junk"]},
        follow_redirects=False,
    )
    assert response.headers["location"].endswith("created=1")


def test_a_request_made_from_a_suggestion_is_the_organisers(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    buyer, supplier = _looking_for_medical_devices(app)
    organiser_client.post_form(
        f"/events/{event_id}/portal/suggestions", {"pair": f"{buyer.id}-{supplier.id}"}
    )
    with Session(app.state.engine) as session:
        made = session.exec(
            select(m.MeetingRequest).where(
                m.MeetingRequest.from_id == buyer.id, m.MeetingRequest.to_id == supplier.id
            )
        ).one()
    assert (made.status, made.created_by) == ("accepted", "organiser")


def test_a_pair_with_a_request_is_no_longer_suggested(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    buyer, supplier = _looking_for_medical_devices(app)
    pair = f"{buyer.id}-{supplier.id}"
    organiser_client.post_form(f"/events/{event_id}/portal/suggestions", {"pair": pair})
    page = organiser_client.get(f"/events/{event_id}/portal/suggestions").text
    assert f'value="{pair}"' not in page


def test_suggestions_say_why_a_supplier_fits(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    clear_requests(app)
    set_profile(app, "B001", looking_for={"products": ["springs"]})
    page = organiser_client.get(f"/events/{event_id}/portal/suggestions").text
    assert "makes springs" in page


def test_suggestions_name_a_missing_certification(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    set_profile(
        app, "B001", looking_for={"products": ["springs"], "certifications": ["IATF 16949"]}
    )
    page = organiser_client.get(f"/events/{event_id}/portal/suggestions").text
    assert "IATF 16949 needed: holds no certification" in page


def test_the_market_shows_each_buyer(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/portal/market").text
    assert [f'data-organisation="B00{n}"' in page for n in (1, 2, 3)] == [True, True, True]


def test_the_market_shows_each_required_certification(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/portal/market").text
    assert re.findall(r'data-certification="([^"]+)"', page) == ["IATF 16949", "ISO 9001"]


def test_renewing_without_csrf_token_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    url = f"/events/{event_id}/portal/revoke/{person(app, 'B001-1').id}"
    assert organiser_client.post(url, follow_redirects=False).status_code == 403


def _renew(app: FastAPI, client: OrganiserClient, event_id: int) -> str:
    url = f"/events/{event_id}/portal/revoke/{person(app, 'B001-1').id}"
    location: str = client.post_form(url, follow_redirects=False).headers["location"]
    return location


def test_renewing_shows_the_new_link(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    old = tokens.login_token(SECRET, person(app, "B001-1"))
    page = organiser_client.get(_renew(app, organiser_client, event_id)).text
    assert ("New link: the old one" in page, old in page) == (True, False)


def test_renewing_ends_open_portal_sessions(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    participant = signed_in(app, "B001-1")
    _renew(app, organiser_client, event_id)
    assert participant.get("/p/", follow_redirects=False).status_code == 403


def test_renewing_ends_the_old_link(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    old = tokens.login_token(SECRET, person(app, "B001-1"))
    _renew(app, organiser_client, event_id)
    assert TestClient(app).get(f"/p/login/{old}", follow_redirects=False).status_code == 403


def test_renewing_ends_the_old_feed(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    feed = tokens.feed_token(SECRET, person(app, "B001-1"))
    _renew(app, organiser_client, event_id)
    assert "No such calendar" in TestClient(app).get(f"/p/feed/{feed}/calendar.ics").text


def test_the_new_link_signs_in(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    _renew(app, organiser_client, event_id)
    assert signed_in(app, "B001-1").get("/p/").status_code == 200


def test_renewing_in_another_event_is_not_found(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    url = f"/events/{event_id + 1}/portal/revoke/{person(app, 'B001-1').id}"
    assert organiser_client.post_form(url).status_code == 404


def test_sending_every_link_skips_a_stored_address_with_a_line_break(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        people = session.exec(select(m.Participant).where(m.Participant.event_id == event_id))
        everyone = people.all()
        everyone[0].email = "b@example.org\r\nBcc: all@example.org"
        session.add(everyone[0])
        session.commit()
        with_address = sum(1 for p in everyone[1:] if p.email)
    response = organiser_client.post_form(f"/events/{event_id}/portal/send")
    assert f"{with_address} e-mails are in the outbox and leave one by one." in response.text
