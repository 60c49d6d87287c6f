"""Bound: the LP relaxation caps the total weight, or proves the required meetings impossible."""

from __future__ import annotations

from scheduler.bounds import weight_upper_bound
from scheduler.phases.context import Context
from scheduler.phases.infeasible import give_up_required


def run(ctx: Context, until: float) -> None:
    """Set the incumbent's weight bound; end the search when a required meeting cannot be held."""
    problem = ctx.problem
    if any(r.required and not r.slots for r in problem.requests):
        give_up_required(ctx, "a required meeting has no possible slot")
        return
    bound = weight_upper_bound(problem)
    if not bound.feasible:
        give_up_required(ctx, "the required meetings cannot all be held")
        return
    ctx.incumbent.weight_bound = bound.value
