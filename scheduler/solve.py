"""solve(event, params) -> Schedule: the search as a plan of named phases, each with a budget.

The plan below is the whole search. Each step names its phase (the progress reports' name),
the function that runs it (`run(ctx, until)` in scheduler/phases/), the budget it may use
and, per stage, the condition under which the stage runs at all. Every phase offers its
schedules to one incumbent (scheduler/incumbent.py), which keeps the best schedule and the
proven bounds; the result phase checks the final schedule independently.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass

from scheduler.domain import Event, Schedule
from scheduler.incumbent import Incumbent, Phase, Progress, ProgressCallback
from scheduler.phases import (
    bound,
    breaks_bound,
    exact_breaks,
    local_search,
    maxsat,
    neighbourhoods,
    repair,
    select,
    start,
    weight,
)
from scheduler.phases.budget import WHOLE_REST, Budget
from scheduler.phases.context import Clock, Context, SolveParams, StopCallback
from scheduler.phases.result import InternalError, build_schedule
from scheduler.problem import compile_event

__all__ = ["PLAN", "InternalError", "Phase", "Progress", "SolveParams", "Stage", "Step", "solve"]

# Full models up to this many (request, slot) variables are solved whole; beyond, only LNS.
FULL_MODEL_MAX_VARIABLES = 60_000
# Exact break models (minimisation, "at most K breaks" probes) up to this many variables.
EXACT_BREAKS_MAX_VARIABLES = 10_000
# Select-then-time: the slot-class MIP runs on events up to this many (request, slot) pairs
# (its class variables are far fewer), until this share of the time limit. Measured on the
# 850-participant sample (120 s): the selection alone reaches 9969 in 45 s and 9972 in 70 s
# (LP bound 9974), while the breaks fall far below the target within 15 s of timing.
SELECTION_MAX_VARIABLES = 400_000
SELECTION_SHARE = 0.6
# MaxSAT (scheduler/maxsat/) on the forced meetings of events up to this many (request,
# slot) pairs, beside a CP-SAT break search on the other worker, until this share of the
# time limit; beyond that size it would only give bounds. It runs once a valid schedule
# exists (after the repairs), so that the CP-SAT search has one to improve.
MAXSAT_MAX_VARIABLES = 10_000
MAXSAT_SHARE = 0.85
# The SAT feasibility check before the CP-SAT repair: events up to this size, this share.
SAT_REPAIR_MAX_VARIABLES = 60_000
SAT_REPAIR_SHARE = 0.3
# The weight phase's full model runs until this share of the time limit has gone by.
WEIGHT_PHASE_SHARE = 0.35
# The per-participant breaks bound: at most this share of the time limit (it takes a second
# or two on 250-participant events; what it has proven when cut short still counts).
BREAKS_BOUND_BUDGET = Budget.lasting(0.1, at_least=1.0)
# A quick descent of the local search between phases.
QUICK_DESCENT = Budget.lasting(0.05, at_least=1.0)

PhaseFunction = Callable[[Context, float], None]
Condition = Callable[[Context], bool]


@dataclass(frozen=True, slots=True)
class Step:
    """One phase run: what it is called, what runs, how long it may take.

    A step that is not `mandatory` is skipped once the result is proven optimal or the time
    is up; the mandatory ones (bound, start, repair) make sure a schedule exists at all.
    """

    phase: Phase
    run: PhaseFunction
    budget: Budget = WHOLE_REST
    mandatory: bool = False


@dataclass(frozen=True, slots=True)
class Stage:
    """Steps that run together when `when` holds (checked once, before the first step)."""

    name: str
    when: Condition
    steps: tuple[Step, ...]


def _always(ctx: Context) -> bool:
    return True


def _needs_repair(ctx: Context) -> bool:
    return not ctx.incumbent.feasible()


def _maxsat_on_forced(ctx: Context) -> bool:
    return maxsat.selection_forced(ctx) and ctx.n_variables <= MAXSAT_MAX_VARIABLES


def _sat_repair_pays(ctx: Context) -> bool:
    return _needs_repair(ctx) and ctx.n_variables <= SAT_REPAIR_MAX_VARIABLES


def _selection_pays(ctx: Context) -> bool:
    return not ctx.incumbent.weight_proven and ctx.n_variables <= SELECTION_MAX_VARIABLES


def _full_weight_pays(ctx: Context) -> bool:
    return not ctx.incumbent.weight_proven and ctx.n_variables <= FULL_MODEL_MAX_VARIABLES


def _weight_proven(ctx: Context) -> bool:
    return ctx.incumbent.weight_proven


def _exact_breaks_fit(ctx: Context) -> bool:
    return ctx.n_variables <= EXACT_BREAKS_MAX_VARIABLES


def _exact_breaks_too_big(ctx: Context) -> bool:
    return not _exact_breaks_fit(ctx)


def _cpsat_breaks(ctx: Context, until: float) -> None:
    """The CP-SAT break search of the "exact breaks" stage, in one call with one deadline."""

    def share(x: float) -> float:
        now = time.monotonic()
        return now + x * max(0.0, until - now)

    exact_breaks.full_lexicographic(ctx, share(0.25))
    exact_breaks.probe_breaks(ctx, share(0.7))
    neighbourhoods.improve(ctx, until)


PLAN: tuple[Stage, ...] = (
    Stage(
        "start",
        _always,
        (
            Step(Phase.BOUND, bound.run, mandatory=True),
            Step(Phase.START, start.run, mandatory=True),
        ),
    ),
    Stage(
        "repair by SAT",
        _sat_repair_pays,
        (Step(Phase.REPAIR, maxsat.feasible, Budget.by(SAT_REPAIR_SHARE)),),
    ),
    Stage("repair", _needs_repair, (Step(Phase.REPAIR, repair.run, mandatory=True),)),
    Stage(
        "exact breaks, forced meetings",
        _maxsat_on_forced,
        (Step(Phase.EXACT_BREAKS, maxsat.beside(_cpsat_breaks), Budget.by(MAXSAT_SHARE)),),
    ),
    Stage(
        "fixed selection",
        _always,
        (
            Step(Phase.WEIGHT, weight.prove_if_fixed, mandatory=True),
            Step(Phase.LOCAL_SEARCH, local_search.descent, QUICK_DESCENT),
        ),
    ),
    Stage(
        "select then time",
        _selection_pays,
        (
            Step(Phase.SELECT_THEN_TIME, select.run, Budget.by(SELECTION_SHARE)),
            Step(Phase.LOCAL_SEARCH, local_search.descent, QUICK_DESCENT),
        ),
    ),
    Stage(
        "weight",
        _full_weight_pays,
        (
            Step(Phase.WEIGHT, weight.full_model, Budget.by(WEIGHT_PHASE_SHARE)),
            Step(Phase.LOCAL_SEARCH, local_search.descent, QUICK_DESCENT),
        ),
    ),
    Stage(
        "breaks bound",
        _weight_proven,
        (Step(Phase.BREAKS_BOUND, breaks_bound.run, BREAKS_BOUND_BUDGET),),
    ),
    Stage(
        "exact breaks",
        _exact_breaks_fit,
        (
            Step(Phase.EXACT_BREAKS, maxsat.time_selection, Budget.of_remaining(0.5)),
            Step(Phase.EXACT_BREAKS, exact_breaks.full_lexicographic, Budget.of_remaining(0.25)),
            Step(Phase.BREAKS_BOUND, exact_breaks.probe_breaks, Budget.of_remaining(0.7)),
            Step(Phase.NEIGHBOURHOODS, neighbourhoods.improve, Budget.of_remaining(0.6)),
            Step(Phase.EXACT_BREAKS, exact_breaks.full_lexicographic),
        ),
    ),
    Stage(
        "neighbourhoods",
        _exact_breaks_too_big,
        (Step(Phase.NEIGHBOURHOODS, neighbourhoods.improve),),
    ),
)


def solve(
    event: Event,
    params: SolveParams | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    previous: Schedule | None = None,
) -> Schedule:
    """Best schedule found within the time limit, with its bounds, checked independently."""
    params = params or SolveParams()
    problem = compile_event(event)
    clock = Clock.start(params.time_limit, should_stop or (lambda: False))
    ctx = Context(
        problem=problem,
        params=params,
        clock=clock,
        incumbent=Incumbent(problem, on_progress or (lambda _: None), clock.started),
        rng=random.Random(params.seed),
        previous=start.previous_slots(problem, previous),
    )
    run_plan(ctx, PLAN)
    return build_schedule(ctx)


def run_plan(ctx: Context, plan: tuple[Stage, ...]) -> None:
    """Run the stages in order until a phase settles the outcome (infeasible, unknown)."""
    for stage in plan:
        if ctx.incumbent.verdict is not None:
            return
        if not stage.when(ctx):
            continue
        for step in stage.steps:
            if ctx.incumbent.verdict is not None:
                return
            if not step.mandatory and ctx.finished():
                continue
            step.run(ctx, step.budget.until(ctx.clock))
