"""The MaxSAT break engine (scheduler/maxsat/) on tiny events whose optimum is known:
each configuration, each rule of the event it encodes, refutations and their reasons."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from scheduler.assignment import empty, evaluate, merge
from scheduler.domain import Event
from scheduler.maxsat.conflict import describe
from scheduler.maxsat.engine import EngineResult, Outcome, run_engine
from scheduler.maxsat.job import Config, EncodingOptions, Rule
from scheduler.phases.result import check_slots
from scheduler.problem import Problem, compile_event
from tests.scheduler.factories import (
    at,
    event,
    fillable_gap,
    forced_break,
    person,
    request,
    session,
)

CONFIGS = [
    Config("glucose4"),
    Config("glucose4", EncodingOptions(busy_count=False)),
    Config("glucose4", EncodingOptions(slot_capacity=True)),
    Config("cadical195"),
    Config("cadical195", EncodingOptions(clusters=False, cardinality="totalizer")),
]
IDS = [f"{c.name}{'' if c.options.clusters else '/no-clusters'}" for c in CONFIGS]


def two_days() -> Event:
    """A meets B at the first slot of day 0 and C at the last of day 1: no break, as breaks
    are counted per day."""
    return event(
        ["A", person("B", available=("d0",)), person("C", available=("d1",))],
        [request("R1", "A", "B"), request("R2", "A", "C")],
        sessions=(
            session("d0", 1),
            session("d0-rest", 2, start_slot=1),
            session("d1-rest", 2, day=1),
            session("d1", 1, day=1, start_slot=2),
        ),
    )


def solve(
    ev: Event,
    config: Config = CONFIGS[0],
    *,
    should_stop: Callable[[], bool] = lambda: False,
    on_bound: Callable[[int], None] | None = None,
) -> tuple[Problem, EngineResult]:
    """Every schedulable request held, fewest breaks, 20 s at most."""
    problem = compile_event(ev)
    result = run_engine(
        problem,
        {r.idx: r.slots for r in problem.requests if r.slots},
        configs=[config],
        until=time.monotonic() + 20,
        should_stop=should_stop,
        on_bound=on_bound,
    )
    return problem, result


def optimum(ev: Event, config: Config = CONFIGS[0]) -> tuple[int, dict[str, int]]:
    """The engine's proven fewest breaks and slot per request id, checked independently."""
    problem, result = solve(ev, config)
    assert result.outcome is Outcome.OPTIMAL
    slot_of = merge(empty(problem), result.slots)
    check_slots(problem, slot_of)
    assert result.cost == evaluate(problem, slot_of).breaks
    return result.cost, {problem.requests[r].id: s for r, s in result.slots.items()}


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_each_configuration_proves_a_break_it_cannot_avoid(config: Config) -> None:
    assert optimum(forced_break(), config)[0] == 1


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_each_configuration_fills_a_gap(config: Config) -> None:
    assert optimum(fillable_gap(), config) == (0, {"R1": 0, "R2": 1, "R3": 2})


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_each_configuration_counts_breaks_per_day(config: Config) -> None:
    assert optimum(two_days(), config)[0] == 0


@pytest.mark.parametrize("config", CONFIGS, ids=IDS)
def test_each_configuration_refutes_max_breaks(config: Config) -> None:
    _, result = solve(replace(forced_break(), max_breaks=0), config)
    assert result.outcome is Outcome.INFEASIBLE
    assert set(result.conflict) == {
        Rule("meeting", (0,)),
        Rule("meeting", (1,)),
        Rule("max_breaks", (0,)),
    }


def test_the_refutation_is_explained_in_words() -> None:
    problem, result = solve(replace(forced_break(), max_breaks=0))
    assert describe(problem, result.conflict) == (
        "the required requests R1, R2 cannot all be held with max_breaks 0 for A"
    )


def test_the_lower_bounds_reported_never_exceed_the_optimum() -> None:
    bounds: list[int] = []
    _, result = solve(forced_break(), on_bound=bounds.append)
    assert result.cost == 1
    assert bounds == [1]


def test_pooled_tables_cap_the_meetings_of_a_slot() -> None:
    # One pooled table and two slots: the two meetings cannot share one.
    ev = event(
        ["A", "B", "C", "D"],
        [request("R1", "A", "B"), request("R2", "C", "D")],
        sessions=(session(slots=2),),
        tables=1,
    )
    _, slots = optimum(ev)
    assert slots["R1"] != slots["R2"]


def test_a_host_table_is_not_a_pooled_one() -> None:
    # No pooled table at all, one slot: H meets A at H's table while B and C cannot meet.
    ev = event(
        ["H", "A", "B", "C"],
        [request("R1", "H", "A"), request("R2", "B", "C")],
        sessions=(session(slots=1),),
        tables=0,
        host_tables={"H": "TH"},
    )
    assert optimum(ev) == (0, {"R1": 0})


def test_full_pooled_tables_make_required_meetings_infeasible() -> None:
    ev = event(
        ["A", "B", "C", "D"],
        [request("R1", "A", "B", required=True), request("R2", "C", "D", required=True)],
        sessions=(session(slots=1),),
        tables=1,
    )
    problem, result = solve(ev)
    assert result.outcome is Outcome.INFEASIBLE
    assert describe(problem, result.conflict) == (
        "the required requests R1, R2 cannot all be held with 1 pooled tables a slot"
    )


def test_a_resource_serves_its_capacity_per_slot() -> None:
    ev = event(
        ["A", "B", "C", "D"],
        [
            request("R1", "A", "B", requires=("interpreter:ko",)),
            request("R2", "C", "D", requires=("interpreter:ko",)),
        ],
        sessions=(session(slots=2),),
        resources=(("interpreter:ko", 1),),
    )
    _, slots = optimum(ev)
    assert slots["R1"] != slots["R2"]


def test_after_orders_meetings_even_at_a_break() -> None:
    # A meets C (R2) before B (R1); B is free only in slot 0 and 2, C anywhere: R1 at 2.
    ev = event(
        ["A", person("B", available=("s0", "s2")), "C"],
        [request("R1", "A", "B", after=("R2",)), request("R2", "A", "C")],
        sessions=tuple(session(f"s{i}", 1, start_slot=i) for i in range(3)),
    )
    assert optimum(ev) == (0, {"R1": 2, "R2": 1})


def test_a_fixed_meeting_keeps_its_slot() -> None:
    ev = event(["A", "B", "C"], [request("R1", "A", "B", fixed=at(2)), request("R2", "A", "C")])
    assert optimum(ev)[1]["R1"] == 2


def test_sessions_and_fixed_times_force_a_break() -> None:
    ev = event(
        ["A", "B", "C"],
        [request("R1", "A", "B", fixed=at(0)), request("R2", "A", "C", sessions=("pm",))],
        sessions=(session("am", 2), session("pm", 2, start_slot=3)),
    )
    assert optimum(ev)[0] == 1


def test_optional_requests_may_be_left_out_to_keep_max_breaks() -> None:
    ev = replace(
        forced_break(), requests=tuple(replace(r, required=False) for r in forced_break().requests)
    )
    problem = compile_event(replace(ev, max_breaks=0))
    result = run_engine(
        problem,
        {r.idx: r.slots for r in problem.requests},
        optional=[0, 1],
        mode="feasible",
        configs=[CONFIGS[0]],
        until=time.monotonic() + 20,
        should_stop=lambda: False,
    )
    assert result.outcome is Outcome.FEASIBLE
    check_slots(problem, merge(empty(problem), result.slots))


def test_max_meetings_can_make_required_meetings_infeasible() -> None:
    ev = event(
        [person("A", max_meetings=1), "B", "C"],
        [request("R1", "A", "B", required=True), request("R2", "A", "C", required=True)],
    )
    problem, result = solve(ev)
    assert result.outcome is Outcome.INFEASIBLE
    assert "at most 1 meetings for A" in describe(problem, result.conflict)


def test_a_cancel_ends_the_engine_at_once_without_an_answer() -> None:
    _problem, result = solve(fillable_gap(), should_stop=lambda: True)
    assert result.outcome is Outcome.UNKNOWN


def test_the_first_configuration_of_a_portfolio_to_answer_wins() -> None:
    problem = compile_event(forced_break())
    result = run_engine(
        problem,
        {r.idx: r.slots for r in problem.requests},
        configs=CONFIGS[:2],
        until=time.monotonic() + 20,
        should_stop=lambda: False,
    )
    assert result.outcome is Outcome.OPTIMAL
    assert result.config in CONFIGS[:2]
