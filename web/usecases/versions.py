"""Schedule versions: numbering, storing a solve, draft copies, moving and pinning, changes.

A version is published or retired only by `publishing`; every edit of a published (or
retired) version goes into a new draft copy, so what participants saw never changes here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, func, select

from scheduler import domain
from scheduler.check import check_schedule
from scheduler.ical import Change, meeting_changes
from web import models as m
from web.models import VersionStatus
from web.usecases import mapper, reasons
from web.usecases.errors import Invalid, Msg, NotFound

EDITED = "edited"  # the status of a hand-edited version: valid, no optimality claim


class MoveRefused(Invalid):
    """The move would break rules of the event; `violations` are the checker's findings."""

    def __init__(self, violations: list[Msg]) -> None:
        super().__init__(Msg("move.breaks_rules"))
        self.violations = violations


def versions(db: Session, event_id: int) -> list[m.ScheduleVersion]:
    query = select(m.ScheduleVersion).where(m.ScheduleVersion.event_id == event_id)
    return list(db.exec(query.order_by(col(m.ScheduleVersion.number).desc())))


def published_version(db: Session, event_id: int) -> m.ScheduleVersion | None:
    query = select(m.ScheduleVersion).where(
        m.ScheduleVersion.event_id == event_id,
        m.ScheduleVersion.status == VersionStatus.PUBLISHED.value,
    )
    return db.exec(query).first()


def latest_version(db: Session, event_id: int) -> m.ScheduleVersion | None:
    return next(iter(versions(db, event_id)), None)


def get_version(db: Session, event_id: int, number: int) -> m.ScheduleVersion:
    query = select(m.ScheduleVersion).where(
        m.ScheduleVersion.event_id == event_id, m.ScheduleVersion.number == number
    )
    version = db.exec(query).first()
    if version is None:
        raise NotFound(Msg("version.not_found"))
    return version


def version_by_id(db: Session, event_id: int, version_id: int | None) -> m.ScheduleVersion | None:
    version = db.get(m.ScheduleVersion, version_id) if version_id else None
    return version if version is not None and version.event_id == event_id else None


def get_meeting(db: Session, version: m.ScheduleVersion, meeting_id: int) -> m.Meeting:
    meeting = db.get(m.Meeting, meeting_id)
    if meeting is None or meeting.version_id != version.id:
        raise NotFound(Msg("meeting.not_found"))
    return meeting


def _next_number(db: Session, event_id: int) -> int:
    query = select(func.max(m.ScheduleVersion.number)).where(m.ScheduleVersion.event_id == event_id)
    return (db.exec(query).one() or 0) + 1


def create_version(
    db: Session,
    event_id: int,
    event: domain.Event,
    schedule: domain.Schedule,
    *,
    source: str,
    pinned: set[str] | None = None,
    commit: bool = True,
) -> m.ScheduleVersion:
    """Store a schedule as a new draft version (numbered after the newest)."""
    version = m.ScheduleVersion(
        event_id=event_id,
        number=_next_number(db, event_id),
        source=source,
        stats=mapper.stats_row(schedule.stats),
        unscheduled=[{"request": u.request_id, "reason": u.reason} for u in schedule.unscheduled],
    )
    db.add(version)
    db.flush()
    mapper.insert_meetings(db, version, event, schedule, pinned or set())
    if commit:
        db.commit()
        db.refresh(version)
    return version


def pins_of(db: Session, version: m.ScheduleVersion) -> dict[str, datetime]:
    """Pinned meetings of a version: request ext_id -> slot start."""
    return {x.request_ext: x.start for x in mapper.meetings_of(db, version.id) if x.pinned}


def editable_copy(db: Session, version: m.ScheduleVersion) -> m.ScheduleVersion:
    """The version itself if it is a draft, else a new draft copy of it (published stays intact)."""
    if version.status == VersionStatus.DRAFT.value:
        return version
    copy = m.ScheduleVersion(
        event_id=version.event_id,
        number=_next_number(db, version.event_id),
        source="edit",
        stats=dict(version.stats or {}),
        unscheduled=list(version.unscheduled or []),
        copied_from=version.number,
    )
    db.add(copy)
    db.flush()
    for x in mapper.meetings_of(db, version.id):
        data = x.model_dump(exclude={"id", "version_id"})
        db.add(m.Meeting(version_id=copy.id, **data))
    db.flush()
    return copy


def _same_meeting(db: Session, version: m.ScheduleVersion, meeting: m.Meeting) -> m.Meeting:
    """`meeting` (of another version) as it is in `version`."""
    if meeting.version_id == version.id:
        return meeting
    query = select(m.Meeting).where(
        m.Meeting.version_id == version.id, m.Meeting.request_ext == meeting.request_ext
    )
    return db.exec(query).one()


def move_meeting(
    db: Session, version: m.ScheduleVersion, meeting: m.Meeting, start: datetime, table: str
) -> m.ScheduleVersion:
    """Move (and pin) a meeting, checked against every rule; returns the version changed
    (a draft copy when `version` is not a draft). Invalid, listing the broken rules, changes
    nothing."""
    full = mapper.event_of(db, version.event_id)
    slots = full.slot_by_start()
    if start not in slots:
        raise Invalid(Msg("move.not_a_slot", t=start.strftime("%Y-%m-%d %H:%M")))
    if table not in {t.id for t in full.tables}:
        raise Invalid(Msg("move.unknown_table", t=table))
    before = mapper.schedule_of(db, version, full)
    moved = tuple(
        domain.Meeting(request_id=x.request_id, slot_idx=slots[start].idx, table_id=table)
        if x.request_id == meeting.request_ext
        else x
        for x in before.meetings
    )
    old = set(check_schedule(full, before).violations)
    after = domain.Schedule(event_name=full.name, meetings=moved)
    new = [v for v in check_schedule(full, after).violations if v not in old]
    if new:
        raise MoveRefused([reasons.violation(v) for v in new])
    target = editable_copy(db, version)
    row = _same_meeting(db, target, meeting)
    row.start, row.end, row.table_ext, row.pinned = start, slots[start].end, table, True
    db.add(row)
    db.flush()
    _refresh_stats(db, target, full)
    db.commit()
    db.refresh(target)
    return target


def toggle_pin(db: Session, version: m.ScheduleVersion, meeting: m.Meeting) -> m.ScheduleVersion:
    """Pin or unpin a meeting; returns the version changed (a draft copy if need be)."""
    target = editable_copy(db, version)
    row = _same_meeting(db, target, meeting)
    row.pinned = not row.pinned
    db.add(row)
    db.commit()
    db.refresh(target)
    return target


def _refresh_stats(db: Session, version: m.ScheduleVersion, full: domain.Event) -> None:
    metrics = check_schedule(full, mapper.schedule_of(db, version, full)).metrics
    version.stats = dict(version.stats or {}) | {
        "meetings": metrics.meetings,
        "weight": metrics.weight,
        "breaks": metrics.breaks,
        "participants_without_meeting": metrics.participants_without_meeting,
        "max_participant_breaks": metrics.max_participant_breaks,
        "status": EDITED,  # a hand edit voids the solver's optimality claim; bounds still hold
    }
    version.source = "edit"
    db.add(version)


@dataclass(frozen=True, slots=True)
class Diff:
    added: list[m.Meeting]
    dropped: list[m.Meeting]
    moved: list[tuple[m.Meeting, m.Meeting]]


def changes(old: domain.Schedule | None, new: domain.Schedule) -> dict[str, Change]:
    """How each request's meeting changed from `old` to `new` (the one definition of a
    change: calendars, change e-mails and the organiser's comparison all use it)."""
    return meeting_changes(new, old)


def diff(db: Session, a: m.ScheduleVersion, b: m.ScheduleVersion) -> Diff:
    """What changed from version a to version b, as meeting rows."""
    event = mapper.event_of(db, a.event_id)
    rows_a = {x.request_ext: x for x in mapper.meetings_of(db, a.id)}
    rows_b = {x.request_ext: x for x in mapper.meetings_of(db, b.id)}
    found = changes(mapper.schedule_of(db, a, event), mapper.schedule_of(db, b, event))
    return Diff(
        added=[rows_b[r] for r, c in found.items() if c == Change.ADDED],
        dropped=[rows_a[r] for r, c in found.items() if c == Change.DROPPED],
        moved=[(rows_a[r], rows_b[r]) for r, c in found.items() if c == Change.MOVED],
    )
