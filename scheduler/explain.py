"""Why a request was not scheduled, in words an organiser understands."""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Sequence

from scheduler.assignment import UNSCHEDULED
from scheduler.domain import Event, MeetingRequest, Participant
from scheduler.problem import Problem, Request


def explain_unscheduled(problem: Problem, slot_of: Sequence[int]) -> dict[int, str]:
    """A reason for every request left out, keyed by request index."""
    explainer = _Explainer(problem, slot_of)
    return {
        req.idx: explainer.reason(req)
        for req in problem.requests
        if slot_of[req.idx] == UNSCHEDULED
    }


class _Explainer:
    def __init__(self, problem: Problem, slot_of: Sequence[int]) -> None:
        self.p = problem
        self.slot_of = slot_of
        self.event: Event = problem.event
        self.ids = problem.participant_ids
        self.people = self.event.participants
        self.busy: dict[tuple[int, int], int] = {}  # (participant, slot) -> request index
        self.count = [0] * problem.n_participants
        self.pool = Counter[int]()
        self.resource = Counter[tuple[int, int]]()
        for req in problem.requests:
            s = slot_of[req.idx]
            if s == UNSCHEDULED:
                continue
            for who in (req.a, req.b):
                self.busy[who, s] = req.idx
                self.count[who] += 1
            if req.pooled:
                self.pool[s] += 1
            for k in req.resources:
                self.resource[k, s] += 1

    def reason(self, req: Request) -> str:
        original = self.event.requests[req.idx]
        if not req.slots:
            return self._never_possible(req, original)
        for who in (req.a, req.b):
            limit = self.people[who].max_meetings
            if limit is not None and self.count[who] >= limit:
                return f"{self.ids[who]} reached max_meetings {limit}"
        return self._all_slots_taken(req, original)

    def _never_possible(self, req: Request, original: MeetingRequest) -> str:
        a, b = self.ids[req.a], self.ids[req.b]
        hosts = self.event.host_table_of()
        if a in hosts and b in hosts:
            return f"{a} and {b} both host a table, so there is no table for them to meet at"
        for name in original.requires:
            capacity = dict(self.event.resources).get(name, 0)
            if capacity == 0:
                return f"the event has no {name}"
        if req.pooled and self.p.pooled_tables == 0:
            return "there is no pooled table for meetings without a host"
        for who in (req.a, req.b):
            if self.p.max_meetings[who] == 0:
                return f"{self.ids[who]} accepts no meetings (max_meetings 0)"
        free_a = _free_slots(self.people[req.a], self.event)
        free_b = _free_slots(self.people[req.b], self.event)
        for name, free in ((a, free_a), (b, free_b)):
            if not free:
                return f"{name} is not available in any slot"
        common = free_a & free_b
        if not common:
            return f"{a} and {b} are never available at the same time"
        if original.sessions is not None:
            return f"{a} and {b} are never both available in session {', '.join(original.sessions)}"
        if original.fixed is not None:
            return f"fixed at {original.fixed:%H:%M}, when {a} or {b} is not available"
        return "no slot fits this request"

    def _all_slots_taken(self, req: Request, original: MeetingRequest) -> str:
        a, b = self.ids[req.a], self.ids[req.b]
        blockers: list[int] = []  # requests holding a or b in a candidate slot
        open_slots: list[int] = []  # candidate slots where both are free
        for s in req.slots:
            holding = [self.busy[who, s] for who in (req.a, req.b) if (who, s) in self.busy]
            if holding:
                blockers.extend(holding)
            else:
                open_slots.append(s)
        n = len(req.slots)
        slots_word = "slot" if n == 1 else "slots"
        if not open_slots:
            busy_a = all((req.a, s) in self.busy for s in req.slots)
            busy_b = all((req.b, s) in self.busy for s in req.slots)
            who = a if busy_a else b if busy_b else f"{a} or {b}"
            top = min(self.event.requests[r].priority for r in blockers)
            if top >= original.priority:
                level = f"priority-{top}" if top == 3 else f"priority {top} or higher"
                held = f"all holding {level} meetings"
            else:
                held = "all holding other meetings worth more in total"
            return f"{a} and {b} share {n} {slots_word}; {who} is busy in each, {held}"
        for k in req.resources:
            name = self.p.resource_names[k]
            capacity = self.p.resource_capacity[k]
            if all(self.resource[k, s] >= capacity for s in open_slots):
                return f"no {name} free in any slot {a} and {b} share"
        if req.pooled and all(self.pool[s] >= self.p.pooled_tables for s in open_slots):
            return f"every pooled table is taken in the slots {a} and {b} share"
        for earlier in req.after:
            s = self.slot_of[earlier]
            if s != UNSCHEDULED and all(t <= s for t in open_slots):
                return f"it must come after {self.p.requests[earlier].id}, which is held later"
        if self.p.max_breaks is not None:
            return (
                f"holding it in a slot both have free would give {a} or {b} "
                f"more than {self.p.max_breaks} breaks"
            )
        return (
            f"{a} and {b} have a free slot in common, but the search found no way to add "
            "this meeting without losing more elsewhere within the time limit"
        )


def _free_slots(person: Participant, event: Event) -> set[int]:
    return {
        s.idx
        for s in event.slots
        if (person.available is None or s.session_id in person.available)
        and not any(u.overlaps(s.start, s.end) for u in person.unavailable)
    }


class ReasonKind(enum.StrEnum):
    """What kind of limit a reason of `explain_unscheduled` names, for counting them by kind."""

    MEETING_LIMIT = "meeting_limit"  # a participant's max_meetings
    BUSY = "busy"  # one side holds other meetings in every slot the two share
    AVAILABILITY = "availability"  # never both there (sessions, unavailable times, fixed time)
    RESOURCE = "resource"  # a required resource (an interpreter) is missing or taken
    POOLED_TABLES = "pooled_tables"  # no pooled table, or every one taken
    HOST_TABLES = "host_tables"  # both sides host a table
    ORDER = "order"  # must come after a meeting held later
    BREAKS = "breaks"  # would exceed the event's max_breaks
    SEARCH = "search"  # a free slot exists; the search found no gain within the time limit
    OTHER = "other"


# The first match decides; each pattern is the wording of one branch of `_Explainer` above.
_KINDS: tuple[tuple[re.Pattern[str], ReasonKind], ...] = tuple(
    (re.compile(pattern), kind)
    for pattern, kind in (
        (r"reached max_meetings \d+$|accepts no meetings", ReasonKind.MEETING_LIMIT),
        (r" share \d+ slots?; .* is busy in each", ReasonKind.BUSY),
        (r"both host a table", ReasonKind.HOST_TABLES),
        (r"^the event has no |^no .+ free in any slot", ReasonKind.RESOURCE),
        (r"pooled table", ReasonKind.POOLED_TABLES),
        (
            r"is not available in any slot|are never (both )?available|^fixed at .* not available",
            ReasonKind.AVAILABILITY,
        ),
        (r"^it must come after ", ReasonKind.ORDER),
        (r"more than \d+ breaks$", ReasonKind.BREAKS),
        (r"the search found no way", ReasonKind.SEARCH),
    )
)


def reason_kind(reason: str) -> ReasonKind:
    """The kind of a stored reason (`Unscheduled.reason`); OTHER for wording not made here."""
    for pattern, kind in _KINDS:
        if pattern.search(reason):
            return kind
    return ReasonKind.OTHER
