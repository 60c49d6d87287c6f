"""Local search on breaks: Kempe-chain moves that never change which meetings are held."""

from __future__ import annotations

from scheduler.compact import compact
from scheduler.incumbent import Phase
from scheduler.phases.context import Context

# Probability of taking a move that keeps the breaks equal in the plateau walk (measured on
# the 270-participant sample from the greedy, 15 s: 0.05 -> 39 breaks, 0.3 -> 23, 0.6 -> 22).
PLATEAU_SIDEWAYS = 0.5


def descent(ctx: Context, until: float) -> None:
    """A quick descent: only moves that lower the breaks, until none is left."""
    _walk(ctx, until, plateau=False)


def plateau_walk(ctx: Context, until: float) -> None:
    """A walk that also takes moves keeping the breaks equal, until `until`."""
    _walk(ctx, until, plateau=True)


def _walk(ctx: Context, until: float, *, plateau: bool) -> None:
    if ctx.clock.stopped():
        return
    walked = compact(
        ctx.problem,
        ctx.incumbent.slot_of,
        seed=ctx.rng.randrange(1 << 30),
        until=min(until, ctx.clock.deadline),
        sideways=PLATEAU_SIDEWAYS if plateau else 0.0,
        plateau=plateau,
    )
    ctx.incumbent.offer(walked, Phase.LOCAL_SEARCH)
