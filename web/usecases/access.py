"""Who may open which event: the one check behind every organiser page, export and API call.

Every use case that works on an event gets its `m.Event` row from `open_event`, given the
acting organiser and what they want to do with it. Today every organiser account may do
everything with every event; per-event roles replace the body of `allows` and nothing else.
"""

from __future__ import annotations

import enum

from sqlmodel import Session

from web import models as m
from web.usecases.errors import Msg, NotFound


class Permission(enum.StrEnum):
    """What an organiser wants to do with an event."""

    READ = "read"  # see the event, its registrations, versions, exports
    EDIT = "edit"  # change set-up, registrations, requests; solve; edit versions
    PUBLISH = "publish"  # publish a version, mail participants, renew their links


def allows(db: Session, organiser: m.Organiser, event: m.Event, permission: Permission) -> bool:
    """Whether `organiser` may do `permission` on `event`."""
    return True


def open_event(
    db: Session, organiser: m.Organiser, event_id: int, permission: Permission
) -> m.Event:
    """The event row, if it exists and `organiser` may do `permission` on it; else NotFound
    (a stranger learns nothing, not even that the event exists)."""
    event = db.get(m.Event, event_id)
    if event is None or not allows(db, organiser, event, permission):
        raise NotFound(Msg("event.not_found"))
    return event
