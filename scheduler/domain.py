"""Immutable domain types of a B2B matchmaking event and its schedule."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

PRIORITY_WEIGHTS: dict[int, int] = {1: 1, 2: 2, 3: 4}
DEFAULT_PRIORITY = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeRange:
    start: datetime
    end: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True, slots=True, kw_only=True)
class Session:
    id: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Slot:
    """One meeting slot; `idx` orders all slots of the event in time."""

    idx: int
    session_id: str
    start: datetime
    end: datetime
    day_idx: int  # index of the slot's calendar day among the event's days
    position: int  # position of the slot within its day's sequence

    @property
    def day(self) -> date:
        return self.start.date()


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    id: str
    host: str | None = None  # participant id for a host table, None for a pooled table


@dataclass(frozen=True, slots=True, kw_only=True)
class Organisation:
    id: str
    name: str
    role: str | None = None
    country: str | None = None
    sectors: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class Participant:
    id: str
    organisation: str | None = None
    name: str | None = None
    email: str | None = None
    languages: tuple[str, ...] = ()
    available: tuple[str, ...] | None = None  # session ids; None means every session
    unavailable: tuple[TimeRange, ...] = ()
    max_meetings: int | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingRequest:
    id: str
    from_id: str
    to_id: str
    priority: int = DEFAULT_PRIORITY
    required: bool = False
    sessions: tuple[str, ...] | None = None  # None means any session
    requires: tuple[str, ...] = ()
    fixed: datetime | None = None
    after: tuple[str, ...] = ()

    @property
    def weight(self) -> int:
        return PRIORITY_WEIGHTS[self.priority]

    @property
    def pair(self) -> tuple[str, str]:
        return (self.from_id, self.to_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    name: str
    timezone: str
    slot_minutes: int
    sessions: tuple[Session, ...]
    resources: tuple[tuple[str, int], ...] = ()  # (name, capacity per slot), sorted by name
    max_breaks: int | None = None
    tables: tuple[Table, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    participants: tuple[Participant, ...] = ()
    requests: tuple[MeetingRequest, ...] = ()
    slots: tuple[Slot, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", cut_slots(self.sessions, self.slot_minutes))

    @property
    def pooled_table_count(self) -> int:
        return sum(1 for table in self.tables if table.host is None)

    def host_table_of(self) -> dict[str, str]:
        """Participant id -> id of the table it hosts."""
        return {t.host: t.id for t in self.tables if t.host is not None}

    def participant_by_id(self) -> dict[str, Participant]:
        return {p.id: p for p in self.participants}

    def request_by_id(self) -> dict[str, MeetingRequest]:
        return {r.id: r for r in self.requests}

    def organisation_by_id(self) -> dict[str, Organisation]:
        return {o.id: o for o in self.organisations}

    def slot_by_start(self) -> dict[datetime, Slot]:
        return {s.start: s for s in self.slots}


def cut_slots(sessions: tuple[Session, ...], slot_minutes: int) -> tuple[Slot, ...]:
    """Cut each session into back-to-back slots; a last piece shorter than a slot is dropped."""
    length = timedelta(minutes=slot_minutes)
    pieces: list[tuple[datetime, datetime, str]] = []
    for session in sorted(sessions, key=lambda s: s.start):
        start = session.start
        while start + length <= session.end:
            pieces.append((start, start + length, session.id))
            start += length
    days = sorted({start.date() for start, _, _ in pieces})
    day_idx = {day: i for i, day in enumerate(days)}
    positions: dict[date, int] = {}
    slots = []
    for idx, (start, end, session_id) in enumerate(pieces):
        position = positions.get(start.date(), 0)
        positions[start.date()] = position + 1
        slots.append(
            Slot(
                idx=idx,
                session_id=session_id,
                start=start,
                end=end,
                day_idx=day_idx[start.date()],
                position=position,
            )
        )
    return tuple(slots)


@dataclass(frozen=True, slots=True, kw_only=True)
class Meeting:
    request_id: str
    slot_idx: int
    table_id: str


class SolveStatus(enum.StrEnum):
    OPTIMAL = "optimal"  # weight and breaks both proven optimal
    FEASIBLE = "feasible"  # a valid schedule, not proven optimal
    INFEASIBLE = "infeasible"  # no schedule satisfies the hard rules (e.g. a required meeting)
    UNKNOWN = "unknown"  # stopped before any valid schedule was found


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleStats:
    meetings: int
    weight: int
    weight_bound: int | None
    breaks: int
    breaks_bound: int | None
    solve_seconds: float
    status: SolveStatus
    participants_without_meeting: int = 0
    max_participant_breaks: int = 0
    message: str | None = None
    # A re-solve from a published schedule: its published meetings kept (same slot and
    # table), moved (another slot or table) and dropped, and the meetings added.
    kept: int | None = None
    moved: int | None = None
    dropped: int | None = None
    added: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Unscheduled:
    request_id: str
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishedMeeting:
    """A meeting of a published schedule, by its start time rather than a slot index, so
    that it still means something after the event changed (a session cut, a table gone)."""

    request_id: str
    start: datetime
    table_id: str
    participants: tuple[str, str] | None = None  # who met, when known (for the reasons)


class ChangeKind(enum.StrEnum):
    MOVED = "moved"  # held at another slot or table than published
    DROPPED = "dropped"  # published, no longer held
    ADDED = "added"  # held, not in the published schedule


@dataclass(frozen=True, slots=True, kw_only=True)
class MeetingChange:
    """How one meeting differs from the published schedule, and why."""

    request_id: str
    kind: ChangeKind
    was: PublishedMeeting | None = None  # where it was published (moved, dropped)
    now: Meeting | None = None  # where it is held now (moved, added)
    reason: str = ""  # why it moved or was dropped


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    event_name: str
    meetings: tuple[Meeting, ...]  # sorted by (slot_idx, table_id)
    unscheduled: tuple[Unscheduled, ...] = ()
    stats: ScheduleStats | None = None
    changes: tuple[MeetingChange, ...] = ()  # against the published schedule of a re-solve
