"""Exact breaks and proven infeasibility with MaxSAT (scheduler/maxsat/): RC2 on the
paper's model, a portfolio of configurations in worker processes.

`minimise_forced` runs when every schedulable request must be held (all required, or all
held by a valid schedule): its optimum is the fewest breaks of any schedule and its lower
bounds count. `time_selection` times the meetings of the incumbent, at the proven weight,
with the fewest breaks they allow. `feasible` looks for any schedule holding every required
meeting within max_breaks, or refutes it.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable

from scheduler.assignment import UNSCHEDULED, empty, merge
from scheduler.incumbent import Phase
from scheduler.maxsat.conflict import describe
from scheduler.maxsat.engine import EngineResult, Outcome, run_engine
from scheduler.maxsat.job import Config, EncodingOptions
from scheduler.phases.context import Context
from scheduler.phases.infeasible import give_up_required
from scheduler.phases.result import check_slots

# The portfolio, one worker process per configuration (docs/benchmarks.md has the
# measurements that chose it). With one worker allowed, the first configuration alone.
PORTFOLIO = (Config("glucose4"), Config("cadical195"))
# The one configuration that runs beside the CP-SAT break search: the most instances proven
# within 30 CPU seconds of the four compared in docs/benchmarks.md (`bench.maxsat`).
BESIDE = Config("cadical195", EncodingOptions(slot_capacity=True))
# Below this much time a worker process cannot even start and encode.
MIN_SECONDS = 0.5


def configs(ctx: Context) -> tuple[Config, ...]:
    return PORTFOLIO[: max(1, ctx.params.workers)]


def selection_forced(ctx: Context) -> bool:
    """Every schedule of the best weight holds every schedulable request."""
    inc = ctx.incumbent
    held = all(inc.slot_of[r] != UNSCHEDULED for r in ctx.schedulable)
    return ctx.all_required or (inc.feasible() and held)


def minimise_forced(ctx: Context, until: float) -> None:
    """Every schedulable request held: the fewest breaks of any schedule, or a refutation."""
    if selection_forced(ctx):
        _minimise(ctx, until, list(ctx.schedulable), forced=True)


PhaseFunction = Callable[[Context, float], None]


def beside(search: PhaseFunction) -> PhaseFunction:
    """`minimise_forced` with one MaxSAT worker while `search` (a CP-SAT break search) runs
    on the other worker: each engine wins on instances where the other wanders (measured in
    docs/benchmarks.md), and the first to prove the optimum ends both. With one worker, or
    without a valid schedule to improve, MaxSAT alone."""

    def run(ctx: Context, until: float) -> None:
        if not selection_forced(ctx):
            return
        if ctx.params.workers < 2 or not ctx.incumbent.feasible():
            _minimise(ctx, until, list(ctx.schedulable), forced=True)
            return
        _minimise_beside(ctx, until, search)

    return run


def _minimise_beside(ctx: Context, until: float, search: PhaseFunction) -> None:
    inc = ctx.incumbent
    if until - time.monotonic() < MIN_SECONDS:
        return
    answered, stop_engine = threading.Event(), threading.Event()
    bounds: list[int] = []  # proven by the engine's thread; the incumbent is this thread's
    results: list[EngineResult] = []
    clock_stop = ctx.clock.should_stop

    def engine() -> None:
        try:
            results.append(
                run_engine(
                    ctx.problem,
                    {r: ctx.problem.requests[r].slots for r in ctx.schedulable},
                    configs=(BESIDE,),
                    until=until,
                    should_stop=lambda: stop_engine.is_set() or clock_stop(),
                    on_bound=bounds.append,
                )
            )
        finally:
            answered.set()

    thread = threading.Thread(target=engine, name="maxsat", daemon=True)
    thread.start()
    params = ctx.params
    ctx.clock.should_stop = lambda: answered.is_set() or clock_stop()
    ctx.params = dataclasses.replace(params, workers=params.workers - 1)
    try:
        search(ctx, until)
    finally:
        ctx.clock.should_stop, ctx.params = clock_stop, params
        stop_engine.set()
        thread.join()
    if bounds:
        inc.raise_breaks_bound(max(bounds))
    if results:
        _settle(ctx, results[0], forced=True)


def time_selection(ctx: Context, until: float) -> None:
    """The incumbent's meetings (at the proven weight) timed with the fewest breaks they
    allow; a bound for them only, so it proves nothing about other selections."""
    inc = ctx.incumbent
    if inc.weight_proven and inc.feasible() and not selection_forced(ctx):
        held = [r for r in ctx.schedulable if inc.slot_of[r] != UNSCHEDULED]
        _minimise(ctx, until, held, forced=False)


def _minimise(ctx: Context, until: float, requests: list[int], *, forced: bool) -> None:
    inc = ctx.incumbent
    if until - time.monotonic() < MIN_SECONDS:
        return

    def on_bound(bound: int) -> None:
        # With the meetings forced, every valid schedule has the best weight.
        if forced:
            inc.raise_breaks_bound(bound)
            inc.report(Phase.BREAKS_BOUND)

    result = run_engine(
        ctx.problem,
        {r: ctx.problem.requests[r].slots for r in requests},
        configs=configs(ctx),
        until=until,
        should_stop=ctx.clock.should_stop,
        on_bound=on_bound,
    )
    _settle(ctx, result, forced=forced)


def _settle(ctx: Context, result: EngineResult, *, forced: bool) -> None:
    """Take the engine's answer: its schedule and what it proves."""
    inc = ctx.incumbent
    if result.outcome is Outcome.OPTIMAL:
        slot_of = merge(empty(ctx.problem), result.slots)
        check_slots(ctx.problem, slot_of)
        inc.offer(slot_of, Phase.EXACT_BREAKS, quiet=True)
        if forced:
            inc.prove_weight()  # every schedulable request is held: nothing weighs more
            assert result.cost is not None
            inc.raise_breaks_bound(result.cost)
        inc.report(Phase.EXACT_BREAKS)
    elif result.outcome is Outcome.INFEASIBLE and forced:
        _refuted(ctx, result)


def feasible(ctx: Context, until: float) -> None:
    """Any schedule holding every required meeting within max_breaks, or the proof that
    none exists (status infeasible, with the rules in conflict)."""
    if until - time.monotonic() < MIN_SECONDS:
        return
    p = ctx.problem
    result = run_engine(
        p,
        {r: p.requests[r].slots for r in ctx.schedulable},
        optional=[r for r in ctx.schedulable if not p.requests[r].required],
        mode="feasible",
        configs=configs(ctx),
        until=until,
        should_stop=ctx.clock.should_stop,
    )
    if result.outcome is Outcome.FEASIBLE:
        slot_of = merge(empty(p), result.slots)
        check_slots(p, slot_of)
        ctx.incumbent.offer(slot_of, Phase.REPAIR)
    elif result.outcome is Outcome.INFEASIBLE:
        _refuted(ctx, result)


def _refuted(ctx: Context, result: EngineResult) -> None:
    why = describe(ctx.problem, result.conflict)
    give_up_required(ctx, f"no schedule holds every required meeting within max_breaks: {why}")
