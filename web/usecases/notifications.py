"""Who is told what: sign-in links, the changes a newly published version brings, and the
request for meeting outcomes after the event.

Use cases decide the notices (recipient, facts, invitations as iCalendar bytes); a `Postman`
delivers them. The app's postmen (`web.mailing`) word each notice as an e-mail in the
recipient's language and either send it at once (one sign-in link, an invitation) or write
it to the outbox in the caller's transaction, for `web.courier` to send after commit
(everything a publish or a bulk send decides).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlmodel import Session, select

from scheduler.ical import Change, Method, meeting_calendar, meeting_changes
from web import models as m
from web.usecases import inputs, releases, tokens

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Links:
    """How to build the addresses in a notice: the public address and the signing secret."""

    base_url: str
    secret: str

    def login(self, person: m.Participant) -> str:
        return tokens.login_url(self.base_url, self.secret, person)

    def outcomes(self, person: m.Participant) -> str:
        """A sign-in link that opens the participant's meeting outcomes page."""
        return self.login(person) + "?next=/p/outcomes"

    def invitation(self, token: str) -> str:
        """The link of an organiser's invitation to an event."""
        return f"{self.base_url.rstrip('/')}/invitations/{token}"


@dataclass(frozen=True, slots=True)
class LinkNotice:
    """A participant's personal sign-in link."""

    person: m.Participant
    event_name: str
    link: str


@dataclass(frozen=True, slots=True)
class Item:
    change: Change  # ADDED, MOVED or DROPPED
    start: datetime  # the new time (the old one for a dropped meeting), event-local
    table: str
    other: str  # the other side's name
    request_id: str


@dataclass(frozen=True, slots=True)
class Invitation:
    filename: str
    data: bytes
    method: Method


@dataclass(frozen=True, slots=True)
class ChangeNotice:
    """A participant's meetings changed with a published version (items in time order)."""

    person: m.Participant
    event_name: str
    timezone: str
    items: tuple[Item, ...]
    invitations: tuple[Invitation, ...]
    link: str
    release_id: int | None = None  # the release that brought the changes


@dataclass(frozen=True, slots=True)
class InvitationNotice:
    """An invitation to organise an event with its owner, in a role."""

    email: str
    locale: str | None  # the inviter's language at the time (the invitee has none yet)
    event_name: str
    role: m.Role
    inviter: str  # the inviter's e-mail address
    link: str
    expires_at: datetime  # UTC


@dataclass(frozen=True, slots=True)
class OutcomeNotice:
    """After the event: how did your meetings go? (with a link to record it)"""

    person: m.Participant
    event_name: str
    meetings: int  # the participant's meetings in the published release
    link: str


Notice = LinkNotice | ChangeNotice | InvitationNotice | OutcomeNotice


class Postman(Protocol):
    def deliver(self, notice: Notice) -> bool:
        """Send one notice; False if it could not be handed over (already logged)."""
        ...

    def table_word(self, person: m.Participant) -> str:
        """The word before a table id in an invitation's LOCATION, in `person`'s language."""
        ...


def send_login_link(db: Session, person: m.Participant, postman: Postman, links: Links) -> bool:
    """Send one participant their link; False if they have no valid address or delivery
    failed."""
    if inputs.email_address(person.email) is None:
        return False
    event = db.get(m.Event, person.event_id)
    return postman.deliver(LinkNotice(person, event.name if event else "", links.login(person)))


def send_all_login_links(db: Session, event_id: int, postman: Postman, links: Links) -> int:
    """Every participant of the event gets their link (committed, for a postman that writes
    to the outbox); the number handed over."""
    people = db.exec(select(m.Participant).where(m.Participant.event_id == event_id)).all()
    sent = sum(send_login_link(db, p, postman, links) for p in people)
    db.commit()
    return sent


def send_links_to_address(db: Session, email: str, postman: Postman, links: Links) -> None:
    """Every registration with this address gets its link. Nothing is returned and nothing
    raised, whatever happens: the answer to "send me my link" must not tell whether an
    address is registered."""
    for person in participants_with_email(db, email):
        try:
            send_login_link(db, person, postman, links)
        except Exception:
            log.exception("sign-in link for participant %s not sent", person.id)


def participants_with_email(db: Session, email: str) -> list[m.Participant]:
    """Registrations with this address, in any event (case and spaces ignored)."""
    email = email.strip().casefold()
    if not email:
        return []
    rows = db.exec(select(m.Participant).where(m.Participant.email != "")).all()
    return [p for p in rows if p.email.strip().casefold() == email]


def release_published(db: Session, release: m.Release, postman: Postman, links: Links) -> int:
    """One notice per participant whose meetings changed since the previous release, listing
    the changes, with the updated invitations (METHOD:REQUEST for new or moved meetings,
    METHOD:CANCEL for dropped ones). Returns the number handed to the postman."""
    src = releases.read(db, release)
    before = src.previous
    found = {
        r: c
        for r, c in meeting_changes(
            src.schedule,
            before.schedule if before else None,
            src.event,
            before.event if before else None,
        ).items()
        if c != Change.UNCHANGED
    }
    requests = {**(before.event.request_by_id() if before else {}), **src.event.request_by_id()}
    placed = {x.request_id: x for x in src.schedule.meetings}
    dropped = {x.request_id: x for x in before.schedule.meetings} if before else {}
    by_person: dict[str, list[str]] = {}
    for rid in found:
        for pid in requests[rid].pair:
            by_person.setdefault(pid, []).append(rid)
    people = {
        p.ext_id: p
        for p in db.exec(select(m.Participant).where(m.Participant.event_id == release.event_id))
    }
    names = {p.id: (p.name or p.id) for p in before.event.participants} if before else {}
    names.update({p.id: (p.name or p.id) for p in src.event.participants})
    sent = 0
    for pid, rids in sorted(by_person.items()):
        person = people.get(pid)
        if person is None or inputs.email_address(person.email) is None:
            continue
        items = []
        invitations = []
        options = releases.with_table_label(src, postman.table_word(person))
        for rid in rids:
            req = requests[rid]
            change = found[rid]
            if change == Change.DROPPED:
                assert before is not None  # only a previous release has meetings to drop
                meeting, slots = dropped[rid], before.event.slots
            else:
                meeting, slots = placed[rid], src.event.slots
            other = names.get(req.to_id if req.from_id == pid else req.from_id, "?")
            items.append(Item(change, slots[meeting.slot_idx].start, meeting.table_id, other, rid))
            method = Method.CANCEL if change == Change.DROPPED else Method.REQUEST
            data = meeting_calendar(src.event, src.schedule, rid, options, method)
            invitations.append(Invitation(f"meeting-{rid}.ics", data, method))
        order = sorted(range(len(items)), key=lambda i: items[i].start)
        notice = ChangeNotice(
            person=person,
            event_name=src.event.name,
            timezone=src.event.timezone,
            items=tuple(items[i] for i in order),
            invitations=tuple(invitations[i] for i in order),
            link=links.login(person),
            release_id=release.id,
        )
        sent += postman.deliver(notice)
    return sent
