"""The one mapping between database rows and `scheduler.domain` objects, both ways.

Events: `event_of` reads an event's rows as a `domain.Event`; `insert_event` writes a
`domain.Event` as new rows. Schedules: `schedule_of` reads a version's meeting rows as a
`domain.Schedule` of an event, `insert_meetings` writes one as rows. Nothing else converts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from scheduler import domain
from web import models as m

# what an organisation looks for in the other side (scheduler.matching.Wants): a buyer its
# suppliers' sectors, products, required certifications, languages, countries and sizes; a
# supplier the buyers it seeks by sector, country, product, language and size
LOOKING_FOR_KEYS = ("sectors", "products", "certifications", "languages", "countries", "sizes")


def normalise_looking_for(value: object) -> dict[str, list[str]]:
    """`looking_for` as a dict of lists; a bare list (as in the samples) means certifications."""
    out: dict[str, list[str]] = {key: [] for key in LOOKING_FOR_KEYS}
    if isinstance(value, list):
        out["certifications"] = [str(v) for v in value]
    elif isinstance(value, dict):
        for key in LOOKING_FOR_KEYS:
            items = value.get(key)
            if isinstance(items, list):
                out[key] = [str(v) for v in items]
    return out


def solver_requests(requests: Iterable[m.MeetingRequest]) -> list[m.MeetingRequest]:
    """The requests the solver schedules: accepted ones, and any the organiser forced."""
    return [r for r in requests if r.forced or r.status == m.RequestStatus.ACCEPTED]


def sessions_of(db: Session, event_id: int) -> list[m.EventSession]:
    query = select(m.EventSession).where(m.EventSession.event_id == event_id)
    return list(db.exec(query.order_by(col(m.EventSession.start))))


def event_of(
    db: Session,
    event_id: int,
    *,
    for_solver: bool = False,
    fixed: dict[str, datetime] | None = None,
    with_requests: bool = True,
) -> domain.Event:
    """The domain Event of an event row.

    `for_solver=True` keeps only the requests the solver schedules (`solver_requests`);
    `fixed` pins requests (by ext_id) to a slot start, overriding their stored `fixed`;
    `with_requests=False` leaves the requests out (who is who, without what they asked).
    """
    event = db.get(m.Event, event_id)
    if event is None:
        raise KeyError(event_id)
    sessions = tuple(
        domain.Session(id=s.ext_id, start=s.start, end=s.end) for s in sessions_of(db, event_id)
    )
    resources = tuple(
        sorted(
            (r.name, r.capacity)
            for r in db.exec(select(m.Resource).where(m.Resource.event_id == event_id))
        )
    )
    organisations = list(
        db.exec(
            select(m.Organisation)
            .where(m.Organisation.event_id == event_id)
            .order_by(col(m.Organisation.ext_id))
        )
    )
    org_ext = {o.id: o.ext_id for o in organisations}
    participants = list(
        db.exec(
            select(m.Participant)
            .where(m.Participant.event_id == event_id)
            .order_by(col(m.Participant.ext_id))
        )
    )
    person_ext = {p.id: p.ext_id for p in participants}
    tables = list(
        db.exec(
            select(m.EventTable)
            .where(m.EventTable.event_id == event_id)
            .order_by(col(m.EventTable.ext_id))
        )
    )
    query = select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id)
    requests = list(db.exec(query.order_by(col(m.MeetingRequest.ext_id)))) if with_requests else []
    if for_solver:
        requests = solver_requests(requests)
    kept = {r.ext_id for r in requests}
    fixed = fixed or {}
    return domain.Event(
        name=event.name,
        timezone=event.timezone,
        slot_minutes=event.slot_minutes,
        sessions=sessions,
        resources=resources,
        max_breaks=event.max_breaks,
        tables=tuple(
            domain.Table(id=t.ext_id, host=person_ext.get(t.host_id) if t.host_id else None)
            for t in tables
        ),
        organisations=tuple(_organisation(o) for o in organisations),
        participants=tuple(
            domain.Participant(
                id=p.ext_id,
                organisation=org_ext.get(p.organisation_id) if p.organisation_id else None,
                name=p.name or None,
                email=p.email or None,
                languages=tuple(p.languages or ()),
                available=None if p.available is None else tuple(p.available),
                unavailable=tuple(
                    domain.TimeRange(
                        start=datetime.fromisoformat(u["start"]),
                        end=datetime.fromisoformat(u["end"]),
                    )
                    for u in p.unavailable or ()
                ),
                max_meetings=p.max_meetings,
                extra=dict(p.extra or {}),
            )
            for p in participants
        ),
        requests=tuple(
            domain.MeetingRequest(
                id=r.ext_id,
                from_id=person_ext[r.from_id],
                to_id=person_ext[r.to_id],
                priority=r.priority,
                required=r.required,
                sessions=None if r.sessions is None else tuple(r.sessions),
                requires=tuple(r.requires or ()),
                fixed=fixed.get(r.ext_id, r.fixed),
                after=tuple(a for a in r.after or () if a in kept),
            )
            for r in requests
        ),
    )


def _organisation(o: m.Organisation) -> domain.Organisation:
    extra: dict[str, Any] = dict(o.extra or {})
    if o.products:
        extra["products"] = list(o.products)
    if o.description:
        extra["description"] = o.description
    looking_for = o.looking_for or {}
    if any(looking_for.get(k) for k in LOOKING_FOR_KEYS):
        extra["looking_for"] = {k: v for k, v in looking_for.items() if v}
    return domain.Organisation(
        id=o.ext_id,
        name=o.name,
        role=o.role,
        country=o.country,
        sectors=tuple(o.sectors or ()),
        certifications=tuple(o.certifications or ()),
        languages=tuple(o.languages or ()),
        extra=extra,
    )


def time_ranges(ranges: Iterable[domain.TimeRange]) -> list[dict[str, str]]:
    """Stored form of unavailable ranges: naive local times to the minute."""
    return [
        {"start": u.start.isoformat(timespec="minutes"), "end": u.end.isoformat(timespec="minutes")}
        for u in ranges
    ]


def insert_event(db: Session, event: domain.Event, *, venue: str = "") -> m.Event:
    """Insert an Event and all its rows in the caller's transaction (flushed, not committed)."""
    row = m.Event(
        name=event.name,
        venue=venue,
        timezone=event.timezone,
        slot_minutes=event.slot_minutes,
        max_breaks=event.max_breaks,
    )
    db.add(row)
    db.flush()
    for s in event.sessions:
        db.add(m.EventSession(event_id=row.id, ext_id=s.id, start=s.start, end=s.end))
    for name, capacity in event.resources:
        db.add(m.Resource(event_id=row.id, name=name, capacity=capacity))
    org_ids: dict[str, int] = {}
    for o in event.organisations:
        extra = dict(o.extra)
        products = extra.pop("products", [])
        description = extra.pop("description", "")
        looking_for = normalise_looking_for(extra.pop("looking_for", None))
        org = m.Organisation(
            event_id=row.id,
            ext_id=o.id,
            name=o.name,
            role=o.role,
            country=o.country,
            sectors=list(o.sectors),
            products=[str(p) for p in products] if isinstance(products, list) else [],
            certifications=list(o.certifications),
            languages=list(o.languages),
            description=str(description or ""),
            looking_for=looking_for,
            extra=extra,
        )
        db.add(org)
        db.flush()
        org_ids[o.id] = org.id
    person_ids: dict[str, int] = {}
    for p in event.participants:
        extra = dict(p.extra)
        locale = extra.pop("locale", None)
        person = m.Participant(
            event_id=row.id,
            ext_id=p.id,
            organisation_id=org_ids.get(p.organisation) if p.organisation else None,
            name=p.name or "",
            email=p.email or "",
            languages=list(p.languages),
            available=None if p.available is None else list(p.available),
            unavailable=time_ranges(p.unavailable),
            max_meetings=p.max_meetings,
            locale=locale if isinstance(locale, str) else None,
            extra=extra,
        )
        db.add(person)
        db.flush()
        person_ids[p.id] = person.id
    for t in event.tables:
        host = person_ids.get(t.host) if t.host else None
        db.add(m.EventTable(event_id=row.id, ext_id=t.id, host_id=host))
    for r in event.requests:
        db.add(
            m.MeetingRequest(
                event_id=row.id,
                ext_id=r.id,
                from_id=person_ids[r.from_id],
                to_id=person_ids[r.to_id],
                priority=r.priority,
                required=r.required,
                sessions=None if r.sessions is None else list(r.sessions),
                requires=list(r.requires),
                after=list(r.after),
                fixed=r.fixed,
                status=m.RequestStatus.ACCEPTED,
                created_by="organiser",
            )
        )
    db.flush()
    return row


# --- schedules ------------------------------------------------------------------------------


def meetings_of(db: Session, version_id: int) -> list[m.Meeting]:
    query = select(m.Meeting).where(m.Meeting.version_id == version_id)
    return list(db.exec(query.order_by(col(m.Meeting.start), col(m.Meeting.table_ext))))


def stats_of(version: m.ScheduleVersion) -> domain.ScheduleStats | None:
    """A version's stored statistics as the solver reported them (a hand edit keeps the
    bounds, which still hold, but is only `feasible`: no optimality claim survives it)."""
    s = version.stats or {}
    try:
        status = domain.SolveStatus(str(s.get("status")))
    except ValueError:
        status = domain.SolveStatus.FEASIBLE
    if "meetings" not in s:
        return None
    return domain.ScheduleStats(
        meetings=int(s["meetings"]),
        weight=int(s.get("weight", 0)),
        weight_bound=s.get("weight_bound"),
        breaks=int(s.get("breaks", 0)),
        breaks_bound=s.get("breaks_bound"),
        solve_seconds=float(s.get("solve_seconds", 0.0)),
        status=status,
        participants_without_meeting=int(s.get("participants_without_meeting", 0)),
        max_participant_breaks=int(s.get("max_participant_breaks", 0)),
        message=s.get("message"),
        kept=s.get("kept"),
        moved=s.get("moved"),
        dropped=s.get("dropped"),
        added=s.get("added"),
    )


def schedule_of(
    db: Session, version: m.ScheduleVersion, event: domain.Event, *, with_stats: bool = False
) -> domain.Schedule:
    """A version as a schedule of `event`; meetings whose request or slot `event` no longer
    has (deleted since, set-up changed) are left out."""
    slots = event.slot_by_start()
    requests = event.request_by_id()
    meetings = sorted(
        (
            domain.Meeting(
                request_id=x.request_ext, slot_idx=slots[x.start].idx, table_id=x.table_ext
            )
            for x in meetings_of(db, version.id)
            if x.start in slots and x.request_ext in requests
        ),
        key=lambda x: (x.slot_idx, x.table_id),
    )
    return domain.Schedule(
        event_name=event.name,
        meetings=tuple(meetings),
        unscheduled=tuple(
            domain.Unscheduled(request_id=u["request"], reason=u.get("reason", ""))
            for u in version.unscheduled or ()
        ),
        stats=stats_of(version) if with_stats else None,
    )


def stats_row(stats: domain.ScheduleStats | None) -> dict[str, Any]:
    """The stored form of solver statistics."""
    if stats is None:
        return {}
    return {
        "meetings": stats.meetings,
        "weight": stats.weight,
        "weight_bound": stats.weight_bound,
        "breaks": stats.breaks,
        "breaks_bound": stats.breaks_bound,
        "solve_seconds": round(stats.solve_seconds, 2),
        "status": stats.status.value,
        "participants_without_meeting": stats.participants_without_meeting,
        "max_participant_breaks": stats.max_participant_breaks,
        "message": stats.message,
    } | {
        # a re-solve from the published release: what it did to the published meetings
        key: getattr(stats, key)
        for key in ("kept", "moved", "dropped", "added")
        if getattr(stats, key) is not None
    }


def insert_meetings(
    db: Session,
    version: m.ScheduleVersion,
    event: domain.Event,
    schedule: domain.Schedule,
    pinned: set[str] | frozenset[str] = frozenset(),
) -> None:
    """Write a schedule's meetings as rows of `version` (flushed, not committed)."""
    requests = {
        r.ext_id: r
        for r in db.exec(
            select(m.MeetingRequest).where(m.MeetingRequest.event_id == version.event_id)
        )
    }
    for meeting in schedule.meetings:
        slot = event.slots[meeting.slot_idx]
        row = requests.get(meeting.request_id)
        db.add(
            m.Meeting(
                version_id=version.id,
                request_id=row.id if row else None,
                request_ext=meeting.request_id,
                from_id=row.from_id if row else None,
                to_id=row.to_id if row else None,
                start=slot.start,
                end=slot.end,
                table_ext=meeting.table_id,
                pinned=meeting.request_id in pinned,
            )
        )
    db.flush()
