"""Conversions between event rows and `scheduler.domain.Event`, and event import/creation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from scheduler import domain
from scheduler.formats import parse_event
from web import models as m

LOOKING_FOR_KEYS = ("sectors", "products", "certifications", "languages")
_ORG_OWN = {"id", "name", "role", "country", "sectors", "certifications", "languages"}
_ORG_EXTRA_COLUMNS = ("products", "description", "looking_for")


def get_event(session: Session, event_id: int) -> m.Event | None:
    return session.get(m.Event, event_id)


def list_events(session: Session) -> list[m.Event]:
    return list(session.exec(select(m.Event).order_by(col(m.Event.id).desc())))


def sessions_of(session: Session, event_id: int) -> list[m.EventSession]:
    query = select(m.EventSession).where(m.EventSession.event_id == event_id)
    return list(session.exec(query.order_by(col(m.EventSession.start))))


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


def event_from_db(
    session: Session,
    event_id: int,
    *,
    for_solver: bool = False,
    fixed: dict[str, datetime] | None = None,
) -> domain.Event:
    """The domain Event of an event row.

    `for_solver=True` keeps only accepted or forced requests (the ones the solver schedules);
    `fixed` pins requests (by ext_id) to a slot start, overriding their stored `fixed`.
    """
    event = session.get(m.Event, event_id)
    if event is None:
        raise KeyError(event_id)
    sessions = tuple(
        domain.Session(id=s.ext_id, start=s.start, end=s.end)
        for s in sessions_of(session, event_id)
    )
    resources = tuple(
        sorted(
            (r.name, r.capacity)
            for r in session.exec(select(m.Resource).where(m.Resource.event_id == event_id))
        )
    )
    organisations = list(
        session.exec(
            select(m.Organisation)
            .where(m.Organisation.event_id == event_id)
            .order_by(col(m.Organisation.ext_id))
        )
    )
    org_ext = {o.id: o.ext_id for o in organisations}
    participants = list(
        session.exec(
            select(m.Participant)
            .where(m.Participant.event_id == event_id)
            .order_by(col(m.Participant.ext_id))
        )
    )
    person_ext = {p.id: p.ext_id for p in participants}
    tables = list(
        session.exec(
            select(m.EventTable)
            .where(m.EventTable.event_id == event_id)
            .order_by(col(m.EventTable.ext_id))
        )
    )
    query = select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id)
    requests = list(session.exec(query.order_by(col(m.MeetingRequest.ext_id))))
    if for_solver:
        requests = [r for r in requests if r.forced or r.status == m.RequestStatus.ACCEPTED]
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
    if any(o.looking_for.get(k) for k in LOOKING_FOR_KEYS) if o.looking_for else False:
        extra["looking_for"] = {k: v for k, v in o.looking_for.items() if v}
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


def import_event_json(session: Session, doc: object, *, venue: str = "") -> m.Event:
    """Create a new event from a `b2b-event/1` document; raises FormatError, writes nothing then."""
    event = parse_event(doc)
    return create_event_from_domain(session, event, venue=venue)


def create_event_from_domain(session: Session, event: domain.Event, *, venue: str = "") -> m.Event:
    """Insert an Event and all its rows in the caller's transaction, then commit."""
    row = m.Event(
        name=event.name,
        venue=venue,
        timezone=event.timezone,
        slot_minutes=event.slot_minutes,
        max_breaks=event.max_breaks,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    event_id = row.id
    for s in event.sessions:
        session.add(m.EventSession(event_id=event_id, ext_id=s.id, start=s.start, end=s.end))
    for name, capacity in event.resources:
        session.add(m.Resource(event_id=event_id, name=name, capacity=capacity))
    org_ids: dict[str, int] = {}
    for o in event.organisations:
        extra = dict(o.extra)
        products = extra.pop("products", [])
        description = extra.pop("description", "")
        looking_for = normalise_looking_for(extra.pop("looking_for", None))
        org = m.Organisation(
            event_id=event_id,
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
        session.add(org)
        session.flush()
        assert org.id is not None
        org_ids[o.id] = org.id
    person_ids: dict[str, int] = {}
    for p in event.participants:
        extra = dict(p.extra)
        locale = extra.pop("locale", None)
        person = m.Participant(
            event_id=event_id,
            ext_id=p.id,
            organisation_id=org_ids.get(p.organisation) if p.organisation else None,
            name=p.name or "",
            email=p.email or "",
            languages=list(p.languages),
            available=None if p.available is None else list(p.available),
            unavailable=[
                {
                    "start": u.start.isoformat(timespec="minutes"),
                    "end": u.end.isoformat(timespec="minutes"),
                }
                for u in p.unavailable
            ],
            max_meetings=p.max_meetings,
            locale=locale if isinstance(locale, str) else None,
            extra=extra,
        )
        session.add(person)
        session.flush()
        assert person.id is not None
        person_ids[p.id] = person.id
    for t in event.tables:
        session.add(
            m.EventTable(
                event_id=event_id, ext_id=t.id, host_id=person_ids.get(t.host) if t.host else None
            )
        )
    for r in event.requests:
        session.add(
            m.MeetingRequest(
                event_id=event_id,
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
    session.commit()
    session.refresh(row)
    return row
