"""Releases: what each publish showed participants, frozen.

`create` stores, in the publishing transaction, the version's schedule together with the
event as it is at that moment (a `b2b-event/1` document: names, organisations, e-mail
addresses, sessions, tables, time zone) and the venue and organiser. Agendas, .ics files,
the feed and change e-mails are served from releases only (`current`), so a later edit of
the set-up, a rename or a deleted registration changes nothing that was published; it
applies to the next release. SEQUENCE numbers and changes are computed between releases,
by meeting times, so that they stay right when sessions were edited in between.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from scheduler import domain, formats
from scheduler.ical import CalendarOptions, Change, meeting_changes, sequences
from web import models as m
from web.usecases import access, inputs, mapper
from web.usecases.errors import Conflict, Msg


@dataclass(frozen=True, slots=True)
class Frozen:
    """One release read back: its event and schedule, the SEQUENCE of every meeting it has
    shown so far, and the calendar options that make its .ics files (with the previous
    release, for cancellations and SEQUENCE)."""

    release_id: int
    number: int
    event: domain.Event
    schedule: domain.Schedule
    sequence: Mapping[str, int]
    options: CalendarOptions
    previous: Frozen | None  # read without its own previous


def create(db: Session, version: m.ScheduleVersion) -> m.Release:
    """A new release of `version` (flushed, not committed). Conflict if the set-up changed
    since the version was made so much that some of its meetings no longer fit."""
    row = db.get(m.Event, version.event_id)
    assert row is not None  # versions belong to events
    event = mapper.event_of(db, row.id)
    # The name also goes where iCalendar does not escape line breaks (X-WR-CALNAME, a
    # parameter): one line, whatever was stored before names were checked.
    event = replace(event, name=inputs.one_line(event.name))
    schedule = mapper.schedule_of(db, version, event, with_stats=True)
    lost = len(mapper.meetings_of(db, version.id)) - len(schedule.meetings)
    if lost:
        raise Conflict(Msg("release.outdated", n=lost))
    before = current(db, row.id)
    sequence = dict(before.sequence) if before else {}
    if before is not None:
        sequence.update(sequences(schedule, before.schedule, before.sequence, event, before.event))
    else:
        sequence.update(sequences(schedule, None, {}))
    owner = access.owner_of(db, row.id)
    document = {
        "event": formats.event_to_json(event),
        "schedule": formats.schedule_to_json(schedule, event),
        "venue": row.venue,
        "organiser_email": owner.email if owner else None,
        "organiser_name": event.name,
        "slug": f"event-{row.id}",
        "sequence": sequence,
    }
    release = m.Release(
        event_id=row.id,
        number=before.number + 1 if before else 1,
        version_id=version.id,
        document=document,
    )
    db.add(release)
    db.flush()
    return release


def current(db: Session, event_id: int) -> Frozen | None:
    """The published release of the event (its newest); None before anything is published.
    Served from the cache: only the row's key is read, its document once per process."""
    key = _newest(db, event_id)
    return _read(db, key) if key is not None else None


_Key = tuple[int, int, int, datetime]  # id, event id, number, published at


def _newest(db: Session, event_id: int, below: int | None = None) -> _Key | None:
    """The key of the event's newest release (numbered below `below`, if given)."""
    query = select(m.Release.id, m.Release.event_id, m.Release.number, m.Release.published_at)
    query = query.where(m.Release.event_id == event_id)
    if below is not None:
        query = query.where(m.Release.number < below)
    found = db.exec(query.order_by(col(m.Release.number).desc())).first()
    return (found[0], found[1], found[2], found[3]) if found is not None else None


def read(db: Session, row: m.Release) -> Frozen:
    """A release row read back, with its previous release."""
    return _read(db, (row.id, row.event_id, row.number, row.published_at))


def _read(db: Session, release: _Key, *, with_previous: bool = True) -> Frozen:
    """A release read back (cached: a release never changes)."""
    release_id, event_id, number, published_at = release
    # Rows never change, but the same id may name another release in another database (or
    # after a reset): the key says which database and when.
    key = (str(db.get_bind().engine.url), release_id, published_at, with_previous)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    previous = None
    if with_previous:
        before = _newest(db, event_id, below=number)
        if before is not None:
            previous = _read(db, before, with_previous=False)
    row = db.get(m.Release, release_id)
    assert row is not None  # its key was read just now; releases are never deleted
    frozen = _parse(row, previous)
    with _lock:
        _cache[key] = frozen
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return frozen


def _parse(row: m.Release, previous: Frozen | None) -> Frozen:
    doc = row.document
    sequence = {str(k): int(v) for k, v in doc.get("sequence", {}).items()}
    event = formats.parse_event(doc["event"])
    options = CalendarOptions(
        event_slug=doc.get("slug"),
        venue=doc.get("venue") or None,
        organiser_email=doc.get("organiser_email"),
        organiser_name=doc.get("organiser_name"),
        previous=previous.schedule if previous else None,
        previous_event=previous.event if previous else None,
        previous_sequence=previous.sequence if previous else {},
        # The publish time: a release's files are the same bytes whenever they are fetched.
        dtstamp=row.published_at.replace(tzinfo=UTC),
        sequence=sequence,
    )
    return Frozen(
        release_id=row.id,
        number=row.number,
        event=event,
        schedule=formats.parse_schedule(doc["schedule"], event),
        sequence=sequence,
        options=options,
        previous=previous,
    )


def with_table_label(source: Frozen, table_label: str) -> CalendarOptions:
    """The calendar options of `source`, with LOCATION saying `table_label` before a table."""
    return replace(source.options, table_label=table_label)


@dataclass(frozen=True, slots=True)
class Drift:
    """How the set-up differs from the published release (parts among "event", "sessions",
    "tables", "people"); participants keep seeing the release until the next publish."""

    number: int
    parts: tuple[str, ...]


def drift(db: Session, event_id: int) -> Drift | None:
    """The published release and what of the set-up changed since; None if unpublished."""
    row = db.exec(
        select(m.Release)
        .where(m.Release.event_id == event_id)
        .order_by(col(m.Release.number).desc())
    ).first()
    event_row = db.get(m.Event, event_id)
    if row is None or event_row is None:
        return None
    now = mapper.event_of(db, event_id)
    now_doc = formats.event_to_json(replace(now, name=inputs.one_line(now.name)))
    then_doc = row.document["event"]

    def header(doc: dict[str, Any]) -> tuple[object, ...]:
        head = doc["event"]
        return (head["name"], head["timezone"], head["slot_minutes"], head.get("resources"))

    parts = []
    if header(now_doc) != header(then_doc) or event_row.venue != row.document.get("venue"):
        parts.append("event")
    if now_doc["event"]["sessions"] != then_doc["event"]["sessions"]:
        parts.append("sessions")
    if now_doc["tables"] != then_doc["tables"]:
        parts.append("tables")
    if (now_doc["participants"], now_doc["organisations"]) != (
        then_doc["participants"],
        then_doc["organisations"],
    ):
        parts.append("people")
    return Drift(row.number, tuple(parts))


@dataclass(frozen=True, slots=True)
class Comparison:
    """What publishing a version would do to the published release's meetings."""

    number: int  # the published release's
    kept: int
    moved: int
    dropped: int
    added: int


def compare(db: Session, version: m.ScheduleVersion) -> Comparison | None:
    """The version against the published release (by meeting times and tables); None when
    nothing is published or the version is the published one."""
    release = current(db, version.event_id)
    if release is None or version.status == m.VersionStatus.PUBLISHED.value:
        return None
    event = mapper.event_of(db, version.event_id)
    schedule = mapper.schedule_of(db, version, event)
    found = Counter(meeting_changes(schedule, release.schedule, event, release.event).values())
    return Comparison(
        number=release.number,
        kept=found[Change.UNCHANGED],
        moved=found[Change.MOVED],
        dropped=found[Change.DROPPED],
        added=found[Change.ADDED],
    )


def backfill(db: Session) -> int:
    """A release for each event published before releases existed (its published version
    against the event as it is now); how many were made."""
    released = select(m.Release.event_id)
    published = db.exec(
        select(m.ScheduleVersion).where(
            m.ScheduleVersion.status == m.VersionStatus.PUBLISHED.value,
            col(m.ScheduleVersion.event_id).not_in(released),
        )
    ).all()
    made = 0
    for version in published:
        try:
            create(db, version)
        except Conflict:  # the set-up no longer fits it: nothing to serve until republished
            continue
        made += 1
    db.commit()
    return made


_CACHE_SIZE = 32  # parsed releases (a 3,000-participant one is a few MB)
_lock = threading.Lock()
_cache: OrderedDict[tuple[str, int, datetime, bool], Frozen] = OrderedDict()
