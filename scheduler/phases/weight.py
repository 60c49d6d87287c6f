"""Weight: prove the best total weight (trivially when every request is required)."""

from __future__ import annotations

import math
import time

from scheduler.assignment import empty, evaluate, merge
from scheduler.cpsat import found, run_model
from scheduler.incumbent import Phase
from scheduler.model import ScheduleModel
from scheduler.phases.context import Context


def prove_if_fixed(ctx: Context, until: float) -> None:
    """Every schedulable request is required and held: no schedule weighs more."""
    if ctx.all_required and ctx.incumbent.feasible():
        ctx.incumbent.prove_weight()


def full_model(ctx: Context, until: float) -> None:
    """The full model without break variables, warm-started: proves the best weight on
    events small enough to solve whole."""
    inc = ctx.incumbent
    model = ScheduleModel(ctx.problem, ctx.schedulable, empty(ctx.problem), with_breaks=False)
    model.model.maximize(model.weight_expr)
    model.hint(inc.slot_of)
    status, solver = run_model(ctx, model, until - time.monotonic())
    if not found(status):
        return
    bound = math.floor(solver.best_objective_bound + 1e-6)
    candidate = merge(empty(ctx.problem), model.extract(solver))
    if evaluate(ctx.problem, candidate).weight > inc.score.weight:
        inc.offer(candidate, Phase.WEIGHT)
    inc.tighten_weight_bound(bound)
    inc.report(Phase.WEIGHT)
