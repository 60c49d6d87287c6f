"""Who may do what with an event, walked from the app's own route table: a route added
tomorrow is tried here without anyone listing it.

Every route under `/events/{event_id}` and `/api/events/{event_id}` is called by a stranger
(another organiser, with their session and their API token), by a viewer and by a
co-organiser of the event, and by its owner with the ids of another organiser's event. Each
call names real rows (a participant, a request, a meeting, a version, a member...), so a
missing check would show as data in the answer or a change in the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, routing
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel, select

from scheduler.formats import load_json
from tests.conftest import ORGANISER_PASSWORD, TINY_SAMPLE, OrganiserClient, csrf_of, log_in
from tests.web.helpers import publish_placed, store_version
from web import models as m
from web.http.deps import EVENT_PERMISSIONS
from web.models import Role
from web.usecases import access, accounts, events, members
from web.usecases.access import Permission
from web.usecases.notifications import Links, Notice

PLACED = {"R00001": (0, "T005"), "R00003": (1, "T005"), "R00004": (2, "T005")}
# Routes that work on no event: each is a deliberate choice, tested on its own elsewhere.
OUTSIDE_EVENTS = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/login/link"),
    ("POST", "/login/link"),
    ("GET", "/login/link/{token}"),
    ("GET", "/"),
    ("GET", "/events/new"),
    ("POST", "/events"),
    ("GET", "/import-event"),
    ("POST", "/import-event"),
    ("GET", "/account"),
    ("POST", "/account/password"),
    ("POST", "/account/tokens"),
    ("POST", "/account/tokens/{token_id}/revoke"),
    ("GET", "/invitations/{token}"),
    ("POST", "/invitations/{token}"),
    ("GET", "/lang/{code}"),
    ("POST", "/api/events"),
    ("GET", "/api/docs"),
}
# What a form post sends to any route: plausible values for every form of the app.
FORM = {
    "name": "Taken over",
    "email": "taken@example.org",
    "role": "viewer",
    "participant_id": "X-1",
    "organisation_id": "X",
    "from": "B001-1",
    "to": "S001-1",
    "start": "2026-11-19T08:30:00",
    "table": "T001",
    "pair": "1-2",
    "time_limit": "1",
}
UPLOAD = {"file": ("upload.csv", b"participant_id,name\nX-1,Taken over\n", "text/csv")}


class NoMail:
    """A postman that keeps nothing: invitations in the world need no mail."""

    def deliver(self, notice: Notice) -> bool:
        return True

    def table_word(self, person: m.Participant) -> str:
        return "Table"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    permission: Permission | None  # what its event dependency asks for; None: no event
    params: dict[str, type]  # path and query parameters (required ones) -> their type

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def _calls(dependant: Any) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _params(dependant: Any) -> dict[str, type]:
    found = {p.name: p.field_info.annotation for p in dependant.path_params}
    found |= {
        p.name: p.field_info.annotation
        for p in dependant.query_params
        if p.field_info.is_required()
    }
    for sub in dependant.dependencies:
        found |= _params(sub)
    return found


def _route_table(app: FastAPI) -> list[Route]:
    """Every API route of the app with its methods, as the router resolves them."""
    contexts = getattr(routing, "iter_route_contexts", None)
    found: list[Any] = list(contexts(app.routes) if contexts else app.routes)
    out = []
    for route in found:
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue  # static files, the OpenAPI document and its page
        asked = [EVENT_PERMISSIONS[c] for c in _calls(dependant) if c in EVENT_PERMISSIONS]
        for method in sorted(route.methods):
            permission = asked[0] if len(asked) == 1 else None
            out.append(Route(method, route.path, permission, _params(dependant)))
            assert len(asked) <= 1, f"{method} {route.path} opens its event twice"
    return out


def _event_routes(app: FastAPI) -> list[Route]:
    return [r for r in _route_table(app) if "{event_id}" in r.path]


@dataclass(frozen=True)
class World:
    """One organiser's event with a row of every kind a route can name."""

    event_id: int
    name: str
    marker: str  # a word in every participant's name, and nowhere else
    ids: dict[str, int]
    viewer: str  # e-mail of the event's viewer


def build_world(app: FastAPI, owner_email: str, tag: str) -> World:
    with Session(app.state.engine) as db:
        owner = accounts.organiser_by_email(db, owner_email)
        assert owner is not None
        event = events.import_event(db, owner, load_json(TINY_SAMPLE.read_text()))
        event.name = f"Fair of {tag}"
        for person in db.exec(select(m.Participant).where(m.Participant.event_id == event.id)):
            person.name = f"{person.name} {tag}"
            db.add(person)
        db.add(event)
        db.commit()
        event_id = event.id
    publish_placed(app, event_id, PLACED)  # version 1, published
    number = store_version(app, event_id, PLACED)  # version 2, a draft
    viewer = f"viewer-{tag.lower()}@example.org"
    with Session(app.state.engine) as db:
        row = db.get(m.Event, event_id)
        assert row is not None
        version = db.exec(
            select(m.ScheduleVersion).where(
                m.ScheduleVersion.event_id == event_id, m.ScheduleVersion.number == number
            )
        ).one()
        db.add(m.SolveJob(event_id=event_id, state="succeeded", active=False))
        advice = m.AdviceJob(event_id=event_id, state="succeeded", active=False)
        advice.result = {"weight": 0, "weight_bound": 0, "suggestions": []}
        db.add(advice)
        db.flush()
        person = _one(db, m.Participant, event_id, ext_id="B001-1")
        request = _one(db, m.MeetingRequest, event_id, ext_id="R00001")
        meeting = db.exec(
            select(m.Meeting).where(
                m.Meeting.version_id == version.id, m.Meeting.request_ext == "R00001"
            )
        ).one()
        member = access.grant(
            db, event_id, accounts.create_organiser(db, viewer, ORGANISER_PASSWORD), Role.VIEWER
        )
        db.commit()
        owner = accounts.organiser_by_email(db, owner_email)
        assert owner is not None
        links = Links(base_url="http://testserver", secret="test-secret")
        invitee = f"invitee-{tag.lower()}@example.org"
        members.invite(db, row, owner, invitee, Role.VIEWER, NoMail(), links, None)
        invitation = members.pending(db, event_id)[0]
        ids = {
            "number": number,
            "a": 1,
            "b": number,
            "pid": person.id,
            "participant_id": person.id,
            "rid": request.id,
            "mid": meeting.id,
            "member_id": member.id,
            "invitation_id": invitation.id,
            "message_id": db.exec(
                select(m.OutboxMessage.id).where(m.OutboxMessage.event_id == event_id)
            ).first(),
            "job_id": advice.id,
            "index": 0,
        }
        return World(event_id, row.name, tag, ids, viewer)


def _one(db: Session, table: Any, event_id: int, ext_id: str) -> Any:
    return db.exec(select(table).where(table.event_id == event_id, table.ext_id == ext_id)).one()


def url_of(route: Route, world: World, ids: dict[str, int] | None = None) -> str:
    """The route's address for the world's event, its rows named by `ids` (default: the
    world's own); a text parameter gets what it means in the world."""
    ids = ids or world.ids
    path = route.path.replace("{event_id}", str(world.event_id))
    query = []
    for name, kind in route.params.items():
        if name == "event_id":
            continue
        if name == "kind":
            value = "csv"
        elif name == "reason":
            value = "meeting_limit"
        elif name == "participant_id" and kind is str:
            value = "B001-1"
        else:
            value = str(ids[name])
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", value)
        else:
            query.append(f"{name}={value}")
    return path + ("?" + "&".join(query) if query else "")


def call(client: TestClient, route: Route, url: str, csrf: str = "", token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if route.method == "GET":
        return client.get(url, headers=headers, follow_redirects=False)
    if route.is_api:
        return client.post(url, json={}, headers=headers, follow_redirects=False)
    data = {"csrf_token": csrf, **FORM}
    return client.post(url, data=data, files=UPLOAD, headers=headers, follow_redirects=False)


def snapshot(app: FastAPI, tmp_path: Path) -> dict[str, list[str]]:
    """Every row of every table (sign-ins and token use aside) and the mail sent."""
    out: dict[str, list[str]] = {}
    with app.state.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if table.name not in ("login_session", "api_token"):
                rows = connection.execute(table.select())
                out[table.name] = sorted(repr(tuple(r)) for r in rows)
    out["mail"] = sorted(p.name for p in (tmp_path / "var" / "outbox").glob("*.eml"))
    return out


def signed_in_as(app: FastAPI, email: str) -> OrganiserClient:
    client = OrganiserClient(app)
    client.csrf = log_in(client, email, ORGANISER_PASSWORD)
    return client


def token_of(app: FastAPI, email: str) -> str:
    with Session(app.state.engine) as db:
        return accounts.create_api_token(db, email)


@pytest.fixture
def victim(app: FastAPI, organiser: str) -> World:
    """The test organiser's event."""
    return build_world(app, organiser, "Victim")


@pytest.fixture
def stranger(app: FastAPI) -> World:
    """Another organiser, with an event of their own."""
    with Session(app.state.engine) as db:
        accounts.create_organiser(db, "stranger@example.org", ORGANISER_PASSWORD)
    return build_world(app, "stranger@example.org", "Stranger")


def test_every_route_is_an_event_route_or_a_known_one(app: FastAPI) -> None:
    unknown = [
        (r.method, r.path)
        for r in _route_table(app)
        if "{event_id}" not in r.path
        and not r.path.startswith("/p/")
        and (r.method, r.path) not in OUTSIDE_EVENTS
    ]
    assert unknown == []


def test_every_event_route_opens_its_event_through_the_access_check(app: FastAPI) -> None:
    unchecked = [(r.method, r.path) for r in _event_routes(app) if r.permission is None]
    assert unchecked == []


def test_no_route_that_changes_an_event_asks_only_to_read_it(app: FastAPI) -> None:
    writes = [
        (r.method, r.path)
        for r in _event_routes(app)
        if r.method != "GET" and r.permission == Permission.READ
    ]
    assert writes == []


def test_a_stranger_gets_nothing_from_any_event_route(
    app: FastAPI, tmp_path: Path, victim: World, stranger: World
) -> None:
    client = signed_in_as(app, "stranger@example.org")
    token = token_of(app, "stranger@example.org")
    before = snapshot(app, tmp_path)
    leaks = []
    for route in _event_routes(app):
        response = call(client, route, url_of(route, victim), client.csrf, token)
        body = response.text
        if response.status_code != 404 or victim.marker in body or victim.name in body:
            leaks.append((route.method, route.path, response.status_code))
    assert (leaks, snapshot(app, tmp_path)) == ([], before)


def test_without_a_session_every_event_page_asks_to_log_in(
    app: FastAPI, tmp_path: Path, victim: World
) -> None:
    client = TestClient(app)
    csrf = log_in_page_csrf(client)
    before = snapshot(app, tmp_path)
    answers = {
        (r.method, r.path): call(client, r, url_of(r, victim), csrf)
        for r in _event_routes(app)
        if not r.is_api
    }
    wrong = [
        key
        for key, response in answers.items()
        if response.status_code != 303 or not response.headers["location"].startswith("/login")
    ]
    assert (wrong, snapshot(app, tmp_path)) == ([], before)


def test_without_a_token_every_api_call_is_unauthorised(app: FastAPI, victim: World) -> None:
    client = TestClient(app)
    api = [r for r in _event_routes(app) if r.is_api]
    wrong = [
        (r.method, r.path) for r in api if call(client, r, url_of(r, victim)).status_code != 401
    ]
    assert (len(api) > 0, wrong) == (True, [])


def log_in_page_csrf(client: TestClient) -> str:
    return csrf_of(client.get("/login").text)


def test_an_owner_reaches_no_row_of_another_event_through_their_own(
    app: FastAPI, tmp_path: Path, organiser_client: OrganiserClient, victim: World, stranger: World
) -> None:
    """The victim's owner asks for the stranger's participant, request, meeting, member and
    invitation under the victim's event: each is not found, and nothing changes."""
    foreign = victim.ids | {k: v for k, v in stranger.ids.items() if k not in ("number", "a", "b")}
    crossing = [
        r
        for r in _event_routes(app)
        if not r.is_api
        and any(k in r.params and k not in ("number", "a", "b") for k in stranger.ids)
    ]
    before = snapshot(app, tmp_path)
    leaks = []
    for route in crossing:
        response = call(
            organiser_client, route, url_of(route, victim, foreign), organiser_client.csrf
        )
        if response.status_code != 404 or stranger.marker in response.text:
            leaks.append((route.method, route.path, response.status_code))
    assert (len(crossing) > 5, leaks, snapshot(app, tmp_path)) == (True, [], before)


def _refused_for(
    app: FastAPI, tmp_path: Path, world: World, email: str, denied: set[Permission]
) -> tuple[list[tuple[str, str, int]], bool]:
    client = signed_in_as(app, email)
    token = token_of(app, email)
    before = snapshot(app, tmp_path)
    wrong = []
    for route in _event_routes(app):
        if route.permission in denied:
            response = call(client, route, url_of(route, world), client.csrf, token)
            if response.status_code != 403:
                wrong.append((route.method, route.path, response.status_code))
    return wrong, snapshot(app, tmp_path) == before


def test_a_viewer_may_change_nothing(app: FastAPI, tmp_path: Path, victim: World) -> None:
    denied = {Permission.EDIT, Permission.PUBLISH, Permission.MANAGE}
    assert _refused_for(app, tmp_path, victim, victim.viewer, denied) == ([], True)


def test_a_co_organiser_may_not_publish_nor_manage_organisers(
    app: FastAPI, tmp_path: Path, victim: World
) -> None:
    email = "co@example.org"
    with Session(app.state.engine) as db:
        co = accounts.create_organiser(db, email, ORGANISER_PASSWORD)
        access.grant(db, victim.event_id, co, Role.CO_ORGANISER)
        db.commit()
    denied = {Permission.PUBLISH, Permission.MANAGE}
    assert _refused_for(app, tmp_path, victim, email, denied) == ([], True)


def test_a_viewer_reads_every_page_and_export(app: FastAPI, victim: World) -> None:
    client = signed_in_as(app, victim.viewer)
    token = token_of(app, victim.viewer)
    reads = [r for r in _event_routes(app) if r.permission == Permission.READ]
    refused = [
        (r.method, r.path, status)
        for r in reads
        if (status := call(client, r, url_of(r, victim), client.csrf, token).status_code) != 200
    ]
    assert (len(reads) > 20, refused) == (True, [])
