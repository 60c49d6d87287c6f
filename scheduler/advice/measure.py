"""Solving an event for its weight, and carrying schedules between an event and a changed one.

Advice compares weights, so a solve stops as soon as its weight is proven optimal (the
breaks do not change what a change buys). Schedules travel between the event and a changed
event by request id and slot start, because a longer session renumbers the slots.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from scheduler.assignment import UNSCHEDULED, evaluate, meets_required_and_max_breaks
from scheduler.domain import Event, Schedule
from scheduler.greedy import Occupancy
from scheduler.incumbent import Progress
from scheduler.phases.context import SolveParams, StopCallback
from scheduler.problem import Problem
from scheduler.solve import solve

# A schedule as the start of each held request's slot, by request id.
Placed = Mapping[str, datetime]


@dataclass(frozen=True, slots=True, kw_only=True)
class Held:
    """A schedule valid for one event, by request id and slot start, with its score."""

    placed: Placed
    weight: int
    meetings: int


def solve_for_weight(
    event: Event,
    params: SolveParams,
    should_stop: StopCallback,
) -> Schedule:
    """The solver's schedule, stopped once its weight is proven (or at the time limit).

    Not started from the event's schedule: a start schedule lengthens these solves
    (measured: 10 s instead of 5 s on the 270-participant sample with a longer session),
    and a changed event is then solved exactly as `ketnoi solve` would solve it."""
    proven = [False]

    def on_progress(p: Progress) -> None:
        if p.weight_bound is not None and p.weight >= p.weight_bound:
            proven[0] = True

    return solve(
        event, params, on_progress=on_progress, should_stop=lambda: proven[0] or should_stop()
    )


def placed_of(event: Event, schedule: Schedule) -> dict[str, datetime]:
    return {m.request_id: event.slots[m.slot_idx].start for m in schedule.meetings}


def project(problem: Problem, placed: Placed) -> Held | None:
    """A schedule of `problem`'s event made of as many meetings of `placed` as fit it.

    Meetings are kept required first, then heaviest first, while every rule of the event
    holds (a slot the event has, a participant free and below max_meetings, a pooled
    table and the resources free, `after` orders); None when what remains misses a
    required meeting or breaks max_breaks.
    """
    slot = problem.event.slot_by_start()
    index = {r.id: r.idx for r in problem.requests}
    occupancy = Occupancy(problem)
    order = sorted(
        (index[rid], slot[start].idx)
        for rid, start in placed.items()
        if rid in index and start in slot
    )
    order.sort(
        key=lambda rs: (not problem.requests[rs[0]].required, -problem.requests[rs[0]].weight)
    )
    for r, s in order:
        if s in problem.requests[r].slots and occupancy.can_place(r, s):
            occupancy.place(r, s)
    slot_of = occupancy.slot_of
    if not meets_required_and_max_breaks(problem, slot_of):
        return None
    return held_of(problem, slot_of)


def held_of(problem: Problem, slot_of: list[int]) -> Held:
    slots = problem.event.slots
    placed = {
        req.id: slots[slot_of[req.idx]].start
        for req in problem.requests
        if slot_of[req.idx] != UNSCHEDULED
    }
    return Held(
        placed=placed,
        weight=evaluate(problem, slot_of).weight,
        meetings=len(placed),
    )


def slot_of(problem: Problem, placed: Placed) -> list[int]:
    """The slot per request of a schedule of this very event."""
    slot = problem.event.slot_by_start()
    index = {r.id: r.idx for r in problem.requests}
    out = [UNSCHEDULED] * len(problem.requests)
    for rid, start in placed.items():
        out[index[rid]] = slot[start].idx
    return out
