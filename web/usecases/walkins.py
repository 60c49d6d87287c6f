"""Walk-in meetings on the event day: two people ask to meet now; the earliest free times in
the published schedule are proposed, and the one chosen is booked at once as a new release.

There is no solve. The occupation is the published version's (what participants were
told); the rules are the event's set-up as it is now, which the new release freezes: both
attend the slot and are free, neither is at max_meetings, a table is free (the host's own
when one of them hosts), a resource the request needs has a unit left, `after` orders and
max_breaks hold (`scheduler.walkin`). Booking makes one version (the published meetings
and the new one, pins kept), checks it whole with `scheduler.check`, and publishes it
through `publishing.publish`: the release's changes tell exactly the two participants.

Organisers with the `edit` permission book walk-ins; a participant books one with someone
of the other side from the portal when the event allows it (`walk_ins_from_portal`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, update
from sqlmodel import Session, col, or_, select

from scheduler import domain
from scheduler.check import check_schedule
from scheduler.domain import DEFAULT_PRIORITY
from scheduler.walkin import WalkInError, WalkInProposal, book_walk_in, walk_in_slots
from web import models as m
from web.models import RequestStatus
from web.usecases import mapper, notifications, publishing, releases, requests, search, versions
from web.usecases.availability import event_time
from web.usecases.errors import Conflict, Forbidden, Invalid, Msg, NotFound

PROPOSED = 5  # times shown to choose from
FOUND_LIMIT = 20  # people listed as one types
NOTE = "walk-in"  # the note of a request made by a walk-in booking
SOURCE = "walk-in"  # the source of the version a booking makes


@dataclass(frozen=True)
class Person:
    participant: m.Participant
    organisation: m.Organisation | None


@dataclass(frozen=True)
class Slot:
    start: datetime  # naive, the event's local time
    end: datetime
    table: str


@dataclass(frozen=True)
class Proposal:
    a: Person
    b: Person
    slots: list[Slot]  # earliest first
    blocked: Msg | None  # why there is none, when `slots` is empty


@dataclass(frozen=True)
class Booked:
    request: str  # the request's id ("R00042")
    slot: Slot
    release: int  # the number of the release that holds it
    notified: int  # participants told


# --- finding the two people ------------------------------------------------------------------


def people(
    db: Session, event_id: int, query: str, *, meeting: m.Participant | None = None
) -> list[Person]:
    """Participants of the event whose name, e-mail, id or organisation hold every word of
    `query` (accents and case ignored); with `meeting`, only those who may meet them (the
    other side, not themselves). Nobody for an empty query."""
    found = search.matches(query, col(m.Participant.search_key), col(m.Organisation.search_key))
    if found is None:
        return []
    rows = db.exec(
        select(m.Participant, m.Organisation)
        .join(m.Organisation, col(m.Participant.organisation_id) == m.Organisation.id, isouter=True)
        .where(m.Participant.event_id == event_id, found)
        .order_by(col(m.Participant.name), col(m.Participant.ext_id))
    )
    out = [Person(p, o) for p, o in rows]
    if meeting is not None:
        mine = requests.role_of(db, meeting)
        out = [
            x
            for x in out
            if x.participant.id != meeting.id
            and requests.may_meet(mine, x.organisation.role if x.organisation else None)
        ]
    return out[:FOUND_LIMIT]


def person(db: Session, event_id: int, participant_id: int) -> Person:
    """One participant of the event; NotFound for anyone else's."""
    row = db.get(m.Participant, participant_id)
    if row is None or row.event_id != event_id:
        raise NotFound(Msg("participant.not_found"))
    org = db.get(m.Organisation, row.organisation_id) if row.organisation_id else None
    return Person(row, org)


# --- proposing and booking ---------------------------------------------------------------------


def resources(db: Session, event_id: int) -> list[str]:
    """The resources (interpreters...) a new walk-in meeting may need."""
    rows = db.exec(select(m.Resource.name).where(m.Resource.event_id == event_id))
    return sorted(rows)


def propose(
    db: Session,
    event_id: int,
    a_id: int,
    b_id: int,
    now: datetime,
    *,
    needs: tuple[str, ...] = (),
    limit: int = PROPOSED,
) -> Proposal:
    """The earliest times (at most `limit`, from `now` on) where the two can meet; `needs`:
    the resources a meeting of theirs needs when they have no request yet (a request's own
    `requires` apply otherwise)."""
    a, b = _pair(db, event_id, a_id, b_id, needs)
    plan = _plan(db, event_id, a, b, now, None, needs, limit)
    return Proposal(a, b, plan.slots, plan.blocked)


def book(
    db: Session,
    event_id: int,
    a_id: int,
    b_id: int,
    start: datetime,
    postman: notifications.Postman,
    links: notifications.Links,
    *,
    now: datetime,
    needs: tuple[str, ...] = (),
    by: str = "organiser",
) -> Booked:
    """Book the two at `start` (a time `propose` gives, the event's local time) and publish
    it as a new release; committed. Nothing is written when it is refused."""
    _lock(db, event_id)
    try:
        a, b = _pair(db, event_id, a_id, b_id, needs)
        row = _request_row(db, event_id, a, b)
        rid = row.ext_id if row is not None else requests.next_request_id(db, event_id)
        plan = _plan(db, event_id, a, b, now, rid, needs, None)
        chosen = next((s for s in plan.found.slots if s.start == start), None)
        if chosen is None:
            raise Conflict(Msg("walkin.slot_gone"))
        try:
            event, schedule = book_walk_in(plan.event, plan.schedule, plan.found, chosen.slot_idx)
        except WalkInError as refused:
            raise Invalid(Msg("walkin.breaks_rules", rule=str(refused))) from refused
        checked = check_schedule(event, schedule)  # the whole schedule, as every version
        if not checked.ok:
            raise Invalid(Msg("walkin.breaks_rules", rule=checked.violations[0]))
        if row is None:
            row = m.MeetingRequest(
                event_id=event_id,
                ext_id=rid,
                from_id=a.participant.id,
                to_id=b.participant.id,
                priority=DEFAULT_PRIORITY,
                requires=list(needs),
                status=RequestStatus.ACCEPTED.value,
                created_by=by,
                note=NOTE,
            )
        else:  # both asked for it now: later solves keep it too
            row.status = RequestStatus.ACCEPTED.value
        db.add(row)
        db.flush()
        pinned = {x.request_ext for x in mapper.meetings_of(db, plan.version.id) if x.pinned}
        version = versions.create_version(
            db, event_id, event, schedule, source=SOURCE, pinned=pinned, commit=False
        )
        outcome = publishing.publish(db, version, postman, links)
    except Exception:
        db.rollback()  # the request number taken, the request, the version: all or nothing
        raise
    slot = _slot(event, chosen.slot_idx, chosen.table_id)
    return Booked(rid, slot, outcome.release, outcome.notified)


# --- from the portal ---------------------------------------------------------------------------


def allowed(db: Session, me: m.Participant) -> bool:
    """Whether the participant's event lets participants book walk-ins."""
    event = db.get(m.Event, me.event_id)
    return event is not None and event.walk_ins_from_portal


def propose_for(db: Session, me: m.Participant, other_id: int, now: datetime) -> Proposal:
    """`propose` for a participant and someone they may meet."""
    _portal_check(db, me, other_id)
    return propose(db, me.event_id, me.id, other_id, now)


def book_for(
    db: Session,
    me: m.Participant,
    other_id: int,
    start: datetime,
    postman: notifications.Postman,
    links: notifications.Links,
    *,
    now: datetime,
) -> Booked:
    """`book` for a participant and someone they may meet."""
    _portal_check(db, me, other_id)
    return book(db, me.event_id, me.id, other_id, start, postman, links, now=now, by="participant")


def _portal_check(db: Session, me: m.Participant, other_id: int) -> None:
    if not allowed(db, me):
        raise Forbidden(Msg("walkin.portal_off"))
    other = person(db, me.event_id, other_id)
    if not requests.may_meet(requests.role_of(db, me), _role(other)):
        raise NotFound(Msg("participant.not_found"))  # the portal lists only the other side
    row = _request_row(db, me.event_id, person(db, me.event_id, me.id), other)
    if row is not None and row.status == RequestStatus.DECLINED.value:
        raise Invalid(Msg("walkin.declined"))


# --- the plan: the event, the published schedule and the slots --------------------------------


@dataclass(frozen=True)
class _Plan:
    event: domain.Event
    version: m.ScheduleVersion
    schedule: domain.Schedule
    found: WalkInProposal
    slots: list[Slot]
    blocked: Msg | None


def _role(x: Person) -> str | None:
    return x.organisation.role if x.organisation else None


def _pair(
    db: Session, event_id: int, a_id: int, b_id: int, needs: tuple[str, ...]
) -> tuple[Person, Person]:
    a, b = person(db, event_id, a_id), person(db, event_id, b_id)
    if a.participant.id == b.participant.id:
        raise Invalid(Msg("walkin.same_person"))
    if not requests.may_meet(_role(a), _role(b)):
        raise Invalid(Msg("request.same_side"))
    known = set(resources(db, event_id))
    for name in needs:
        if name not in known:
            raise Invalid(Msg("request.unknown_resource", name=name))
    return a, b


def _request_row(db: Session, event_id: int, a: Person, b: Person) -> m.MeetingRequest | None:
    """The pair's request, in either direction (one request per pair)."""
    x, y = a.participant.id, b.participant.id
    return db.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == event_id,
            or_(
                and_(col(m.MeetingRequest.from_id) == x, col(m.MeetingRequest.to_id) == y),
                and_(col(m.MeetingRequest.from_id) == y, col(m.MeetingRequest.to_id) == x),
            ),
        )
    ).first()


def _lock(db: Session, event_id: int) -> None:
    """Hold the event row until commit: two bookings at one moment take turns, and the
    second plans on the release the first published, not on the one both had read."""
    db.execute(
        update(m.Event)
        .where(col(m.Event.id) == event_id)
        .values(request_seq=col(m.Event.request_seq))
    )


def _plan(
    db: Session,
    event_id: int,
    a: Person,
    b: Person,
    now: datetime,
    request_id: str | None,
    needs: tuple[str, ...],
    limit: int | None,
) -> _Plan:
    version = versions.published_version(db, event_id)
    if version is None:
        raise Invalid(Msg("walkin.not_published"))
    event = mapper.event_of(db, event_id, for_solver=True)
    row = _request_row(db, event_id, a, b)
    if row is not None and row.ext_id not in event.request_by_id():
        # pending or declined until now: the walk-in makes it a meeting, with its own rules
        theirs = mapper.event_of(db, event_id).request_by_id()[row.ext_id]
        event = replace(event, requests=(*event.requests, theirs))
    schedule = mapper.schedule_of(db, version, event)
    if len(schedule.meetings) != len(mapper.meetings_of(db, version.id)):
        raise Conflict(Msg("walkin.outdated"))
    checked = check_schedule(event, schedule)
    if not checked.ok:
        raise Conflict(Msg("walkin.published_breaks_rules", rule=checked.violations[0]))
    held = next((x for x in schedule.meetings if row and x.request_id == row.ext_id), None)
    if held is not None:
        when = event.slots[held.slot_idx].start
        raise Invalid(Msg("walkin.already_meet", at=f"{when:%Y-%m-%d %H:%M}"))
    found = walk_in_slots(
        event,
        schedule,
        a.participant.ext_id,
        b.participant.ext_id,
        requires=needs,
        not_before=event_time(now, event.timezone),
        limit=len(event.slots) if limit is None else limit,
        request_id=request_id,
    )
    slots = [_slot(event, s.slot_idx, s.table_id) for s in found.slots]
    blocked = Msg(f"walkin.blocked.{found.blocked.value}") if found.blocked else None
    return _Plan(event, version, schedule, found, slots, blocked)


def _slot(event: domain.Event, slot_idx: int, table: str) -> Slot:
    slot = event.slots[slot_idx]
    return Slot(start=slot.start, end=slot.end, table=table)


@dataclass(frozen=True)
class Held:
    """A meeting of the published release, as a booking's confirmation shows it."""

    slot: Slot
    a: str  # names, as the release has them
    b: str
    release: int


def held(
    db: Session, event_id: int, request_ext: str, *, of: m.Participant | None = None
) -> Held | None:
    """The request's meeting in the published release, if it has one (and, with `of`, if
    that participant is one of its two sides: nobody reads another pair's meeting)."""
    frozen = releases.current(db, event_id)
    if frozen is None:
        return None
    meeting = next((x for x in frozen.schedule.meetings if x.request_id == request_ext), None)
    request = frozen.event.request_by_id().get(request_ext)
    if meeting is None or request is None:
        return None
    if of is not None and of.ext_id not in request.pair:
        return None
    people = frozen.event.participant_by_id()

    def name(pid: str) -> str:
        who = people.get(pid)
        return (who.name if who else None) or pid

    slot = _slot(frozen.event, meeting.slot_idx, meeting.table_id)
    return Held(slot, name(request.from_id), name(request.to_id), frozen.number)
