"""Ending the search when the required meetings cannot all be held, or no time is left."""

from __future__ import annotations

from dataclasses import replace

from scheduler.domain import SolveStatus
from scheduler.greedy import packing_greedy
from scheduler.phases.context import Context


def give_up_required(ctx: Context, why: str) -> None:
    """Infeasible event: say why, and keep the best schedule that drops required meetings."""
    inc = ctx.incumbent
    inc.verdict = SolveStatus.INFEASIBLE
    inc.message = why
    relaxed = replace(ctx.problem, max_breaks=None)
    inc.replace(packing_greedy(relaxed))


def give_up_unknown(ctx: Context) -> None:
    """No schedule holding every required meeting found in time, and no proof there is none."""
    ctx.incumbent.verdict = SolveStatus.UNKNOWN
    ctx.incumbent.message = "no schedule holding every required meeting was found in the time limit"
