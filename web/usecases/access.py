"""Who may open which event: the one check behind every organiser page, export and API call.

An organiser sees an event only through a membership row (`m.EventMember`) with a role, and
the role decides what they may do with it. Every use case that works on an event gets its
`m.Event` row from `open_event`, given the acting organiser and what they want to do.
"""

from __future__ import annotations

import enum

from sqlmodel import Session, col, select

from web import models as m
from web.models import Role
from web.usecases.errors import Forbidden, Msg, NotFound


class Permission(enum.StrEnum):
    """What an organiser wants to do with an event."""

    READ = "read"  # see the event, its registrations, versions, exports
    EDIT = "edit"  # change set-up, registrations, requests; solve; edit versions
    PUBLISH = "publish"  # publish a version, mail participants, see and renew their links
    MANAGE = "manage"  # invite organisers, change their roles, remove them


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.CO_ORGANISER: frozenset({Permission.READ, Permission.EDIT}),
    Role.VIEWER: frozenset({Permission.READ}),
}


def role_of(db: Session, organiser: m.Organiser, event_id: int) -> Role | None:
    """The organiser's role in the event; None when they are not one of its organisers."""
    query = select(m.EventMember.role).where(
        m.EventMember.event_id == event_id, m.EventMember.organiser_id == organiser.id
    )
    role = db.exec(query).first()
    return Role(role) if role is not None else None


def permissions(db: Session, organiser: m.Organiser, event: m.Event) -> frozenset[Permission]:
    """Everything `organiser` may do with `event` (nothing for a stranger)."""
    role = role_of(db, organiser, event.id)
    return GRANTS[role] if role is not None else frozenset()


def allows(db: Session, organiser: m.Organiser, event: m.Event, permission: Permission) -> bool:
    """Whether `organiser` may do `permission` on `event`."""
    return permission in permissions(db, organiser, event)


def open_event(
    db: Session, organiser: m.Organiser, event_id: int, permission: Permission
) -> m.Event:
    """The event row, if `organiser` may do `permission` on it. NotFound for a stranger (who
    learns nothing, not even that the event exists), Forbidden for one of its organisers
    whose role does not allow it."""
    event = db.get(m.Event, event_id)
    role = role_of(db, organiser, event_id) if event is not None else None
    if event is None or role is None:
        raise NotFound(Msg("event.not_found"))
    if permission not in GRANTS[role]:
        raise Forbidden(Msg("event.role_forbids", role=Msg(f"role.{role.value}")))
    return event


def owner_of(db: Session, event_id: int) -> m.Organiser | None:
    """The event's owner (the ORGANIZER of its calendars); None for an event nobody owns."""
    query = (
        select(m.Organiser)
        .join(m.EventMember, col(m.EventMember.organiser_id) == col(m.Organiser.id))
        .where(m.EventMember.event_id == event_id, m.EventMember.role == Role.OWNER.value)
    )
    return db.exec(query).first()


def grant(db: Session, event_id: int, organiser: m.Organiser, role: Role) -> m.EventMember:
    """Give `organiser` `role` in the event (not committed). Making someone the owner makes
    the previous owner a co-organiser: an event has one owner."""
    if role == Role.OWNER:
        for row in db.exec(
            select(m.EventMember).where(
                m.EventMember.event_id == event_id,
                m.EventMember.role == Role.OWNER.value,
                m.EventMember.organiser_id != organiser.id,
            )
        ):
            row.role = Role.CO_ORGANISER.value
            db.add(row)
    member = db.exec(
        select(m.EventMember).where(
            m.EventMember.event_id == event_id, m.EventMember.organiser_id == organiser.id
        )
    ).first() or m.EventMember(event_id=event_id, organiser_id=organiser.id)
    member.role = role.value
    db.add(member)
    db.flush()
    return member


def grant_by_email(db: Session, event_id: int, email: str, role: str) -> None:
    """`grant` for the command line: the organiser named by address, the role by its name
    (a `Role` value); committed."""
    organiser = db.exec(select(m.Organiser).where(m.Organiser.email == email.strip().lower()))
    found = organiser.first()
    if found is None:
        raise NotFound(Msg("account.no_organiser"))
    if db.get(m.Event, event_id) is None:
        raise NotFound(Msg("event.not_found"))
    grant(db, event_id, found, Role(role))
    db.commit()
