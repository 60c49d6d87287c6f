"""The per-participant breaks bound, on tiny events whose fewest breaks are known."""

from __future__ import annotations

import time

from scheduler.bounds import weight_dual
from scheduler.domain import Event
from scheduler.incumbent import Phase
from scheduler.participant_bound import participant_bounds
from scheduler.phases import breaks_bound, weight
from scheduler.phases.context import Context
from tests.scheduler.factories import context, event, person, request, session, slots_by_id

THREE_SLOTS = tuple(session(f"s{i}", 1, start_slot=i) for i in range(3))


def _later() -> float:
    return time.monotonic() + 10.0


def gap_event(*, fill: bool, a_max: int | None = None, required: bool = False) -> Event:
    """A must-see B only in slot 0 and C only in slot 2 (priority 3); with `fill`, A may also
    meet D in slot 1 (priority 1), which closes the gap."""
    people = [
        person("A", max_meetings=a_max),
        person("B", available=("s0",)),
        person("C", available=("s2",)),
        person("D", available=("s1",)),
    ]
    requests = [
        request("R1", "A", "B", priority=3, required=required),
        request("R2", "A", "C", priority=3, required=required),
    ]
    if fill:
        requests.append(request("R3", "A", "D", priority=1))
    return event(people, requests, sessions=THREE_SLOTS)


def bounds_of(ctx: Context, **slot_of_request: int) -> dict[str, int]:
    slot_of = slots_by_id(ctx, **slot_of_request)
    dual = weight_dual(ctx.problem)
    assert dual is not None
    weight_of = sum(r.weight for r in ctx.problem.requests if slot_of[r.idx] >= 0)
    found = participant_bounds(ctx.problem, dual, weight_of, slot_of, until=_later())
    return {ctx.problem.participant_ids[who]: b for who, b in found.items()}


def test_required_meetings_at_both_ends_of_the_day_force_a_break() -> None:
    ctx = context(gap_event(fill=False, required=True))
    assert bounds_of(ctx, R1=0, R2=2) == {"A": 1}


def test_the_weight_forces_two_must_see_meetings_and_so_a_break() -> None:
    ctx = context(gap_event(fill=False))
    assert bounds_of(ctx, R1=0, R2=2) == {"A": 1}


def test_a_meeting_that_can_fill_the_gap_leaves_no_bound() -> None:
    ctx = context(gap_event(fill=True))
    # The schedule shown leaves the gap open; the bound knows it can be closed.
    assert bounds_of(ctx, R1=0, R2=2) == {}


def test_max_meetings_keeps_the_filler_out_and_the_break_forced() -> None:
    # Two meetings at most: B and C weigh 8, any pair with D at most 5.
    ctx = context(gap_event(fill=True, a_max=2))
    assert bounds_of(ctx, R1=0, R2=2) == {"A": 1}


def test_a_lower_weight_allows_schedules_without_the_break() -> None:
    # Of weight 4 or more, A may hold B alone: no break is forced.
    ctx = context(gap_event(fill=False))
    slot_of = slots_by_id(ctx, R1=0)
    dual = weight_dual(ctx.problem)
    assert dual is not None
    assert participant_bounds(ctx.problem, dual, 4, slot_of, until=_later()) == {}


def test_the_phase_raises_the_incumbents_breaks_bound_and_proves_it() -> None:
    ctx = context(gap_event(fill=True, a_max=2))
    ctx.incumbent.offer(slots_by_id(ctx, R1=0, R2=2), Phase.START)
    ctx.incumbent.tighten_weight_bound(8)
    breaks_bound.run(ctx, _later())
    assert (ctx.incumbent.breaks_bound, ctx.incumbent.breaks_proven) == (1, True)


def test_the_phase_claims_nothing_before_the_weight_is_proven() -> None:
    ctx = context(gap_event(fill=False, required=True))
    ctx.incumbent.offer(slots_by_id(ctx, R1=0, R2=2), Phase.START)
    breaks_bound.run(ctx, _later())
    assert ctx.incumbent.breaks_bound is None
    weight.prove_if_fixed(ctx, _later())
    breaks_bound.run(ctx, _later())
    assert ctx.incumbent.breaks_bound == 1
