"""Each phase of the search on its own, on tiny events whose optimum is known."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from scheduler.assignment import UNSCHEDULED, evaluate
from scheduler.domain import Event, SolveStatus
from scheduler.incumbent import Phase
from scheduler.phases import (
    bound,
    exact_breaks,
    local_search,
    maxsat,
    neighbourhoods,
    repair,
    select,
    start,
    weight,
)
from scheduler.phases.budget import Budget
from scheduler.phases.context import Clock, Context
from scheduler.phases.result import InternalError, build_schedule
from scheduler.solve import Stage, Step, run_plan
from tests.scheduler.factories import (
    context,
    event,
    fillable_gap,
    forced_break,
    person,
    request,
    session,
    slots_by_id,
)


def _later() -> float:
    return time.monotonic() + 10.0


def triangle() -> Event:
    """Three people who all want to meet each other, in one slot: at most one meeting."""
    return event(
        ["A", "B", "C"],
        [request("R1", "A", "B"), request("R2", "B", "C"), request("R3", "A", "C")],
        sessions=(session(slots=1),),
    )


def test_bound_caps_the_weight_with_the_lp() -> None:
    ctx = context(triangle())
    bound.run(ctx, _later())
    assert ctx.incumbent.weight_bound == 3  # 1.5 meetings of weight 2 in the LP


def test_bound_ends_the_search_when_a_required_meeting_has_no_slot() -> None:
    ev = event(
        [person("A", available=("am",)), person("B", available=())],
        [request("R1", "A", "B", required=True)],
    )
    ctx = context(ev)
    bound.run(ctx, _later())
    assert ctx.incumbent.verdict is SolveStatus.INFEASIBLE
    assert ctx.incumbent.message == "a required meeting has no possible slot"


def test_start_offers_the_greedy() -> None:
    ctx = context(fillable_gap())
    start.run(ctx, _later())
    assert ctx.incumbent.feasible()
    assert ctx.incumbent.score.weight == 6


def test_start_keeps_a_valid_previous_schedule() -> None:
    ctx = context(fillable_gap())
    ctx.previous = slots_by_id(ctx, R1=0, R2=3, R3=1)
    start.run(ctx, _later())
    assert ctx.incumbent.slot_of == ctx.previous


def test_repair_finds_a_schedule_holding_every_required_meeting() -> None:
    ctx = context(fillable_gap())
    assert not ctx.incumbent.feasible()  # nothing scheduled yet
    repair.run(ctx, _later())
    assert ctx.incumbent.feasible()
    assert ctx.incumbent.verdict is None


def test_repair_proves_max_breaks_cannot_be_kept() -> None:
    ev = forced_break()
    ctx = context(replace(ev, max_breaks=0))
    repair.run(ctx, _later())
    assert ctx.incumbent.verdict is SolveStatus.INFEASIBLE


def test_select_then_time_proves_the_integer_weight() -> None:
    ctx = context(triangle())
    bound.run(ctx, _later())
    select.run(ctx, _later())
    assert ctx.incumbent.weight_bound == 2
    assert ctx.incumbent.score.weight == 2
    assert ctx.incumbent.weight_proven


def test_weight_full_model_proves_the_integer_weight() -> None:
    ctx = context(triangle())
    bound.run(ctx, _later())
    weight.full_model(ctx, _later())
    assert (ctx.incumbent.score.weight, ctx.incumbent.weight_bound) == (2, 2)


def test_weight_is_proven_without_search_when_every_request_is_required() -> None:
    ctx = context(fillable_gap())
    start.run(ctx, _later())
    weight.prove_if_fixed(ctx, _later())
    assert ctx.incumbent.weight_proven
    assert ctx.incumbent.weight_bound == 6


def test_exact_breaks_model_finds_and_proves_the_fewest_breaks() -> None:
    ctx = context(fillable_gap())
    ctx.incumbent.offer(slots_by_id(ctx, R1=0, R2=3, R3=1), Phase.START)
    assert ctx.incumbent.score.breaks == 1
    weight.prove_if_fixed(ctx, _later())
    exact_breaks.full_lexicographic(ctx, _later())
    assert ctx.incumbent.score.breaks == 0
    assert ctx.incumbent.breaks_proven


def test_breaks_probe_refutes_zero_and_proves_one() -> None:
    ctx = context(forced_break())
    start.run(ctx, _later())
    weight.prove_if_fixed(ctx, _later())
    exact_breaks.probe_breaks(ctx, _later())
    assert ctx.incumbent.breaks_bound == 1
    assert ctx.incumbent.breaks_proven


def test_maxsat_proves_the_fewest_breaks_of_forced_meetings() -> None:
    ctx = context(fillable_gap())
    maxsat.minimise_forced(ctx, _later())
    assert (ctx.incumbent.score.breaks, ctx.incumbent.breaks_bound) == (0, 0)
    assert ctx.incumbent.optimal


def test_maxsat_proves_a_break_that_cannot_be_avoided() -> None:
    ctx = context(forced_break())
    maxsat.minimise_forced(ctx, _later())
    assert (ctx.incumbent.score.breaks, ctx.incumbent.breaks_bound) == (1, 1)
    assert ctx.incumbent.optimal


def test_maxsat_beside_a_search_gives_it_one_worker_and_stops_it_with_the_optimum() -> None:
    ctx = context(fillable_gap(), seconds=60)
    ctx.params = replace(ctx.params, workers=2)
    start.run(ctx, _later())
    workers_seen = []

    def search(c: Context, until: float) -> None:  # runs until told to stop
        workers_seen.append(c.params.workers)
        while not c.clock.stopped():
            time.sleep(0.01)

    maxsat.beside(search)(ctx, ctx.clock.deadline)
    assert ctx.clock.remaining() > 0  # stopped by the answer, not by the deadline
    assert (workers_seen, ctx.params.workers, ctx.incumbent.optimal) == ([1], 2, True)


def test_maxsat_refutes_required_meetings_beyond_max_breaks_and_says_why() -> None:
    ctx = context(replace(forced_break(), max_breaks=0))
    maxsat.minimise_forced(ctx, _later())
    assert ctx.incumbent.verdict is SolveStatus.INFEASIBLE
    assert ctx.incumbent.message == (
        "no schedule holds every required meeting within max_breaks: the required requests "
        "R1, R2 cannot all be held with max_breaks 0 for A"
    )


def test_maxsat_times_a_chosen_selection() -> None:
    # R4 (optional, B only at slot 0) cannot be held beside R1: the rest is timed anew.
    ev = fillable_gap()
    ctx = context(replace(ev, requests=(*ev.requests, request("R4", "D", "B"))))
    ctx.incumbent.offer(slots_by_id(ctx, R1=0, R2=3, R3=1), Phase.START)
    ctx.incumbent.prove_weight()
    maxsat.time_selection(ctx, _later())
    assert ctx.incumbent.score.breaks == 0


def test_maxsat_on_a_chosen_selection_proves_no_breaks_bound() -> None:
    # Another selection of the same weight might have fewer breaks: nothing is proven.
    ev = forced_break()
    more = (*ev.requests, request("R3", "C", "D"))  # C only at slot 2, busy with R2
    ctx = context(replace(ev, participants=(*ev.participants, person("D")), requests=more))
    ctx.incumbent.offer(slots_by_id(ctx, R1=0, R2=2), Phase.START)
    ctx.incumbent.prove_weight()
    maxsat.time_selection(ctx, _later())
    assert ctx.incumbent.score.breaks == 1
    assert ctx.incumbent.breaks_bound is None


def test_sat_repair_finds_a_schedule_dropping_optional_meetings() -> None:
    ev = forced_break()
    extra = replace(ev, requests=(*ev.requests, request("R3", "B", "C")), max_breaks=1)
    ctx = context(extra)
    maxsat.feasible(ctx, _later())
    assert ctx.incumbent.feasible()


def test_sat_repair_proves_max_breaks_cannot_be_kept() -> None:
    ctx = context(replace(forced_break(), max_breaks=0))
    maxsat.feasible(ctx, _later())
    assert ctx.incumbent.verdict is SolveStatus.INFEASIBLE


def test_local_search_removes_a_break_and_keeps_the_meetings() -> None:
    ctx = context(fillable_gap())
    ctx.incumbent.offer(slots_by_id(ctx, R1=0, R2=1, R3=3), Phase.START)
    local_search.descent(ctx, _later())
    assert ctx.incumbent.score.breaks == 0
    assert all(s != UNSCHEDULED for s in ctx.incumbent.slot_of)


def test_neighbourhood_search_removes_a_break() -> None:
    ctx = context(fillable_gap())
    ctx.incumbent.offer(slots_by_id(ctx, R1=0, R2=3, R3=1), Phase.START)
    neighbourhoods.search(ctx, time.monotonic() + 3.0)
    assert ctx.incumbent.score.breaks == 0


def test_result_raises_when_the_checker_rejects_the_schedule() -> None:
    ctx = context(fillable_gap())
    ctx.incumbent.replace(slots_by_id(ctx, R1=0, R2=1, R3=1))  # A twice in slot 1
    with pytest.raises(InternalError, match="already meets"):
        build_schedule(ctx)


def test_result_reports_the_incumbent_and_its_bounds() -> None:
    ctx = context(forced_break())
    start.run(ctx, _later())
    weight.prove_if_fixed(ctx, _later())
    ctx.incumbent.raise_breaks_bound(1)
    schedule = build_schedule(ctx)
    assert schedule.stats is not None
    assert (schedule.stats.breaks, schedule.stats.breaks_bound) == (1, 1)
    assert schedule.stats.status is SolveStatus.OPTIMAL


def test_an_offer_breaking_max_breaks_never_replaces_a_valid_incumbent() -> None:
    # Neither request required: R1 alone is valid; R1 and R2 weigh more but give A a break.
    ev = event(
        ["A", person("B", available=("s0",)), person("C", available=("s2",))],
        [request("R1", "A", "B"), request("R2", "A", "C")],
        sessions=(session("s0", 1), session("s1", 1, start_slot=1), session("s2", 1, start_slot=2)),
        max_breaks=0,
    )
    ctx = context(ev)
    ctx.incumbent.weight_bound = 4
    ctx.incumbent.offer(slots_by_id(ctx, R1=0), Phase.START)
    assert not ctx.incumbent.offer(slots_by_id(ctx, R1=0, R2=2), Phase.START)
    assert ctx.incumbent.slot_of == slots_by_id(ctx, R1=0)
    assert not ctx.incumbent.weight_proven


def test_budgets_end_at_their_share_and_never_after_the_deadline() -> None:
    clock = Clock(started=100.0, deadline=110.0, should_stop=lambda: False)
    assert Budget.by(0.5).until(clock) == 105.0
    assert Budget.lasting(5.0).until(clock) == 110.0


def test_the_plan_stops_at_a_verdict() -> None:
    ran: list[str] = []
    ctx = context(fillable_gap())

    def settle(c: object, until: float) -> None:
        ran.append("settle")
        ctx.incumbent.verdict = SolveStatus.INFEASIBLE

    def later(c: object, until: float) -> None:
        ran.append("later")

    run_plan(
        ctx, (Stage("s", lambda c: True, (Step(Phase.BOUND, settle), Step(Phase.WEIGHT, later))),)
    )
    assert ran == ["settle"]


def test_helpers_on_plain_schedules_do_not_import_the_cp_sat_model() -> None:
    code = (
        "import json, sys\n"
        "import scheduler.assignment, scheduler.incumbent, scheduler.greedy, scheduler.compact\n"
        "import scheduler.tables, scheduler.explain, scheduler.check\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    modules = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    assert "ortools" not in {m.split(".")[0] for m in modules}
    assert "scheduler.model" not in modules
    assert "scheduler.greedy" in modules  # the check sees real imports


def test_evaluate_counts_breaks_per_day() -> None:
    ctx = context(forced_break())
    assert evaluate(ctx.problem, slots_by_id(ctx, R1=0, R2=2)).breaks == 1
