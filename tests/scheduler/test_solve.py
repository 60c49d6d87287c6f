"""solve() as a caller sees it: progress, cancel, determinism, warm start, local search."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scheduler.assignment import evaluate
from scheduler.check import check_schedule
from scheduler.compact import compact
from scheduler.domain import SolveStatus
from scheduler.formats import read_event_file
from scheduler.greedy import packing_greedy
from scheduler.problem import compile_event
from scheduler.sample import SampleSpec, generate_event
from scheduler.solve import Progress, SolveParams, solve
from tests.scheduler.factories import event, person, request, session, unavailable

TINY = read_event_file(Path(__file__).parents[2] / "samples" / "tiny.json")


def test_progress_is_reported_and_ends_at_the_result() -> None:
    seen: list[Progress] = []
    schedule = solve(TINY, SolveParams(time_limit=10, workers=1), on_progress=seen.append)
    assert seen
    assert [p.elapsed for p in seen] == sorted(p.elapsed for p in seen)
    assert schedule.stats is not None
    assert seen[-1].weight == schedule.stats.weight
    assert all(p.weight_bound is None or p.weight <= p.weight_bound for p in seen)


def test_same_seed_single_worker_gives_the_same_schedule() -> None:
    # Reproducible when no phase is cut short by the clock: one worker, a small event.
    small = generate_event(SampleSpec(buyers=2, suppliers=6, seed=3))
    params = SolveParams(time_limit=300, workers=1, seed=3)
    first, second = solve(small, params), solve(small, params)
    assert first.stats is not None and first.stats.status is SolveStatus.OPTIMAL
    assert first.meetings == second.meetings


def test_cancel_stops_a_long_solve_early_with_a_valid_schedule() -> None:
    big = generate_event(SampleSpec(buyers=20, suppliers=90, seed=5))
    started = time.monotonic()
    schedule = solve(
        big,
        SolveParams(time_limit=60, workers=2),
        should_stop=lambda: time.monotonic() - started > 2,
    )
    assert time.monotonic() - started < 15
    assert check_schedule(big, schedule).ok
    assert schedule.stats is not None
    assert schedule.stats.status is not SolveStatus.OPTIMAL or schedule.stats.breaks == 0


def test_previous_schedule_is_used_as_the_start() -> None:
    # The limit is generous because both solves stop at the proof; only a loaded machine needs it.
    first = solve(TINY, SolveParams(time_limit=300, workers=1))
    again = solve(TINY, SolveParams(time_limit=300, workers=1), previous=first)
    assert again.stats is not None and first.stats is not None
    assert (again.stats.weight, again.stats.breaks) == (first.stats.weight, first.stats.breaks)


def test_kempe_walk_never_adds_breaks_and_keeps_the_schedule_valid() -> None:
    sample = generate_event(SampleSpec(buyers=12, suppliers=50, seed=11))
    problem = compile_event(sample)
    start = packing_greedy(problem)
    walked = compact(problem, start, seed=1, until=time.monotonic() + 1.0, sideways=0.3)
    before, after = evaluate(problem, start), evaluate(problem, walked)
    assert after.weight == before.weight
    assert after.breaks < before.breaks
    assert {r for r, s in enumerate(walked) if s >= 0} == {r for r, s in enumerate(start) if s >= 0}


def test_empty_event_solves_to_an_empty_optimal_schedule() -> None:
    schedule = solve(event(["A", "B"], []), SolveParams(time_limit=5, workers=1))
    assert schedule.meetings == ()
    assert schedule.stats is not None and schedule.stats.status is SolveStatus.OPTIMAL


def test_interpreter_shortage_is_explained() -> None:
    ev = event(
        ["A", "B", "C", "D"],
        [
            request("R1", "A", "B", requires=("interpreter:ko",), priority=3),
            request("R2", "C", "D", requires=("interpreter:ko",), priority=1),
        ],
        resources=(("interpreter:ko", 1),),
        sessions=(session(slots=1),),
    )
    schedule = solve(ev, SolveParams(time_limit=5, workers=1))
    assert [u.reason for u in schedule.unscheduled] == [
        "no interpreter:ko free in any slot C and D share"
    ]


def test_a_previous_schedule_that_no_longer_fits_is_not_trusted() -> None:
    ev = event(["A", "B", "C"], [request("R1", "A", "B"), request("R2", "A", "C")])
    first = solve(ev, SolveParams(time_limit=5, workers=1))
    # A becomes unavailable in R1's slot and R2 disappears: the old schedule is now invalid.
    slot = next(m.slot_idx for m in first.meetings if m.request_id == "R1")
    changed = event(
        [person("A", unavailable=unavailable(slot, slot)), "B", "C"], [request("R1", "A", "B")]
    )
    again = solve(changed, SolveParams(time_limit=5, workers=1), previous=first)
    assert check_schedule(changed, again).ok
    assert [m.request_id for m in again.meetings] == ["R1"]
    assert again.meetings[0].slot_idx != slot


def test_breaks_bound_is_zero_not_missing_when_only_the_weight_is_proven(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import scheduler.solve as solve_module

    # As on events too large for the exact break models: no break bound is ever computed.
    monkeypatch.setattr(solve_module, "EXACT_BREAKS_MAX_VARIABLES", 0)
    monkeypatch.setattr(solve_module, "MAXSAT_MAX_VARIABLES", 0)
    schedule = solve(TINY, SolveParams(time_limit=2, workers=1))
    assert schedule.stats is not None
    assert schedule.stats.weight == schedule.stats.weight_bound  # the weight is proven
    assert schedule.stats.breaks_bound == 0
