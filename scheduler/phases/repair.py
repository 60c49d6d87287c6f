"""Repair: a full CP-SAT feasibility solve when the start misses a required meeting or
breaks max_breaks; it finds a valid schedule, or proves there is none."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from scheduler.assignment import empty, merge
from scheduler.cpsat import found, run_model
from scheduler.incumbent import Phase
from scheduler.model import ScheduleModel
from scheduler.phases.context import Context
from scheduler.phases.infeasible import give_up_required, give_up_unknown


def run(ctx: Context, until: float) -> None:
    inc = ctx.incumbent
    if inc.feasible():
        return  # an earlier repair step found one
    model = ScheduleModel(ctx.problem, ctx.schedulable, empty(ctx.problem), with_breaks=False)
    model.model.maximize(model.weight_expr)
    model.hint(inc.slot_of)
    status, solver = run_model(ctx, model, until - time.monotonic())
    if found(status):
        inc.replace(merge(empty(ctx.problem), model.extract(solver)))
        if status == cp_model.OPTIMAL:
            inc.prove_weight()
        inc.report(Phase.REPAIR)
    elif status == cp_model.INFEASIBLE:
        give_up_required(ctx, "no schedule satisfies every required meeting and max_breaks")
    else:
        give_up_unknown(ctx)
