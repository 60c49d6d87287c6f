"""Request dependencies: the database session, the signed-in organiser or participant, the
API token's organiser, and the event an organiser route works on (checked by
`web.usecases.access.open_event`, the one access check), settings and the postman.

No `from __future__ import annotations` here: FastAPI reads the annotations of the event
dependencies built in `_event_for` at run time, and they name a local variable.
"""

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from web import models as m
from web.courier import Courier
from web.http import sessions
from web.i18n import _
from web.mailing import MailPostman, OutboxPostman
from web.settings import Settings
from web.usecases import access, accounts, logins
from web.usecases.access import Permission
from web.usecases.jobs import Launcher
from web.usecases.notifications import Links


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as db:
        yield db


Db = Annotated[Session, Depends(get_db)]
Organiser = m.Organiser
Participant = m.Participant
Event = m.Event
Version = m.ScheduleVersion
Job = m.SolveJob
Meeting = m.Meeting


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def secret(request: Request) -> str:
    return get_settings(request).get_secret_key()


def _max_age(request: Request) -> int:
    return get_settings(request).session_max_age


def get_links(request: Request) -> Links:
    settings = get_settings(request)
    return Links(base_url=settings.base_url, secret=settings.get_secret_key())


def get_postman(request: Request) -> MailPostman:
    return MailPostman.from_settings(get_settings(request))


def get_outbox_postman(db: Db) -> OutboxPostman:
    return OutboxPostman(db)


def get_courier(request: Request) -> Courier:
    courier: Courier = request.app.state.courier
    return courier


def get_launcher(request: Request) -> Launcher:
    launcher: Launcher = request.app.state.launcher
    return launcher


def clock() -> datetime:
    """The time now (aware, UTC). Event-day routes take it as a dependency so that a test
    stands at a chosen moment of an event (`app.dependency_overrides[clock]`)."""
    return datetime.now(UTC)


Now = Annotated[datetime, Depends(clock)]
LinksDep = Annotated[Links, Depends(get_links)]
LauncherDep = Annotated[Launcher, Depends(get_launcher)]
PostmanDep = Annotated[MailPostman, Depends(get_postman)]
# For what a transaction decides: the mail leaves after commit, when the courier is kicked.
OutboxDep = Annotated[OutboxPostman, Depends(get_outbox_postman)]
CourierDep = Annotated[Courier, Depends(get_courier)]


def signed_in_organiser(request: Request, db: Db) -> m.Organiser | None:
    """The organiser whose session the cookie carries, if it has not ended."""
    organiser = logins.organiser_of(db, sessions.organiser_token(request), _max_age(request))
    if organiser is not None:
        request.state.organiser = organiser
    return organiser


def current_organiser(request: Request, db: Db) -> m.Organiser:
    """The signed-in organiser; anyone else is sent to the login page."""
    organiser = signed_in_organiser(request, db)
    if organiser is None:
        raise sessions.LoginRequired()
    return organiser


CurrentOrganiser = Annotated[m.Organiser, Depends(current_organiser)]
MaybeOrganiser = Annotated[m.Organiser | None, Depends(signed_in_organiser)]


def api_organiser(request: Request, db: Db) -> m.Organiser:
    """The organiser of the `Authorization: Bearer` token, or 401."""
    scheme, _sep, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    organiser = accounts.organiser_of_token(db, token.strip())
    if organiser is None:
        raise HTTPException(401, "invalid token", headers={"WWW-Authenticate": "Bearer"})
    return organiser


ApiOrganiser = Annotated[m.Organiser, Depends(api_organiser)]


# Which permission each event dependency asks for: the authorisation test reads it from the
# route table, so that every route says what it needs.
EVENT_PERMISSIONS: dict[Callable[..., m.Event], Permission] = {}


def _event_for(permission: Permission, who: Callable[..., m.Organiser]) -> Callable[..., m.Event]:
    def dependency(
        request: Request, event_id: int, db: Db, organiser: Annotated[m.Organiser, Depends(who)]
    ) -> m.Event:
        event = access.open_event(db, organiser, event_id, permission)
        # What the pages show (publish buttons, tabs) follows the reader's role.
        request.state.permissions = access.permissions(db, organiser, event)
        return event

    EVENT_PERMISSIONS[dependency] = permission
    return dependency


# The event of the path's {event_id}, for an organiser page that reads, edits, publishes it
# or manages its organisers.
ReadEvent = Annotated[m.Event, Depends(_event_for(Permission.READ, current_organiser))]
EditEvent = Annotated[m.Event, Depends(_event_for(Permission.EDIT, current_organiser))]
PublishEvent = Annotated[m.Event, Depends(_event_for(Permission.PUBLISH, current_organiser))]
ManageEvent = Annotated[m.Event, Depends(_event_for(Permission.MANAGE, current_organiser))]
# The same for an API call, by the token's organiser.
ApiReadEvent = Annotated[m.Event, Depends(_event_for(Permission.READ, api_organiser))]
ApiEditEvent = Annotated[m.Event, Depends(_event_for(Permission.EDIT, api_organiser))]
ApiPublishEvent = Annotated[m.Event, Depends(_event_for(Permission.PUBLISH, api_organiser))]


def signed_in_participant(request: Request, db: Db) -> m.Participant | None:
    """The participant whose portal session the cookie carries, if it has not ended."""
    person = logins.participant_of(db, sessions.participant_token(request), _max_age(request))
    if person is not None:
        request.state.participant = person
    return person


def current_participant(request: Request, db: Db) -> m.Participant:
    """The participant signed in by their link, or 403."""
    person = signed_in_participant(request, db)
    if person is None:
        raise HTTPException(403, _("Sign in with your personal link first."))
    return person


Me = Annotated[m.Participant, Depends(current_participant)]
