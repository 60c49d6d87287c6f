"""An event's organisers: who they are, invitations by e-mail, role changes and removals.

The owner invites co-organisers and viewers by e-mail; the mailed link carries a random
token (only its hash is stored) and works once, for 14 days, for the invited address only.
Someone without an account chooses a password when accepting, which proves the address is
theirs. A role change or removal takes effect at the member's next request: every request
reads their role again (`access.open_event`).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from web import models as m
from web.models import Role, utcnow
from web.usecases import access, accounts, inputs
from web.usecases.errors import Forbidden, Invalid, Msg, NotFound
from web.usecases.notifications import InvitationNotice, Links, Postman

INVITATION_DAYS = 14
ROLES = tuple(Role)
INVITABLE = (Role.CO_ORGANISER, Role.VIEWER)  # the owner is made by handing an event over


@dataclass(frozen=True, slots=True)
class Member:
    row: m.EventMember
    email: str

    @property
    def role(self) -> Role:
        return Role(self.row.role)


def members(db: Session, event_id: int) -> list[Member]:
    """The event's organisers: the owner first, then by e-mail."""
    rows = db.exec(
        select(m.EventMember, m.Organiser.email)
        .join(m.Organiser, col(m.Organiser.id) == col(m.EventMember.organiser_id))
        .where(m.EventMember.event_id == event_id)
    ).all()
    order = {role: i for i, role in enumerate(Role)}
    found = [Member(row, email) for row, email in rows]
    return sorted(found, key=lambda x: (order[x.role], x.email))


def _member(db: Session, event_id: int, member_id: int) -> m.EventMember:
    row = db.get(m.EventMember, member_id)
    if row is None or row.event_id != event_id:
        raise NotFound(Msg("member.not_found"))
    return row


def parse_role(raw: str, allowed: tuple[Role, ...] = ROLES) -> Role:
    try:
        role = Role(raw.strip())
    except ValueError:
        role = None
    if role not in allowed:
        raise Invalid(Msg("member.bad_role"))
    return role


def set_role(db: Session, event: m.Event, member_id: int, role: Role) -> None:
    """Change a member's role. Giving someone the owner role hands the event over (the old
    owner stays as a co-organiser); the owner's own role changes only that way."""
    row = _member(db, event.id, member_id)
    if row.role == Role.OWNER.value:
        raise Invalid(Msg("member.owner_stays"))
    organiser = db.get(m.Organiser, row.organiser_id)
    if organiser is None:
        raise NotFound(Msg("member.not_found"))
    access.grant(db, event.id, organiser, role)
    db.commit()


def remove(db: Session, event: m.Event, member_id: int) -> None:
    """Remove a member: from their next request on, they no longer see the event."""
    row = _member(db, event.id, member_id)
    if row.role == Role.OWNER.value:
        raise Invalid(Msg("member.owner_stays"))
    db.delete(row)
    db.commit()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def pending(db: Session, event_id: int) -> list[m.EventInvitation]:
    """Invitations not yet accepted and not expired, newest first."""
    query = (
        select(m.EventInvitation)
        .where(
            m.EventInvitation.event_id == event_id,
            col(m.EventInvitation.expires_at) > utcnow(),
        )
        .order_by(col(m.EventInvitation.id).desc())
    )
    return list(db.exec(query))


def invite(
    db: Session,
    event: m.Event,
    inviter: m.Organiser,
    email: str,
    role: Role,
    postman: Postman,
    links: Links,
    locale: str | None,
) -> bool:
    """Invite `email` to the event as `role` and mail them the link; a pending invitation of
    the same address is replaced. Returns whether the mail was handed over (the invitation
    is saved either way, and can be sent again)."""
    address = inputs.email_address(email)
    if address is None:
        raise Invalid(Msg("form.correct_fields"), {"email": Msg("registration.bad_email")})
    if role not in INVITABLE:
        raise Invalid(Msg("member.bad_role"))
    if any(x.email == address for x in members(db, event.id)):
        raise Invalid(Msg("form.correct_fields"), {"email": Msg("member.already")})
    for old in db.exec(
        select(m.EventInvitation).where(
            m.EventInvitation.event_id == event.id, m.EventInvitation.email == address
        )
    ):
        db.delete(old)
    token = secrets.token_urlsafe(32)
    row = m.EventInvitation(
        event_id=event.id,
        email=address,
        role=role.value,
        token_hash=_hash(token),
        invited_by=inviter.id,
        expires_at=utcnow() + timedelta(days=INVITATION_DAYS),
    )
    db.add(row)
    db.commit()
    notice = InvitationNotice(
        email=address,
        locale=locale,
        event_name=event.name,
        role=role,
        inviter=inviter.email,
        link=links.invitation(token),
        expires_at=row.expires_at,
    )
    return postman.deliver(notice)


def withdraw(db: Session, event_id: int, invitation_id: int) -> None:
    row = db.get(m.EventInvitation, invitation_id)
    if row is None or row.event_id != event_id:
        raise NotFound(Msg("invitation.not_found"))
    db.delete(row)
    db.commit()


@dataclass(frozen=True, slots=True)
class Invitation:
    """A valid invitation as its page shows it."""

    row: m.EventInvitation
    event: m.Event
    inviter: str  # e-mail of who invited, "" if their account is gone
    has_account: bool  # whether an organiser account with the invited address exists

    @property
    def role(self) -> Role:
        return Role(self.row.role)

    @property
    def expires_at(self) -> datetime:
        return self.row.expires_at


def invitation(db: Session, token: str) -> Invitation:
    """The invitation of a link's token; NotFound when unknown, used, withdrawn or expired."""
    row = db.exec(select(m.EventInvitation).where(m.EventInvitation.token_hash == _hash(token)))
    found = row.first()
    event = db.get(m.Event, found.event_id) if found else None
    if found is None or event is None or found.expires_at <= utcnow():
        raise NotFound(Msg("invitation.not_found"))
    inviter = db.get(m.Organiser, found.invited_by) if found.invited_by else None
    return Invitation(
        found,
        event,
        inviter.email if inviter else "",
        accounts.organiser_by_email(db, found.email) is not None,
    )


def accept(db: Session, token: str, organiser: m.Organiser) -> m.Event:
    """`organiser` joins the event in the invited role; the link is used up. Only the
    invited address may accept (a forwarded link is refused)."""
    found = invitation(db, token)
    if organiser.email != found.row.email:
        raise Forbidden(Msg("invitation.other_address", email=found.row.email))
    if access.role_of(db, organiser, found.event.id) != Role.OWNER:
        access.grant(db, found.event.id, organiser, found.role)
    db.delete(found.row)
    db.commit()
    return found.event


def accept_with_new_account(
    db: Session, token: str, password: str, repeat: str
) -> tuple[m.Organiser, m.Event]:
    """Someone without an account accepts: the link proves the address is theirs, so they
    get an account with `password` and join the event."""
    found = invitation(db, token)
    if found.has_account:
        raise Forbidden(Msg("invitation.sign_in_first", email=found.row.email))
    if password != repeat:
        raise Invalid(Msg("form.correct_fields"), {"repeat": Msg("account.passwords_differ")})
    organiser = accounts.create_organiser(db, found.row.email, password)
    return organiser, accept(db, token, organiser)
