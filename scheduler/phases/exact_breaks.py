"""Exact breaks with CP-SAT: the full lexicographic model, and "at most K breaks" probes
that raise the proven lower bound on breaks K = 0, 1, ... until one is met."""

from __future__ import annotations

import math
import time

from ortools.sat.python import cp_model

from scheduler.assignment import UNSCHEDULED, empty, merge
from scheduler.cpsat import found, run_model
from scheduler.incumbent import Phase
from scheduler.model import ObjectiveWeights, ScheduleModel
from scheduler.phases.context import Context

# Time for refuting one "at most K breaks" before the probe moves on to finding a schedule.
PROBE_REFUTE_SECONDS = 2.0


def full_lexicographic(ctx: Context, until: float) -> None:
    """Full model with breaks; with the weight proven, its bound bounds the breaks."""
    if ctx.finished() or until - time.monotonic() < 0.2:
        return
    p = ctx.problem
    inc = ctx.incumbent
    model = ScheduleModel(
        p,
        ctx.schedulable,
        empty(p),
        min_weight=inc.score.weight if inc.weight_proven else None,
    )
    idle_scale = p.n_participants + 1
    if inc.weight_proven:
        model.model.minimize(idle_scale * model.breaks_expr() + sum(model.idle_terms))
    else:
        model.set_lexicographic_objective(ObjectiveWeights.lexicographic(p, p.n_participants))
    model.hint(inc.slot_of)
    callback = _ImprovementCallback(ctx, model)
    status, solver = run_model(ctx, model, until - time.monotonic(), callback=callback)
    if not found(status):
        return
    inc.offer(merge(empty(p), model.extract(solver)), Phase.EXACT_BREAKS)
    if inc.weight_proven:
        inc.raise_breaks_bound(math.ceil(solver.best_objective_bound - 1e-6) // idle_scale)
        if status == cp_model.OPTIMAL:
            inc.prove_breaks()
    inc.report(Phase.EXACT_BREAKS)


def probe_breaks(ctx: Context, until: float) -> None:
    """Raise the breaks lower bound by proving "at most K breaks" infeasible, K = 0, 1, ...

    With the total capped, most participant-days are forced into one compact window and
    CP-SAT propagates far better than when minimising. Refuting a K takes about a second
    on the JAIR instances, so each K first gets a short probe; the first K that resists
    gets the rest of the budget to find a schedule with at most K breaks, which is then
    optimal.
    """
    inc = ctx.incumbent
    if not inc.weight_proven:
        return
    k = inc.breaks_bound or 0
    resisting: int | None = None
    while k < inc.score.breaks and not ctx.finished():
        left = until - time.monotonic()
        seconds = left if resisting == k else min(PROBE_REFUTE_SECONDS, left)
        if seconds < 0.2:
            return
        status, schedule = _probe(ctx, k, seconds)
        if status == cp_model.INFEASIBLE:
            k += 1
            inc.raise_breaks_bound(k)
            inc.report(Phase.BREAKS_BOUND)
        elif schedule is not None:
            inc.offer(schedule, Phase.EXACT_BREAKS)
            if inc.score.breaks <= k:
                inc.prove_breaks()
            return
        elif resisting == k:
            return
        else:
            resisting = k


def _probe(ctx: Context, k: int, seconds: float) -> tuple[int, list[int] | None]:
    p = ctx.problem
    model = ScheduleModel(p, ctx.schedulable, empty(p), min_weight=ctx.incumbent.score.weight)
    model.model.add(model.breaks_expr() <= k)
    # No hint: measured, a hint with many breaks slows the search down (ticf-14crafa,
    # "at most 0": found in 15 s without it, not in 25 s with it).
    status, solver = run_model(ctx, model, seconds, probe=True)
    if found(status):
        return status, merge(empty(p), model.extract(solver))
    return status, None


class _ImprovementCallback(cp_model.CpSolverSolutionCallback):  # type: ignore[misc]
    """Offers each improving solution of a full solve to the incumbent (progress)."""

    def __init__(self, ctx: Context, model: ScheduleModel) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = model

    def on_solution_callback(self) -> None:
        if self.ctx.clock.should_stop():
            self.stop_search()
            return
        slot_of = [UNSCHEDULED] * len(self.ctx.problem.requests)
        for (r, s), v in self.model.x.items():
            if self.boolean_value(v):
                slot_of[r] = s
        self.ctx.incumbent.offer(slot_of, Phase.EXACT_BREAKS)
