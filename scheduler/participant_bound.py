"""A proven lower bound on breaks: each participant's fewest breaks on their own, summed.

Total breaks are a sum over participants, so the sum of lower bounds per participant bounds
them. Alone, a participant could always meet nobody; what forbids it is the weight. The
slot-class LP's dual (`bounds.weight_dual`) says how much any schedule of weight W can
deviate from the LP's choice: the deviations each cost their reduced weight or price, and
together they cost at most `bound - W` (below one, since the weight is at the LP bound when
proven this way). Restricted to one participant's requests and rows, those costs give a
knapsack that a small CP-SAT model over that participant's day alone respects: it forces
the meetings the weight needs, in the slots the weight needs them, and the model finds the
fewest breaks that leaves. A participant whose meetings and availability force a gap (a
must-see meeting before an unavailable hour and one after it) shows here.

Valid for every schedule of weight at least W: each such schedule, seen from one
participant, is a solution of that participant's model.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.assignment import breaks_of, busy_slots
from scheduler.bounds import WeightDual
from scheduler.problem import Problem

# Costs are floats; the model scales them to integers, rounding every cost down and the
# allowance up, so that rounding can only weaken the bound.
SCALE = 100_000
MARGIN = 1e-6
# Seconds for one participant's model (they have at most a day's requests; most take ms).
PARTICIPANT_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class _Cost:
    """`coefficient * (constant + sign * x)` >= 0, x the meetings held in `cells`."""

    coefficient: int
    constant: int
    sign: int
    cells: tuple[tuple[int, int], ...]  # (request, slot)


def participant_bounds(
    problem: Problem,
    dual: WeightDual,
    weight: int,
    slot_of: Sequence[int],
    *,
    until: float,
    stopped: Callable[[], bool] = lambda: False,
) -> dict[int, int]:
    """A lower bound on the breaks of each participant, in every schedule weighing at
    least `weight`; `slot_of` is such a schedule (it bounds each model from above, and a
    participant without breaks in it needs no model). Participants left out have bound 0."""
    allowance = math.floor(SCALE * (max(0.0, dual.bound - weight) + MARGIN))
    if dual.bound - weight < -MARGIN:
        return {}
    costs = _costs_by_participant(problem, dual)
    busy = busy_slots(problem, slot_of)
    out: dict[int, int] = {}
    candidates = [who for who in range(problem.n_participants) if breaks_of(problem, busy[who])]
    for who in sorted(candidates, key=lambda w: -breaks_of(problem, busy[w])):
        if stopped() or time.monotonic() >= until:
            break
        seconds = min(PARTICIPANT_SECONDS, until - time.monotonic())
        bound = _participant_minimum(problem, who, costs[who], allowance, slot_of, seconds)
        if bound > 0:
            out[who] = bound
    return out


def _costs_by_participant(problem: Problem, dual: WeightDual) -> dict[int, list[_Cost]]:
    """The dual's deviation costs that involve one participant's requests only."""
    class_slots = [set(group) for group in dual.classes]

    def cells(r: int, c: int) -> tuple[tuple[int, int], ...]:
        return tuple((r, s) for s in problem.requests[r].slots if s in class_slots[c])

    out: dict[int, list[_Cost]] = defaultdict(list)
    for (r, c), d in zip(dual.columns, dual.reduced, strict=True):
        coefficient = math.floor(SCALE * abs(d))
        if coefficient <= 0:
            continue
        req = problem.requests[r]
        # d > 0: leaving the column out costs d; d < 0: taking it costs |d|.
        cost = (
            _Cost(coefficient, 1, -1, cells(r, c))
            if d > 0
            else _Cost(coefficient, 0, 1, cells(r, c))
        )
        out[req.a].append(cost)
        out[req.b].append(cost)
    for row in dual.rows:
        coefficient = math.floor(SCALE * row.price)
        if row.kind == "required" or coefficient <= 0:
            continue
        if row.kind == "request":
            r = row.key[0]
            req = problem.requests[r]
            every = tuple((r, s) for s in req.slots)
            out[req.a].append(_Cost(coefficient, 1, -1, every))
            out[req.b].append(_Cost(coefficient, 1, -1, every))
        elif row.kind == "participant-class":
            who, c = row.key
            group = tuple(
                (r, s)
                for r in problem.requests_of[who]
                for s in problem.requests[r].slots
                if s in class_slots[c]
            )
            out[who].append(_Cost(coefficient, row.limit, -1, group))
        elif row.kind == "participant":
            who = row.key[0]
            group = tuple(
                (r, s) for r in problem.requests_of[who] for s in problem.requests[r].slots
            )
            out[who].append(_Cost(coefficient, row.limit, -1, group))
        # Pool and resource rows span many participants: leaving them out is still valid.
    return out


def _participant_minimum(
    problem: Problem,
    who: int,
    costs: list[_Cost],
    allowance: int,
    slot_of: Sequence[int],
    seconds: float,
) -> int:
    """The fewest breaks `who` can have with the costs within the allowance (a lower bound
    on it when the model is not solved to optimality in time)."""
    m = cp_model.CpModel()
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    per_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for r in problem.requests_of[who]:
        req = problem.requests[r]
        if not req.slots:
            continue
        mine = []
        for s in req.slots:
            v = m.new_bool_var(f"y_{r}_{s}")
            y[r, s] = v
            per_slot[s].append(v)
            mine.append(v)
            m.add_hint(v, slot_of[r] == s)
        if req.required:
            m.add_exactly_one(mine)
        else:
            m.add_at_most_one(mine)
    for literals in per_slot.values():
        m.add_at_most_one(literals)
    m.add(sum(y.values()) <= problem.max_meetings[who])
    spent = []
    for cost in costs:
        x = sum(y[cell] for cell in cost.cells if cell in y)
        spent.append(cost.coefficient * (cost.constant + cost.sign * x))
    m.add(sum(spent) <= allowance)
    breaks = []
    for day in problem.day_slots:
        busy = [sum(per_slot[s]) if per_slot.get(s) else 0 for s in day]
        starts = []
        for i, here in enumerate(busy):
            if isinstance(here, int):
                continue
            start = m.new_bool_var("")
            previous = busy[i - 1] if i > 0 else 0
            m.add(start >= here - previous)
            starts.append(start)
        if len(starts) > 1:
            day_breaks = m.new_int_var(0, len(starts), "")
            m.add(day_breaks >= sum(starts) - 1)
            breaks.append(day_breaks)
    if not breaks:
        return 0
    m.minimize(sum(breaks))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = 1
    status = solver.solve(m)
    best: float = solver.objective_value
    lowest: float = solver.best_objective_bound
    if status == cp_model.OPTIMAL:
        return round(best)
    if status == cp_model.INFEASIBLE:
        # Cannot happen for the participant of a schedule of that weight; claim nothing.
        return 0
    return max(0, math.ceil(lowest - 1e-6))
