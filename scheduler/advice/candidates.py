"""Which changes might buy weight, and how much the LP says each could: the cheap estimate.

Every kind of change proposes its candidates from the event and the current schedule (a
resource, the pooled tables, each session with room to grow, each participant held back by
their max_meetings, each buyer with requests left out). Where a kind has a size (how many
tables, how many slots longer), the LP is solved for growing sizes and the size kept is
the last whose every added unit still buys at least half of what the first one bought: the
knee of the curve, not "as many as would ever help".

Participants are many, so they are first ranked by the LP duals (what one more meeting of
theirs is worth at the margin, or what their left-out requests would add if a new delegate
took them over) and only the best few are solved. The estimate of a candidate is the value
of the LP of the changed event, an upper bound on its weight: a candidate whose bound is no
more than the weight already held cannot gain anything and is dropped here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from scheduler.advice.changes import (
    Change,
    ChangeError,
    LongerSession,
    MoreMeetings,
    MoreResource,
    MoreTables,
    SecondDelegate,
    fresh_ids,
)
from scheduler.advice.relaxation import Move, Raise, RelaxationLP
from scheduler.assignment import UNSCHEDULED
from scheduler.bounds import (
    LP_TOLERANCE,
    MAX_MEETINGS,
    RESOURCE,
    TABLES,
    Cap,
    weight_upper_bound,
)
from scheduler.domain import Event
from scheduler.problem import Problem, compile_event

TABLE_STEPS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)
MEETING_STEPS = (1, 2, 4)
SESSION_STEPS = (1, 2, 3)  # at most an hour of 20-minute slots
# A session grows into the pause before the next one only while this much of it is left.
MIN_PAUSE_MINUTES = 30
SESSIONS_GROWN = 2  # sessions whose LP is solved for more than one slot longer
KNEE = 0.5  # a further unit is worth adding while it buys at least this share of the first
BUYER = "buyer"


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    change: Change
    lp_bound: int  # no schedule of the changed event weighs more
    lp_gain: float  # the changed event's LP value less the event's


@dataclass(frozen=True, slots=True)
class Current:
    """The schedule the changes are measured against, as a slot per request."""

    slot_of: Sequence[int]
    weight: int


def propose(
    event: Event,
    problem: Problem,
    lp: RelaxationLP,
    current: Current,
    *,
    participants: int,
) -> list[Candidate]:
    """Candidates that may gain weight, best estimate first; `participants` caps how many
    participants of each kind (max_meetings, delegate) have their LP solved."""
    found: list[Candidate] = []
    found += _resources(event, problem, lp)
    found += _tables(event, problem, lp)
    found += _max_meetings(event, problem, lp, current, participants)
    found += _delegates(event, problem, lp, current, participants)
    found += _sessions(event, lp, SESSIONS_GROWN)
    useful = [c for c in found if c.lp_bound > current.weight]
    return sorted(useful, key=lambda c: -c.lp_gain)


# --- kinds ---------------------------------------------------------------------------------


def _resources(event: Event, problem: Problem, lp: RelaxationLP) -> list[Candidate]:
    out = []
    for k, name in enumerate(problem.resource_names):
        capacity = problem.resource_capacity[k]
        if not any(k in r.resources for r in problem.requests):
            continue
        change = MoreResource(resource=name, capacity=capacity + 1, was=capacity)
        if capacity > 0:
            edit = Raise(lp.rows(RESOURCE, k), 1)
            if lp.raise_bound(edit) > LP_TOLERANCE:
                out += _candidate(change, lp.value_with([edit]), lp)
        else:  # nothing could use it: its requests have no columns to raise
            out += _rebuilt(event, change, lp)
    return out


def _tables(event: Event, problem: Problem, lp: RelaxationLP) -> list[Candidate]:
    if not any(r.pooled for r in problem.requests):
        return []
    pooled = [t.id for t in event.tables if t.host is None]
    like = pooled[-1] if pooled else (event.tables[-1].id if event.tables else "T01")
    taken = [t.id for t in event.tables]

    def change(n: int) -> MoreTables:
        return MoreTables(table_ids=fresh_ids(taken, n, like), was=len(pooled))

    if not pooled:
        return _rebuilt(event, change(1), lp)
    rows = lp.rows(TABLES, -1)
    if lp.raise_bound(Raise(rows, 1)) <= LP_TOLERANCE:
        return []
    best = _knee(TABLE_STEPS, partial(_raised_value, lp, rows), lp)
    return [] if best is None else _candidate(change(best[0]), best[1], lp)


def _sessions(event: Event, lp: RelaxationLP, limit: int) -> list[Candidate]:
    """Each session one slot longer, then the `limit` best grown further.

    New slots are new columns, which an edit of the built LP cannot add cheaply (GLOP
    stalled on the 850-participant sample when they were added as columns of their
    own), so each size is the changed event's own LP: a full build."""
    if lp.value is None:
        return []
    minutes = event.slot_minutes
    ladders: list[tuple[float, LongerSession, tuple[int, ...]]] = []
    for session in event.sessions:
        at_start = _room(event, session.id, at_start=False) < minutes
        room = _room(event, session.id, at_start=at_start) // minutes
        steps = tuple(k for k in SESSION_STEPS if k <= room)
        if not steps:
            continue
        one = LongerSession(session=session.id, slots=1, slot_minutes=minutes, at_start=at_start)
        first = _lp_value(one.apply(event))
        if first is not None and first - lp.value > LP_TOLERANCE:
            ladders.append((first, one, steps))
    ladders.sort(key=lambda ladder: -ladder[0])
    out = []
    for n, (first, one, steps) in enumerate(ladders):
        grow = partial(_longer_value, event, one, first)
        best = _knee(steps if n < limit else steps[:1], grow, lp)
        if best is not None:
            out += _candidate(replace(one, slots=best[0]), best[1], lp)
    return out


def _longer_value(event: Event, one: LongerSession, first: float, k: int) -> float | None:
    """The LP value with the session k slots longer (`first`: known for one slot)."""
    return first if k == 1 else _lp_value(replace(one, slots=k).apply(event))


def _max_meetings(
    event: Event, problem: Problem, lp: RelaxationLP, current: Current, limit: int
) -> list[Candidate]:
    held = _held_per_participant(problem, current.slot_of)
    left = _left_out_per_participant(problem, current.slot_of)
    people = event.participants
    capped = [
        who
        for who, person in enumerate(people)
        if person.max_meetings is not None
        and person.max_meetings > 0
        and held[who] >= person.max_meetings
        and left[who]
        and lp.dual((MAX_MEETINGS, who, -1)) > LP_TOLERANCE
    ]
    capped.sort(
        key=lambda who: (-lp.dual((MAX_MEETINGS, who, -1)), -_weight(problem, left[who]), who)
    )
    out = []
    for who in capped[:limit]:
        was = problem.max_meetings[who]
        steps = tuple(k for k in MEETING_STEPS if k <= len(left[who]))
        best = _knee(steps, partial(_raised_value, lp, ((MAX_MEETINGS, who, -1),)), lp)
        if best is not None:
            change = MoreMeetings(participant=people[who].id, max_meetings=was + best[0], was=was)
            out += _candidate(change, best[1], lp)
    return out


def _delegates(
    event: Event, problem: Problem, lp: RelaxationLP, current: Current, limit: int
) -> list[Candidate]:
    role = {o.id: o.role for o in event.organisations}
    left = _left_out_per_participant(problem, current.slot_of)
    people = event.participants
    buyers = [
        who
        for who, person in enumerate(people)
        if person.organisation is not None
        and role.get(person.organisation) == BUYER
        and left[who]
        and problem.max_meetings[who] > 0
    ]
    estimate = {who: sum(lp.reduced_gain(r, who) for r in left[who]) for who in buyers}
    buyers.sort(key=lambda who: (-estimate[who], who))
    hosts = event.host_table_of()
    out = []
    for who in buyers[:limit]:
        if estimate[who] <= LP_TOLERANCE:
            break
        person = people[who]
        table = None
        if person.id in hosts:
            table = fresh_ids((t.id for t in event.tables), 1, hosts[person.id])[0]
        change = SecondDelegate(
            participant=person.id,
            delegate=fresh_ids((p.id for p in people), 1, person.id)[0],
            requests=tuple(problem.requests[r].id for r in left[who]),
            table=table,
        )
        out += _candidate(change, lp.value_with([Move(who, tuple(left[who]))]), lp)
    return out


# --- helpers -------------------------------------------------------------------------------


def _candidate(change: Change, value: float | None, lp: RelaxationLP) -> list[Candidate]:
    if value is None or lp.value is None:
        return []
    gain = value - lp.value
    if gain <= LP_TOLERANCE:
        return []
    bound = int(value + LP_TOLERANCE)
    return [Candidate(change=change, lp_bound=bound, lp_gain=gain)]


def _rebuilt(event: Event, change: Change, lp: RelaxationLP) -> list[Candidate]:
    """The estimate from the changed event's own LP (when no edit of the built LP gives it)."""
    try:
        return _candidate(change, _lp_value(change.apply(event)), lp)
    except ChangeError:
        return []


def _raised_value(lp: RelaxationLP, rows: tuple[Cap, ...], by: int) -> float | None:
    return lp.value_with([Raise(rows, by)])


def _lp_value(event: Event) -> float | None:
    return weight_upper_bound(compile_event(event)).lp_value


def _knee(
    steps: Sequence[int], value_of: Callable[[int], float | None], lp: RelaxationLP
) -> tuple[int, float] | None:
    """The largest size whose every added unit still buys KNEE of what the first bought."""
    if lp.value is None:
        return None
    best: tuple[int, float] | None = None
    first = 0.0
    previous_size, previous_gain = 0, 0.0
    for size in steps:
        value = value_of(size)
        if value is None:
            break
        gain = value - lp.value
        if best is None:
            if gain <= LP_TOLERANCE:
                return None
            first = gain / size
        elif (gain - previous_gain) / (size - previous_size) < KNEE * first - LP_TOLERANCE:
            break
        best = (size, value)
        previous_size, previous_gain = size, gain
    return best


def _room(event: Event, session_id: str, *, at_start: bool) -> int:
    """Minutes a session can grow at its end (or start), leaving a pause before the next
    (after the previous) session, and within its day."""
    session = next(s for s in event.sessions if s.id == session_id)
    day = datetime.combine(session.start.date(), datetime.min.time())
    pause = timedelta(minutes=MIN_PAUSE_MINUTES)
    if at_start:
        edges = [s.end + pause for s in event.sessions if s.end <= session.start] + [day]
        return max(0, int((session.start - max(edges)).total_seconds() // 60))
    edges = [s.start - pause for s in event.sessions if s.start >= session.end]
    edges.append(day + timedelta(days=1))
    return max(0, int((min(edges) - session.end).total_seconds() // 60))


def _held_per_participant(problem: Problem, slot_of: Sequence[int]) -> Counter[int]:
    held: Counter[int] = Counter()
    for req in problem.requests:
        if slot_of[req.idx] != UNSCHEDULED:
            held[req.a] += 1
            held[req.b] += 1
    return held


def _left_out_per_participant(problem: Problem, slot_of: Sequence[int]) -> dict[int, list[int]]:
    """Requests left out that could be held somewhere (they have a possible slot)."""
    left: dict[int, list[int]] = defaultdict(list)
    for req in problem.requests:
        if slot_of[req.idx] == UNSCHEDULED and req.slots:
            left[req.a].append(req.idx)
            left[req.b].append(req.idx)
    return left


def _weight(problem: Problem, requests: Sequence[int]) -> int:
    return sum(problem.requests[r].weight for r in requests)
