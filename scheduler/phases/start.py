"""Start: the packing greedy, or a previous schedule while it is still valid."""

from __future__ import annotations

from scheduler.domain import Schedule
from scheduler.greedy import Occupancy, packing_greedy
from scheduler.incumbent import Phase
from scheduler.phases.context import Context
from scheduler.problem import Problem


def run(ctx: Context, until: float) -> None:
    """Offer the first complete schedule (it may still miss required meetings: see repair)."""
    previous = ctx.previous
    start = previous if previous is not None and ctx.incumbent.feasible(previous) else None
    if start is None:
        start = packing_greedy(ctx.problem)
    ctx.incumbent.offer(start, Phase.START)


def previous_slots(problem: Problem, previous: Schedule | None) -> list[int] | None:
    """The previous schedule's meetings that still fit the event, in time order.

    The event may have changed since (a new unavailability, a dropped request): a meeting
    that no longer fits is left out rather than trusted.
    """
    if previous is None:
        return None
    index = {r.id: r.idx for r in problem.requests}
    occupancy = Occupancy(problem)
    for meeting in sorted(previous.meetings, key=lambda m: m.slot_idx):
        r = index.get(meeting.request_id)
        s = meeting.slot_idx
        if r is not None and s in problem.requests[r].slots and occupancy.can_place(r, s):
            occupancy.place(r, s)
    return occupancy.slot_of
