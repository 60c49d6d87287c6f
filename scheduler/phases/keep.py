"""Keep: which published meetings stay at their slots.

Every published meeting that still fits stays, unless those that fit are too many together
(a table or an interpreter fewer, a lower max_meetings, a new `after`); then a small CP-SAT
model over the fitting meetings alone keeps as many as possible at their slot and table,
then as many as possible at their slot, then the heaviest. No schedule can keep more (its
kept meetings are such a set), so the choice is proven as soon as the rest of the event
can be scheduled around it.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.assignment import UNSCHEDULED
from scheduler.cpsat import new_solver
from scheduler.greedy import Occupancy
from scheduler.incumbent import Phase
from scheduler.phases.context import Context
from scheduler.phases.resolving import resolving


def run(ctx: Context, until: float) -> None:
    """Set `ctx.stay` (and whether it is proven the most that can stay)."""
    rc = resolving(ctx)
    b = rc.baseline
    p = ctx.problem
    inc = rc.resolve_incumbent
    # Table-keeping meetings first, then the heavier: the order the model would prefer.
    order = sorted(b.fits, key=lambda r: (r not in b.table_suits, -p.requests[r].weight, r))
    occupancy = Occupancy(p)
    for r in order:
        if occupancy.can_place(r, b.slot[r]):
            occupancy.place(r, b.slot[r])
    rc.stay = occupancy.slot_of
    if all(rc.stay[r] == b.slot[r] for r in b.fits):
        inc.keep_proven = True  # every meeting that fits stays
    else:
        _choose(rc.stay, ctx, until)
    inc.offer(rc.stay, Phase.KEEP)


def _choose(stay: list[int], ctx: Context, until: float) -> None:
    """Too many fit together: the most that can stay, by CP-SAT (stay is the greedy's)."""
    rc = resolving(ctx)
    b = rc.baseline
    p = ctx.problem
    model = cp_model.CpModel()
    keep = {r: model.new_bool_var(f"keep_{p.requests[r].id}") for r in sorted(b.fits)}
    per_participant_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    per_participant: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    per_pool: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    per_resource: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for r, v in keep.items():
        req = p.requests[r]
        s = b.slot[r]
        for who in (req.a, req.b):
            per_participant_slot[who, s].append(v)
            per_participant[who].append(v)
        if req.pooled:
            per_pool[s].append(v)
        for k in req.resources:
            per_resource[k, s].append(v)
        for e in req.after:
            if e in keep and b.slot[e] >= s:
                model.add_bool_or([v.negated(), keep[e].negated()])
    for literals in per_participant_slot.values():
        model.add_at_most_one(literals)
    for who, literals in per_participant.items():
        if len(literals) > p.max_meetings[who]:
            model.add(sum(literals) <= p.max_meetings[who])
    for literals in per_pool.values():
        if len(literals) > p.pooled_tables:
            model.add(sum(literals) <= p.pooled_tables)
    for (k, _), literals in per_resource.items():
        if len(literals) > p.resource_capacity[k]:
            model.add(sum(literals) <= p.resource_capacity[k])
    heaviest = sum(p.requests[r].weight for r in keep) + 1
    at_slot = heaviest  # one more at its slot outweighs any weight
    kept = at_slot * (len(keep) + 1)  # one more at its table too outweighs both
    model.maximize(
        sum(
            ((kept if r in b.table_suits else 0) + at_slot + p.requests[r].weight) * v
            for r, v in keep.items()
        )
    )
    for r, v in keep.items():
        model.add_hint(v, stay[r] != UNSCHEDULED)
    solver = new_solver(until - time.monotonic(), ctx.params.workers, ctx.params.seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return  # the greedy's choice stands, unproven
    for r, v in keep.items():
        stay[r] = b.slot[r] if solver.boolean_value(v) else UNSCHEDULED
    rc.resolve_incumbent.keep_proven = status == cp_model.OPTIMAL
