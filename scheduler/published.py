"""A published schedule against the event as it is now: which of its meetings still fit at
their slot, why the others cannot stay, how a re-solve ranks schedules, and how a new
schedule differs from the published one.

A published meeting *fits* when its request is still in the event (between the same two
people) and could be held at its slot if nothing else were scheduled: both participants
attend that slot, and the request's sessions, fixed time, tables and resources allow it.
Meetings that fit may still be too many together (a table or an interpreter fewer, a lower
max_meetings, a new `after`): the re-solve decides which of them stay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from scheduler.assignment import UNSCHEDULED, breaks_of, busy_slots
from scheduler.domain import (
    ChangeKind,
    Meeting,
    MeetingChange,
    PublishedMeeting,
)
from scheduler.problem import Problem, Request, free_slots


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class ResolveScore:
    """Lexicographic quality of a re-solved schedule: compare with < and >.

    kept: published meetings at their slot and table; at_slot: published meetings at their
    slot (a table gone moves a meeting to another table, not to another time); weight: of
    every meeting held; held: published meetings still held (moved rather than dropped).
    """

    kept: int
    at_slot: int
    weight: int
    held: int
    neg_breaks: int
    neg_idle: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Counts:
    kept: int
    moved: int
    dropped: int
    added: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Baseline:
    """The published schedule compiled against the problem of the event as it is now."""

    problem: Problem
    published: dict[int, PublishedMeeting]  # request index -> its published meeting
    slot: tuple[int, ...]  # per request: its published slot, UNSCHEDULED if none (or gone)
    fits: frozenset[int]  # published requests that could stay at their slot
    table_suits: frozenset[int]  # of `fits`: the published table still exists and suits it
    why_not: dict[int, str]  # published request -> why it cannot stay at its slot (or table)
    gone: tuple[
        tuple[PublishedMeeting, str], ...
    ]  # published meetings of requests no longer in the event

    @property
    def n_published(self) -> int:
        return len(self.published) + len(self.gone)

    def rank(self, slot_of: Sequence[int], breaks: int, idle: int) -> ResolveScore:
        """The re-solve's objective of a schedule (breaks and idle counted by the caller)."""
        p = self.problem
        at_slot = [r for r in self.fits if slot_of[r] == self.slot[r]]
        return ResolveScore(
            kept=sum(1 for r in at_slot if r in self.table_suits),
            at_slot=len(at_slot),
            weight=sum(req.weight for req in p.requests if slot_of[req.idx] != UNSCHEDULED),
            held=sum(1 for r in self.published if slot_of[r] != UNSCHEDULED),
            neg_breaks=-breaks,
            neg_idle=-idle,
        )

    def stay(self, slot_of: Sequence[int]) -> list[int]:
        """slot_of restricted to the published meetings held at their published slot."""
        return [
            s if r in self.fits and s == self.slot[r] else UNSCHEDULED
            for r, s in enumerate(slot_of)
        ]

    # --- what changed ------------------------------------------------------------------

    def diff(
        self,
        meetings: Sequence[Meeting],
        unscheduled_reasons: dict[int, str],
    ) -> tuple[tuple[MeetingChange, ...], Counts]:
        """Moved, dropped and added meetings of a new schedule, each moved or dropped one
        with a reason, and the four counts."""
        p = self.problem
        index = {req.id: req.idx for req in p.requests}
        held = {index[m.request_id]: m for m in meetings}
        slot_of = [UNSCHEDULED] * len(p.requests)
        for r, m in held.items():
            slot_of[r] = m.slot_idx
        changes: list[MeetingChange] = []
        kept = 0
        for r, was in sorted(self.published.items(), key=lambda item: item[1].request_id):
            now = held.get(r)
            if now is None:
                why = self._why_moved(r, slot_of)
                later = unscheduled_reasons.get(r)
                reason = f"{why}; {later}" if later else why
                changes.append(_change(was.request_id, ChangeKind.DROPPED, was, None, reason))
            elif now.slot_idx == self.slot[r] and now.table_id == was.table_id:
                kept += 1
            else:
                changes.append(
                    _change(was.request_id, ChangeKind.MOVED, was, now, self._why_moved(r, slot_of))
                )
        for was, reason in self.gone:
            changes.append(_change(was.request_id, ChangeKind.DROPPED, was, None, reason))
        for r, now in sorted(held.items(), key=lambda item: item[1].request_id):
            if r not in self.published:
                changes.append(_change(now.request_id, ChangeKind.ADDED, None, now, ""))
        order = {ChangeKind.MOVED: 0, ChangeKind.DROPPED: 1, ChangeKind.ADDED: 2}
        changes.sort(key=lambda c: (order[c.kind], c.request_id))
        counts = Counts(
            kept=kept,
            moved=sum(1 for c in changes if c.kind is ChangeKind.MOVED),
            dropped=sum(1 for c in changes if c.kind is ChangeKind.DROPPED),
            added=sum(1 for c in changes if c.kind is ChangeKind.ADDED),
        )
        return tuple(changes), counts

    def _why_moved(self, r: int, slot_of: Sequence[int]) -> str:
        """Why a published meeting is not where it was: a change of the event or, for one
        that fits, the meetings that fit there together."""
        if r not in self.fits:
            return self.why_not[r]
        if slot_of[r] == self.slot[r]:  # the same slot at another table
            return self.why_not.get(r, "its table was taken by another published meeting")
        return _Crowding(self).reason(r, slot_of)


def _change(
    request_id: str,
    kind: ChangeKind,
    was: PublishedMeeting | None,
    now: Meeting | None,
    reason: str,
) -> MeetingChange:
    return MeetingChange(request_id=request_id, kind=kind, was=was, now=now, reason=reason)


# --- compiling the published schedule -------------------------------------------------------


def compile_published(problem: Problem, meetings: Sequence[PublishedMeeting]) -> Baseline:
    """Match each published meeting with the event as it is now."""
    event = problem.event
    index = {req.id: req.idx for req in problem.requests}
    present = set(problem.participant_ids)
    slot_at = {s.start: s.idx for s in event.slots}
    tables = {t.id: t for t in event.tables}
    hosts = event.host_table_of()
    times = _Times(problem)
    published: dict[int, PublishedMeeting] = {}
    slot = [UNSCHEDULED] * len(problem.requests)
    fits: set[int] = set()
    suits: set[int] = set()
    why_not: dict[int, str] = {}
    gone: list[tuple[PublishedMeeting, str]] = []
    for m in meetings:
        r = index.get(m.request_id)
        req = None if r is None else problem.requests[r]
        now_pair = None if req is None else {problem.participant_ids[x] for x in (req.a, req.b)}
        if req is None or (m.participants is not None and set(m.participants) != now_pair):
            gone.append((m, _gone_reason(m, now_pair, present)))
            continue
        published[req.idx] = m
        s = slot_at.get(m.start)
        if s is None:
            why_not[req.idx] = f"{times.at(m.start)} is no longer a slot of the event"
            continue
        slot[req.idx] = s
        if s not in req.slots:
            why_not[req.idx] = _Unfit(problem, times).reason(req, s)
            continue
        fits.add(req.idx)
        table = tables.get(m.table_id)
        ids = (problem.participant_ids[req.a], problem.participant_ids[req.b])
        host_table = next((hosts[x] for x in ids if x in hosts), None)
        if table is None:
            why_not[req.idx] = f"table {m.table_id} is no longer in the event"
        elif host_table is not None and table.id != host_table:
            host = next(x for x in ids if x in hosts)
            why_not[req.idx] = f"{host} now hosts table {host_table}"
        elif host_table is None and table.host is not None:
            why_not[req.idx] = f"table {table.id} is now reserved for {table.host}"
        else:
            suits.add(req.idx)
    return Baseline(
        problem=problem,
        published=published,
        slot=tuple(slot),
        fits=frozenset(fits),
        table_suits=frozenset(suits),
        why_not=why_not,
        gone=tuple(gone),
    )


def _gone_reason(m: PublishedMeeting, now_pair: set[str] | None, present: set[str]) -> str:
    if m.participants is not None:
        left = [x for x in m.participants if x not in present]
        if left:
            return f"{' and '.join(left)} no longer {'takes' if len(left) == 1 else 'take'} part"
        if now_pair is not None:
            return f"request {m.request_id} now pairs {' and '.join(sorted(now_pair))}"
        return "the request was withdrawn"
    return "the request is no longer in the event (withdrawn, or a participant left)"


class _Times:
    """Slot times as organisers read them: "09:10", or "19 Nov 09:10" on a multi-day event."""

    def __init__(self, problem: Problem) -> None:
        self.many_days = len(problem.day_slots) > 1
        self.slots = problem.event.slots

    def at(self, moment: datetime) -> str:
        return f"{moment:%d %b %H:%M}" if self.many_days else f"{moment:%H:%M}"

    def slot(self, s: int) -> str:
        return self.at(self.slots[s].start)


class _Unfit:
    """Why a request can no longer be held at a slot, whatever else is scheduled."""

    def __init__(self, problem: Problem, times: _Times) -> None:
        self.p = problem
        self.times = times

    def reason(self, req: Request, s: int) -> str:
        p = self.p
        event = p.event
        original = event.requests[req.idx]
        a, b = p.participant_ids[req.a], p.participant_ids[req.b]
        when = self.times.slot(s)
        hosts = event.host_table_of()
        if a in hosts and b in hosts:
            return f"{a} and {b} both host a table now"
        capacity = dict(event.resources)
        for name in original.requires:
            if capacity.get(name, 0) == 0:
                return f"the event has no {name} any more"
        if req.pooled and p.pooled_tables == 0:
            return "the event has no pooled table any more"
        for who in (req.a, req.b):
            if p.max_meetings[who] == 0:
                return f"{p.participant_ids[who]} accepts no meetings any more"
        for who in (req.a, req.b):
            if s not in free_slots(event.participants[who], event.slots):
                return f"{p.participant_ids[who]} is no longer available at {when}"
        slot = event.slots[s]
        if original.sessions is not None and slot.session_id not in original.sessions:
            return f"the request is now limited to session {', '.join(original.sessions)}"
        if original.fixed is not None and original.fixed != slot.start:
            return f"the request is now fixed at {self.times.at(original.fixed)}"
        return f"it can no longer be held at {when}"


class _Crowding:
    """Why a meeting that fits at its slot left it: too many fitting meetings together."""

    def __init__(self, baseline: Baseline) -> None:
        self.b = baseline
        self.times = _Times(baseline.problem)

    def reason(self, r: int, slot_of: Sequence[int]) -> str:
        b = self.b
        p = b.problem
        req = p.requests[r]
        s = b.slot[r]
        when = self.times.slot(s)
        here = [x for x in b.fits if b.slot[x] == s]
        if req.pooled:
            pooled = sum(1 for x in here if p.requests[x].pooled)
            if pooled > p.pooled_tables:
                return (
                    f"the event now has {_count(p.pooled_tables, 'pooled table')}, "
                    f"fewer than the {pooled} meetings published at {when}"
                )
        for k in req.resources:
            used = sum(1 for x in here if k in p.requests[x].resources)
            if used > p.resource_capacity[k]:
                return (
                    f"{p.resource_names[k]} now serves "
                    f"{_count(p.resource_capacity[k], 'meeting')} at a time, "
                    f"{used} were published at {when}"
                )
        for who in (req.a, req.b):
            count = sum(1 for x in b.fits if who in (p.requests[x].a, p.requests[x].b))
            if count > p.max_meetings[who]:
                return (
                    f"{p.participant_ids[who]} now accepts at most {p.max_meetings[who]} meetings"
                )
        for e in req.after:
            if e in b.fits and b.slot[e] >= s:
                return f"it must now come after {p.requests[e].id}"
        for x in b.fits:
            if r in p.requests[x].after and b.slot[x] <= s:
                return f"{p.requests[x].id} must now come after it"
        return self._required_or_breaks(req, slot_of)

    def _required_or_breaks(self, req: Request, slot_of: Sequence[int]) -> str:
        p = self.b.problem
        if p.max_breaks is not None:
            fitting = [
                self.b.slot[r] if r in self.b.fits else UNSCHEDULED for r in range(len(slot_of))
            ]
            busy = busy_slots(p, fitting)
            for who in (req.a, req.b):
                if breaks_of(p, busy[who]) > p.max_breaks:
                    return (
                        f"{p.participant_ids[who]} would have more than max_breaks "
                        f"{p.max_breaks} with every meeting that fits at its published slot"
                    )
        required = Counter(
            who for x in p.requests if x.required and x.idx not in self.b.fits for who in (x.a, x.b)
        )
        for who in (req.a, req.b):
            if required[who]:
                return f"it made room for a required meeting of {p.participant_ids[who]}"
        return "it made room for required meetings and max_breaks elsewhere"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
