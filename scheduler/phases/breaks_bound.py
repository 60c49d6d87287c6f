"""Breaks bound: each participant's fewest breaks alone, given the proven weight, summed."""

from __future__ import annotations

from scheduler.bounds import weight_dual
from scheduler.incumbent import Phase
from scheduler.participant_bound import participant_bounds
from scheduler.phases.context import Context


def run(ctx: Context, until: float) -> None:
    """Raise the proven lower bound on breaks (schedules of the proven weight) by the sum of
    per-participant bounds (scheduler/participant_bound.py)."""
    inc = ctx.incumbent
    if not inc.weight_proven or inc.breaks_proven or ctx.clock.stopped():
        return
    dual = weight_dual(ctx.problem)
    if dual is None:
        return
    bounds = participant_bounds(
        ctx.problem, dual, inc.score.weight, inc.slot_of, until=until, stopped=ctx.clock.stopped
    )
    inc.raise_breaks_bound(sum(bounds.values()))
    inc.report(Phase.BREAKS_BOUND)
