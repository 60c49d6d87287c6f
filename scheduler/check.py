"""Independent validation of a schedule against its event, and the schedule's metrics.

Written from formats.md alone, without the solver's model code, so that a modelling bug
in the solver shows up here as a violation instead of hiding in both places.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from scheduler.domain import PRIORITY_WEIGHTS, Event, MeetingRequest, Participant, Schedule


@dataclass(frozen=True, slots=True, kw_only=True)
class Metrics:
    meetings: int
    weight: int
    breaks: int
    max_participant_breaks: int
    participants_without_meeting: int  # with a schedulable request but no meeting

    def as_dict(self) -> dict[str, int]:
        return {
            "meetings": self.meetings,
            "weight": self.weight,
            "breaks": self.breaks,
            "max_participant_breaks": self.max_participant_breaks,
            "participants_without_meeting": self.participants_without_meeting,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckResult:
    violations: tuple[str, ...]
    metrics: Metrics
    breaks_by_participant: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.violations


@dataclass(frozen=True, slots=True)
class _SlotTime:
    start: datetime
    end: datetime
    session_id: str


def _slot_times(event: Event) -> list[_SlotTime]:
    """Slot boundaries recomputed from the sessions (independently of domain.cut_slots)."""
    out: list[_SlotTime] = []
    step = timedelta(minutes=event.slot_minutes)
    for session in event.sessions:
        count = int((session.end - session.start) / step)
        out.extend(
            _SlotTime(session.start + k * step, session.start + (k + 1) * step, session.id)
            for k in range(count)
        )
    return sorted(out, key=lambda s: s.start)


def _available_starts(person: Participant, times: list[_SlotTime]) -> set[datetime]:
    return {
        t.start
        for t in times
        if (person.available is None or t.session_id in person.available)
        and not any(u.start < t.end and t.start < u.end for u in person.unavailable)
    }


def count_breaks(starts: list[datetime], day_sequence: dict[date, list[datetime]]) -> int:
    """Breaks of one participant: per day, gaps between consecutive meetings in the day's slot sequence."""
    position = {start: i for seq in day_sequence.values() for i, start in enumerate(seq)}
    by_day: dict[date, list[int]] = defaultdict(list)
    for start in starts:
        by_day[start.date()].append(position[start])
    return sum(
        sum(1 for a, b in zip(sorted(ps), sorted(ps)[1:], strict=False) if b - a > 1)
        for ps in by_day.values()
    )


def _schedulable(
    request: MeetingRequest,
    event: Event,
    times: list[_SlotTime],
    free: dict[str, set[datetime]],
    hosts: dict[str, str],
    people: dict[str, Participant],
) -> bool:
    """Whether some slot could hold this request if nothing else were scheduled."""
    capacity = dict(event.resources)
    if request.from_id in hosts and request.to_id in hosts:
        return False
    if (
        request.from_id not in hosts
        and request.to_id not in hosts
        and not any(t.host is None for t in event.tables)
    ):
        return False
    if any(capacity.get(name, 0) < 1 for name in request.requires):
        return False
    if any(people[x].max_meetings == 0 for x in request.pair):
        return False
    common = free[request.from_id] & free[request.to_id]
    return any(
        t.start in common
        and (request.sessions is None or t.session_id in request.sessions)
        and (request.fixed is None or request.fixed == t.start)
        for t in times
    )


def check_schedule(event: Event, schedule: Schedule) -> CheckResult:
    """Every hard rule of formats.md, and the lexicographic objective's metrics."""
    times = _slot_times(event)
    time_by_start = {t.start: t for t in times}
    requests = event.request_by_id()
    people = event.participant_by_id()
    tables = {t.id: t for t in event.tables}
    hosts = {t.host: t.id for t in event.tables if t.host is not None}
    capacity = dict(event.resources)
    free = {p.id: _available_starts(p, times) for p in event.participants}
    violations: list[str] = []

    placed: dict[str, datetime] = {}
    busy: dict[tuple[str, datetime], str] = {}
    table_use: dict[tuple[str, datetime], str] = {}
    resource_use: Counter[tuple[str, datetime]] = Counter()
    meetings_of: dict[str, list[datetime]] = defaultdict(list)

    for meeting in schedule.meetings:
        rid = meeting.request_id
        request = requests.get(rid)
        if request is None:
            violations.append(f"meeting {rid}: no such request")
            continue
        if rid in placed:
            violations.append(f"{rid}: scheduled more than once")
            continue
        if not 0 <= meeting.slot_idx < len(event.slots):
            violations.append(f"{rid}: not in a slot of the event")
            continue
        start = event.slots[meeting.slot_idx].start
        slot = time_by_start.get(start)
        if slot is None:
            violations.append(f"{rid}: {start:%Y-%m-%dT%H:%M} is not the start of a slot")
            continue
        placed[rid] = start
        when = f"{start:%Y-%m-%dT%H:%M}"
        for who in request.pair:
            if (who, start) in busy:
                violations.append(f"{rid}: {who} already meets in {busy[who, start]} at {when}")
            busy[who, start] = rid
            meetings_of[who].append(start)
            if start not in free[who]:
                violations.append(f"{rid}: {who} is not available at {when}")
        if request.sessions is not None and slot.session_id not in request.sessions:
            violations.append(
                f"{rid}: held in session {slot.session_id}, allowed {', '.join(request.sessions)}"
            )
        if request.fixed is not None and request.fixed != start:
            violations.append(f"{rid}: fixed at {request.fixed:%Y-%m-%dT%H:%M}, held at {when}")
        for name in request.requires:
            resource_use[name, start] += 1

        table = tables.get(meeting.table_id)
        if table is None:
            violations.append(f"{rid}: unknown table {meeting.table_id}")
            continue
        if (table.id, start) in table_use:
            violations.append(
                f"{rid}: table {table.id} already holds {table_use[table.id, start]} at {when}"
            )
        table_use[table.id, start] = rid
        own_hosts = [who for who in request.pair if who in hosts]
        if table.host is not None and table.host not in request.pair:
            violations.append(f"{rid}: table {table.id} is reserved for {table.host}")
        for who in own_hosts:
            if hosts[who] != table.id:
                violations.append(
                    f"{rid}: {who} must meet at their table {hosts[who]}, not {table.id}"
                )

    for (name, start), used in sorted(resource_use.items()):
        if used > capacity.get(name, 0):
            violations.append(
                f"{name}: {used} used at {start:%Y-%m-%dT%H:%M}, capacity {capacity.get(name, 0)}"
            )
    for who, starts in sorted(meetings_of.items()):
        limit = people[who].max_meetings
        if limit is not None and len(starts) > limit:
            violations.append(f"{who}: {len(starts)} meetings, max_meetings {limit}")
    for request in event.requests:
        if request.required and request.id not in placed:
            violations.append(f"{request.id}: required but not scheduled")
        for earlier in request.after:
            if (
                request.id in placed
                and earlier in placed
                and not placed[earlier] < placed[request.id]
            ):
                violations.append(f"{request.id}: must come after {earlier}")

    day_sequence: dict[date, list[datetime]] = defaultdict(list)
    for t in times:
        day_sequence[t.start.date()].append(t.start)
    breaks = {who: count_breaks(starts, day_sequence) for who, starts in meetings_of.items()}
    if event.max_breaks is not None:
        for who, count in sorted(breaks.items()):
            if count > event.max_breaks:
                violations.append(f"{who}: {count} breaks, max_breaks {event.max_breaks}")

    with_request = {
        who
        for r in event.requests
        if _schedulable(r, event, times, free, hosts, people)
        for who in r.pair
    }
    metrics = Metrics(
        meetings=len(placed),
        weight=sum(PRIORITY_WEIGHTS[requests[rid].priority] for rid in placed),
        breaks=sum(breaks.values()),
        max_participant_breaks=max(breaks.values(), default=0),
        participants_without_meeting=len(with_request - meetings_of.keys()),
    )
    return CheckResult(violations=tuple(violations), metrics=metrics, breaks_by_participant=breaks)
