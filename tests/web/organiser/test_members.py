"""An event's organisers: the owner, invitations by e-mail and their link, roles, removal."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, OrganiserClient, csrf_of, log_in
from tests.web.helpers import create_event, load_tiny, store_version
from web import models as m
from web.models import Role, utcnow
from web.usecases import access, accounts

INVITEE = "partner@example.org"


def _outbox(tmp_path: Path) -> list[email.message.EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted((tmp_path / "var" / "outbox").glob("*.eml"))
    ]


def _invite(client: OrganiserClient, event_id: int, role: str = "co-organiser") -> None:
    form = {"email": INVITEE, "role": role}
    response = client.post_form(f"/events/{event_id}/members", form, follow_redirects=False)
    assert response.status_code == 303, response.text


def _link(tmp_path: Path) -> str:
    body = str(_outbox(tmp_path)[-1].get_body(("plain",)).get_content())  # type: ignore[union-attr]
    found = re.search(r"http://\S+(/invitations/\S+)", body)
    assert found, body
    return found.group(1)


def _role(app: FastAPI, event_id: int, address: str) -> Role | None:
    with Session(app.state.engine) as db:
        organiser = accounts.organiser_by_email(db, address)
        return access.role_of(db, organiser, event_id) if organiser else None


def _account(app: FastAPI, address: str) -> None:
    with Session(app.state.engine) as db:
        accounts.create_organiser(db, address, ORGANISER_PASSWORD)


def _accept_with_password(app: FastAPI, link: str, password: str = "partner password") -> int:
    client = TestClient(app)
    form = {"csrf_token": csrf_of(client.get("/login").text), "password": password}
    form["repeat"] = password
    return int(client.post(link, data=form, follow_redirects=False).status_code)


def test_the_creator_of_an_event_is_its_owner(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    assert _role(app, event_id, ORGANISER_EMAIL) == Role.OWNER


def test_an_imported_event_belongs_to_who_imported_it(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    sample = Path(__file__).resolve().parents[3] / "samples" / "tiny.json"
    files = {"file": ("tiny.json", sample.read_bytes(), "application/json")}
    response = organiser_client.post_form("/import-event", files=files, follow_redirects=False)
    event_id = int(response.headers["location"].split("/")[2])
    assert _role(app, event_id, ORGANISER_EMAIL) == Role.OWNER


def test_the_events_list_shows_only_ones_own_events(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    create_event(organiser_client)  # "Test fair", the organiser's
    _account(app, "other@example.org")
    other = OrganiserClient(app)
    other.csrf = log_in(other, "other@example.org")
    assert "Test fair" not in other.get("/").text


def test_an_invitation_is_mailed_with_its_link(
    tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    _invite(organiser_client, create_event(organiser_client))
    assert _link(tmp_path).startswith("/invitations/")


def test_someone_new_accepts_by_choosing_a_password(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _invite(organiser_client, event_id)
    assert (_accept_with_password(app, _link(tmp_path)), _role(app, event_id, INVITEE)) == (
        303,
        Role.CO_ORGANISER,
    )


def test_the_new_account_signs_in_with_the_chosen_password(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _invite(organiser_client, event_id)
    _accept_with_password(app, _link(tmp_path), "partner password")
    with Session(app.state.engine) as db:
        assert accounts.authenticate(db, INVITEE, "partner password") is not None


def test_a_short_password_is_refused_and_nobody_joins(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _invite(organiser_client, event_id)
    status = _accept_with_password(app, _link(tmp_path), "short")
    assert (status, _role(app, event_id, INVITEE)) == (422, None)


def test_an_invited_account_accepts_once_signed_in(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _account(app, INVITEE)
    _invite(organiser_client, event_id, "viewer")
    partner = OrganiserClient(app)
    partner.csrf = log_in(partner, INVITEE)
    partner.post_form(_link(tmp_path))
    assert _role(app, event_id, INVITEE) == Role.VIEWER


def test_an_invited_account_must_sign_in_rather_than_choose_a_password(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _account(app, INVITEE)
    _invite(organiser_client, event_id)
    assert _accept_with_password(app, _link(tmp_path)) == 403


def test_opening_the_link_changes_nothing(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    """Mail scanners open links: only the POST of the page accepts."""
    event_id = create_event(organiser_client)
    _account(app, INVITEE)
    _invite(organiser_client, event_id)
    partner = OrganiserClient(app)
    log_in(partner, INVITEE)
    partner.get(_link(tmp_path))
    assert _role(app, event_id, INVITEE) is None


def test_a_forwarded_link_is_refused_to_another_account(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _invite(organiser_client, event_id)
    _account(app, "forwarded@example.org")
    other = OrganiserClient(app)
    other.csrf = log_in(other, "forwarded@example.org")
    status = other.post_form(_link(tmp_path)).status_code
    assert (status, _role(app, event_id, "forwarded@example.org")) == (403, None)


def test_a_used_link_is_not_found(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    _invite(organiser_client, create_event(organiser_client))
    link = _link(tmp_path)
    _accept_with_password(app, link)
    assert TestClient(app).get(link).status_code == 404


def test_a_withdrawn_invitation_is_not_found(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _invite(organiser_client, event_id)
    with Session(app.state.engine) as db:
        invitation = db.exec(select(m.EventInvitation)).one()
    organiser_client.post_form(f"/events/{event_id}/invitations/{invitation.id}/withdraw")
    assert TestClient(app).get(_link(tmp_path)).status_code == 404


def test_an_expired_invitation_is_not_found(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient
) -> None:
    _invite(organiser_client, create_event(organiser_client))
    with Session(app.state.engine) as db:
        invitation = db.exec(select(m.EventInvitation)).one()
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.add(invitation)
        db.commit()
    assert TestClient(app).get(_link(tmp_path)).status_code == 404


def test_a_member_cannot_be_invited_again(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    form = {"email": ORGANISER_EMAIL, "role": "viewer"}
    response = organiser_client.post_form(f"/events/{event_id}/members", form)
    assert (response.status_code, "already an organiser" in response.text) == (422, True)


def test_nobody_is_invited_as_owner(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    form = {"email": INVITEE, "role": "owner"}
    assert organiser_client.post_form(f"/events/{event_id}/members", form).status_code == 422


def test_an_address_with_a_line_break_is_not_invited(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    form = {"email": "partner@example.org\r\nBcc: all@example.org", "role": "viewer"}
    assert organiser_client.post_form(f"/events/{event_id}/members", form).status_code == 422


def _member_id(app: FastAPI, event_id: int, address: str) -> int:
    with Session(app.state.engine) as db:
        organiser = accounts.organiser_by_email(db, address)
        assert organiser is not None
        row = db.exec(
            select(m.EventMember).where(
                m.EventMember.event_id == event_id, m.EventMember.organiser_id == organiser.id
            )
        ).one()
        return row.id


def _member(app: FastAPI, event_id: int, address: str, role: Role) -> OrganiserClient:
    """A signed-in organiser `address` with `role` in the event."""
    _account(app, address)
    with Session(app.state.engine) as db:
        organiser = accounts.organiser_by_email(db, address)
        assert organiser is not None
        access.grant(db, event_id, organiser, role)
        db.commit()
    client = OrganiserClient(app)
    client.csrf = log_in(client, address)
    return client


def test_a_removed_member_loses_the_event_at_their_next_request(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    partner = _member(app, event_id, INVITEE, Role.CO_ORGANISER)
    member_id = _member_id(app, event_id, INVITEE)
    organiser_client.post_form(f"/events/{event_id}/members/{member_id}/remove")
    assert partner.get(f"/events/{event_id}/participants").status_code == 404


def test_a_role_change_applies_at_the_next_request(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    partner = _member(app, event_id, INVITEE, Role.CO_ORGANISER)
    member_id = _member_id(app, event_id, INVITEE)
    organiser_client.post_form(f"/events/{event_id}/members/{member_id}/role", {"role": "viewer"})
    assert partner.get(f"/events/{event_id}/participants/new").status_code == 403


def test_making_someone_owner_hands_the_event_over(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    _member(app, event_id, INVITEE, Role.VIEWER)
    member_id = _member_id(app, event_id, INVITEE)
    organiser_client.post_form(f"/events/{event_id}/members/{member_id}/role", {"role": "owner"})
    roles = (_role(app, event_id, INVITEE), _role(app, event_id, ORGANISER_EMAIL))
    assert roles == (Role.OWNER, Role.CO_ORGANISER)


def test_the_owner_cannot_be_removed(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    member_id = _member_id(app, event_id, ORGANISER_EMAIL)
    response = organiser_client.post_form(f"/events/{event_id}/members/{member_id}/remove")
    assert (response.status_code, _role(app, event_id, ORGANISER_EMAIL)) == (422, Role.OWNER)


def test_a_co_organiser_adds_participants(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    partner = _member(app, event_id, INVITEE, Role.CO_ORGANISER)
    assert partner.get(f"/events/{event_id}/participants/new").status_code == 200


def test_a_viewer_sees_no_publish_button(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    store_version(app, event_id, {"R00001": (0, "T005")})
    viewer = _member(app, event_id, INVITEE, Role.VIEWER)
    assert 'id="publish-1"' not in viewer.get(f"/events/{event_id}/versions").text


def test_the_owner_sees_the_publish_button(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    store_version(app, event_id, {"R00001": (0, "T005")})
    assert 'id="publish-1"' in organiser_client.get(f"/events/{event_id}/versions").text


def test_the_organisers_page_speaks_vietnamese(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    organiser_client.cookies.set("lang", "vi")
    assert "Người tổ chức sự kiện này" in organiser_client.get(f"/events/{event_id}/members").text


def test_a_viewer_is_offered_no_way_to_add_participants(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    viewer = _member(app, event_id, INVITEE, Role.VIEWER)
    assert "/participants/new" not in viewer.get(f"/events/{event_id}/participants").text
