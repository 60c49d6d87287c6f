"""Walk-in meetings: the earliest slots where two people can still meet, and booking one,
as a small change to a published schedule, without a solve.

A slot is proposed only when every rule of the event still holds with the meeting added:
both attend it and have no meeting then, neither has reached max_meetings, a table is free
(the host's table when one of them hosts), each resource the meeting needs has a unit
left, `after` orders hold, and neither gets more than max_breaks breaks.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from scheduler.assignment import UNSCHEDULED, breaks_of
from scheduler.check import check_schedule
from scheduler.domain import (
    ChangeKind,
    Event,
    Meeting,
    MeetingChange,
    MeetingRequest,
    Schedule,
    ScheduleStats,
    SolveStatus,
)
from scheduler.explain import explain_unscheduled
from scheduler.problem import Problem, compile_event


class WalkInError(ValueError):
    """The pair cannot be booked at all (unknown person, same person, already meeting)."""


class Blocked(enum.StrEnum):
    """Which rule leaves no slot: a code for callers that word it themselves."""

    MAX_MEETINGS = "max_meetings"  # one of them already has max_meetings
    AVAILABILITY = "availability"  # no slot both attend (sessions, unavailable, fixed)
    NONE_LEFT = "none_left"  # no such slot is left from `not_before` on
    BUSY = "busy"  # in each slot left, one of them has a meeting
    ORDER = "order"  # the request's `after` order with other meetings
    RESOURCE = "resource"  # no unit of a resource it needs is free
    TABLES = "tables"  # no table is free
    BREAKS = "breaks"  # max_breaks would be exceeded


@dataclass(frozen=True, slots=True, kw_only=True)
class WalkInSlot:
    slot_idx: int
    start: datetime
    table_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class WalkInProposal:
    request: MeetingRequest  # the event's request for the pair, or a new one
    slots: tuple[WalkInSlot, ...]  # earliest first
    reason: str | None = None  # why there is no slot, when `slots` is empty
    blocked: Blocked | None = None  # the rule behind `reason`


def walk_in_slots(
    event: Event,
    schedule: Schedule,
    from_id: str,
    to_id: str,
    *,
    requires: tuple[str, ...] = (),
    not_before: datetime | None = None,
    limit: int = 5,
    request_id: str | None = None,
) -> WalkInProposal:
    """The earliest slots (at most `limit`, starting at or after `not_before`) where the two
    can meet with every rule kept, each with a table.

    When the event already has a request for the pair, its own rules apply (sessions,
    fixed time, resources, order); otherwise a new request `request_id` (default
    "walk-in-FROM-TO") that needs `requires`.
    """
    request = _request_for(event, schedule, from_id, to_id, requires, request_id)
    finder = _Finder(event, schedule, request)
    slots, why = finder.earliest(not_before, limit)
    blocked, reason = why if why is not None else (None, None)
    return WalkInProposal(request=request, slots=slots, reason=reason, blocked=blocked)


def book_walk_in(
    event: Event, schedule: Schedule, proposal: WalkInProposal, slot_idx: int
) -> tuple[Event, Schedule]:
    """The event (with the walk-in request, if new) and the schedule with the meeting added
    at one of the proposal's slots, checked independently like every schedule; its stats
    and changes are against the schedule given (every meeting kept, one added)."""
    chosen = next((s for s in proposal.slots if s.slot_idx == slot_idx), None)
    if chosen is None:
        raise WalkInError("that slot was not proposed")
    request = proposal.request
    if request.id not in event.request_by_id():
        event = replace(event, requests=(*event.requests, request))
    meeting = Meeting(request_id=request.id, slot_idx=chosen.slot_idx, table_id=chosen.table_id)
    meetings = tuple(sorted((*schedule.meetings, meeting), key=lambda m: (m.slot_idx, m.table_id)))
    unscheduled = tuple(u for u in schedule.unscheduled if u.request_id != request.id)
    draft = replace(schedule, meetings=meetings, unscheduled=unscheduled, stats=None, changes=())
    result = check_schedule(event, draft)
    before = set(check_schedule(event, replace(draft, meetings=schedule.meetings)).violations)
    new = [v for v in result.violations if v not in before]
    if new:
        raise WalkInError(f"the booking breaks a rule: {new[0]}")
    metrics = result.metrics
    stats = ScheduleStats(
        meetings=metrics.meetings,
        weight=metrics.weight,
        weight_bound=None,
        breaks=metrics.breaks,
        breaks_bound=None,
        solve_seconds=0.0,
        status=SolveStatus.FEASIBLE,
        participants_without_meeting=metrics.participants_without_meeting,
        max_participant_breaks=metrics.max_participant_breaks,
        message=f"walk-in meeting {request.id} booked",
        kept=len(schedule.meetings),
        moved=0,
        dropped=0,
        added=1,
    )
    added = MeetingChange(request_id=request.id, kind=ChangeKind.ADDED, now=meeting)
    return event, replace(draft, stats=stats, changes=(added,))


def _request_for(
    event: Event,
    schedule: Schedule,
    from_id: str,
    to_id: str,
    requires: tuple[str, ...],
    request_id: str | None,
) -> MeetingRequest:
    people = event.participant_by_id()
    for who in (from_id, to_id):
        if who not in people:
            raise WalkInError(f'unknown participant "{who}"')
    if from_id == to_id:
        raise WalkInError(f'a participant cannot meet itself ("{from_id}")')
    capacity = dict(event.resources)
    for name in requires:
        if name not in capacity:
            raise WalkInError(f'unknown resource "{name}"')
    pair = {from_id, to_id}
    existing = next((r for r in event.requests if set(r.pair) == pair), None)
    if existing is not None:
        held = next((m for m in schedule.meetings if m.request_id == existing.id), None)
        if held is not None:
            start = event.slots[held.slot_idx].start
            raise WalkInError(f"{from_id} and {to_id} already meet at {start:%H:%M}")
        return existing
    rid = request_id or f"walk-in-{from_id}-{to_id}"
    if rid in event.request_by_id():
        raise WalkInError(f'request id "{rid}" is already taken')
    return MeetingRequest(id=rid, from_id=from_id, to_id=to_id, requires=requires)


class _Finder:
    """Occupation of the published schedule, and the slots a request could still take."""

    def __init__(self, event: Event, schedule: Schedule, request: MeetingRequest) -> None:
        # Compiled with the request in the event, so that its candidate slots follow the
        # same rules as the solver's (availability, sessions, fixed, tables, resources).
        known = event.request_by_id()
        with_request = (
            event if request.id in known else replace(event, requests=(*event.requests, request))
        )
        self.event = with_request
        self.p: Problem = compile_event(with_request)
        self.req = next(r for r in self.p.requests if r.id == request.id)
        self.original = request
        index = {r.id: r.idx for r in self.p.requests}
        self.busy: list[set[int]] = [set() for _ in range(self.p.n_participants)]
        self.table_use: set[tuple[str, int]] = set()
        self.resource_use: Counter[tuple[int, int]] = Counter()
        self.slot_of: dict[int, int] = {}
        self.later = [x.idx for x in self.p.requests if self.req.idx in x.after]
        for m in schedule.meetings:
            r = index.get(m.request_id)
            if r is None:
                continue
            req = self.p.requests[r]
            self.slot_of[r] = m.slot_idx
            self.busy[req.a].add(m.slot_idx)
            self.busy[req.b].add(m.slot_idx)
            self.table_use.add((m.table_id, m.slot_idx))
            for k in req.resources:
                self.resource_use[k, m.slot_idx] += 1

    def earliest(
        self, not_before: datetime | None, limit: int
    ) -> tuple[tuple[WalkInSlot, ...], tuple[Blocked, str] | None]:
        p = self.p
        req = self.req
        ids = p.participant_ids
        a, b = ids[req.a], ids[req.b]
        for who in (req.a, req.b):
            if len(self.busy[who]) >= p.max_meetings[who]:
                return (), (
                    Blocked.MAX_MEETINGS,
                    f"{ids[who]} already has max_meetings {p.max_meetings[who]}",
                )
        if not req.slots:
            why = explain_unscheduled(p, [UNSCHEDULED] * len(p.requests))[req.idx]
            return (), (Blocked.AVAILABILITY, why)
        slots = self.event.slots
        candidates = [s for s in req.slots if not_before is None or slots[s].start >= not_before]
        after = "" if not_before is None else f" from {not_before:%H:%M}"
        if not candidates:
            return (), (Blocked.NONE_LEFT, f"{a} and {b} are not both available in any slot{after}")
        free = [s for s in candidates if s not in self.busy[req.a] and s not in self.busy[req.b]]
        if not free:
            return (), (Blocked.BUSY, f"{a} and {b} have no free slot in common{after}")
        ordered = [s for s in free if self._order_allows(s)]
        if not ordered:
            return (), (
                Blocked.ORDER,
                "its order with other meetings (after) leaves no common free slot",
            )
        resourced = [s for s in ordered if self._resources_allow(s)]
        if not resourced:
            names = ", ".join(p.resource_names[k] for k in req.resources)
            return (), (Blocked.RESOURCE, f"no {names} is free when both are{after}")
        tabled = [(s, t) for s in resourced if (t := self._table(s)) is not None]
        if not tabled:
            return (), (Blocked.TABLES, f"every table is taken whenever both are free{after}")
        within = [(s, t) for s, t in tabled if self._breaks_allow(s)]
        if not within:
            why = f"each common free slot would give {a} or {b} more than {p.max_breaks} breaks"
            return (), (Blocked.BREAKS, why)
        found = tuple(
            WalkInSlot(slot_idx=s, start=slots[s].start, table_id=t) for s, t in within[:limit]
        )
        return found, None

    def _order_allows(self, s: int) -> bool:
        for e in self.req.after:
            if e in self.slot_of and self.slot_of[e] >= s:
                return False
        return not any(x in self.slot_of and self.slot_of[x] <= s for x in self.later)

    def _resources_allow(self, s: int) -> bool:
        p = self.p
        return all(self.resource_use[k, s] < p.resource_capacity[k] for k in self.req.resources)

    def _table(self, s: int) -> str | None:
        """The host's table when one of them hosts, else the first free pooled table."""
        event = self.event
        hosts = event.host_table_of()
        ids = self.p.participant_ids
        for who in (self.req.a, self.req.b):
            if ids[who] in hosts:
                table = hosts[ids[who]]
                return table if (table, s) not in self.table_use else None
        return next(
            (
                t.id
                for t in sorted(event.tables, key=lambda t: t.id)
                if t.host is None and (t.id, s) not in self.table_use
            ),
            None,
        )

    def _breaks_allow(self, s: int) -> bool:
        p = self.p
        if p.max_breaks is None:
            return True
        return all(
            breaks_of(p, self.busy[who] | {s}) <= p.max_breaks for who in (self.req.a, self.req.b)
        )
