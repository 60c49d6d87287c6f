"""Neighbourhoods: free the meetings of a few participants' days or of a few slots and
re-solve that part exactly with CP-SAT, alternating with the local search's plateau walk."""

from __future__ import annotations

import time

from ortools.sat.python import cp_model

from scheduler.assignment import UNSCHEDULED, breaks_of, busy_slots, merge
from scheduler.cpsat import found, new_solver
from scheduler.incumbent import Phase
from scheduler.model import ObjectiveWeights, ScheduleModel
from scheduler.phases import local_search
from scheduler.phases.context import Context

# Time limit of one neighbourhood re-solve: many quick steps beat few long ones (measured).
STEP_SECONDS = 0.3
# Neighbourhood size (requests freed): start, smallest, largest; grown after a re-solve
# proven optimal, shrunk after one cut short.
SIZE_START, SIZE_MIN, SIZE_MAX = 30.0, 12.0, 400.0


def improve(ctx: Context, until: float) -> None:
    """Alternate the Kempe-chain plateau walk (breaks) with CP-SAT neighbourhoods (all)."""
    round_seconds = min(10.0, max(2.0, 0.1 * ctx.params.time_limit))
    while not ctx.finished() and time.monotonic() < until - 0.1:
        # Once the weight is proven, neighbourhoods only serve breaks and idle people,
        # which the walk does faster.
        walk = 0.95 if ctx.incumbent.weight_proven else 0.6
        left = until - time.monotonic()
        local_search.plateau_walk(ctx, time.monotonic() + min(left, walk * round_seconds))
        search(ctx, min(until, time.monotonic() + (1 - walk) * round_seconds))


def search(ctx: Context, until: float) -> None:
    """Large-neighbourhood search: re-solve neighbourhoods, keep each result no worse."""
    inc = ctx.incumbent
    size = SIZE_START
    since_report = time.monotonic()
    while time.monotonic() < until - 0.05 and not ctx.finished():
        free = neighbourhood(ctx, int(size))
        if not free:
            break
        model = ScheduleModel(ctx.problem, free, inc.slot_of)
        model.set_lexicographic_objective(
            ObjectiveWeights.lexicographic(ctx.problem, len(model.touched))
        )
        model.hint(inc.slot_of)
        seconds = min(STEP_SECONDS, until - time.monotonic())
        solver = new_solver(seconds, 1, ctx.rng.randrange(1 << 30))
        status = solver.solve(model.model)
        if found(status):
            quiet = time.monotonic() - since_report < 1.0
            inc.offer(merge(inc.slot_of, model.extract(solver)), Phase.NEIGHBOURHOODS, quiet=quiet)
            if not quiet:
                since_report = time.monotonic()
        size = (
            min(SIZE_MAX, size * 1.08) if status == cp_model.OPTIMAL else max(SIZE_MIN, size * 0.85)
        )


def neighbourhood(ctx: Context, size: int) -> list[int]:
    """Requests to re-solve: around a participant with breaks, or a few slots of a day."""
    p = ctx.problem
    rng = ctx.rng
    if rng.random() < 0.6:
        return participant_neighbourhood(ctx, size)
    day = p.day_slots[rng.randrange(len(p.day_slots))]
    if not day:
        return []
    width = rng.randint(2, min(6, len(day)))
    if rng.random() < 0.5:
        first = rng.randrange(len(day) - width + 1)
        chosen = set(day[first : first + width])
    else:
        chosen = set(rng.sample(day, width))
    best = ctx.incumbent.slot_of
    in_slots = [r for r in ctx.schedulable if best[r] in chosen]
    rng.shuffle(in_slots)
    return sorted(in_slots[:size])


def participant_neighbourhood(ctx: Context, size: int) -> list[int]:
    """A participant with breaks or unscheduled requests, their partners, theirs, ..."""
    p = ctx.problem
    rng = ctx.rng
    best = ctx.incumbent.slot_of
    busy = busy_slots(p, best)
    troubled = [
        who
        for who in range(p.n_participants)
        if breaks_of(p, busy[who]) > 0
        or any(best[r] == UNSCHEDULED and p.requests[r].slots for r in p.requests_of[who])
    ]
    pool = troubled if troubled and rng.random() < 0.8 else range(p.n_participants)
    seed = rng.choice(list(pool))
    chosen: set[int] = set()
    frontier = [seed]
    seen = {seed}
    while frontier and len(chosen) < size:
        who = frontier.pop(rng.randrange(len(frontier)))
        mine = [r for r in p.requests_of[who] if p.requests[r].slots]
        chosen.update(mine)
        for r in mine:
            partner = p.requests[r].b if p.requests[r].a == who else p.requests[r].a
            if partner not in seen and best[r] != UNSCHEDULED:
                seen.add(partner)
                frontier.append(partner)
    return sorted(chosen)
