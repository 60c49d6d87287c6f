"""Proven bounds: the time-indexed LP relaxation of the weight objective.

Slots that every request sees alike (same candidate requests, same capacities) are
interchangeable in the LP, so the relaxation is solved over classes of such slots: the
same optimum as the slot-by-slot LP with far fewer columns.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from scheduler.problem import Problem

LP_TOLERANCE = 1e-6

# Kinds of capacity rows of the slot-class model, as keys of `ClassModel.caps`:
# (MEETINGS, participant, class), (MAX_MEETINGS, participant, -1), (TABLES, -1, class),
# (RESOURCE, resource, class).
MEETINGS, MAX_MEETINGS, TABLES, RESOURCE = "meetings", "max_meetings", "tables", "resource"
Cap = tuple[str, int, int]


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightBound:
    value: int | None  # None when the LP could not be solved
    lp_value: float | None
    feasible: bool  # False: the LP proves the required meetings cannot all be held
    slot_classes: int


def slot_classes(problem: Problem) -> list[list[int]]:
    """Groups of slots with identical candidate requests."""
    users: dict[int, list[int]] = defaultdict(list)
    for req in problem.requests:
        for s in req.slots:
            users[s].append(req.idx)
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for s in range(problem.n_slots):
        if users[s]:
            groups[tuple(users[s])].append(s)
    return sorted(groups.values())


@dataclass(frozen=True, slots=True)
class ClassRow:
    """One row of the slot-class model, kept so that its dual can be read: "at most
    limit", or "exactly 1" for a required request; every coefficient is 1."""

    kind: str  # "required", "request", "participant-class", "participant", "pool", "resource"
    key: tuple[int, ...]  # (request,), (participant, class), (participant,), (class,), (k, c)
    constraint: pywraplp.Constraint
    limit: int
    columns: tuple[int, ...]  # indices into the model's `choice`


@dataclass(slots=True)
class ClassModel:
    """The slot-class relaxation on a pywraplp solver: continuous (LP) or integer (MIP).

    Each request picks at most one class of interchangeable slots (exactly one if
    required); per class a participant holds at most as many meetings as the class has
    slots, tables and resources at most their capacity times that. Every schedule maps
    to such a choice (`after` dropped), so the optimum caps the weight of any schedule.
    """

    solver: pywraplp.Solver
    classes: list[list[int]]
    choice: list[tuple[int, int, pywraplp.Variable]]  # (request, class, variable)
    feasible: bool  # False: a required request has no slot at all
    # The capacity rows that can bind (a row with fewer variables than its limit is left
    # out), so that a caller may raise a limit and solve again (scheduler/advice).
    caps: dict[Cap, pywraplp.Constraint]
    rows: list[ClassRow]

    @classmethod
    def build(cls, problem: Problem, solver: pywraplp.Solver, *, integer: bool) -> ClassModel:
        classes = slot_classes(problem)
        class_of = {s: c for c, group in enumerate(classes) for s in group}
        size = [len(group) for group in classes]
        per_participant_class: dict[tuple[int, int], list[pywraplp.Variable]] = defaultdict(list)
        per_participant: dict[int, list[pywraplp.Variable]] = defaultdict(list)
        per_pool_class: dict[int, list[pywraplp.Variable]] = defaultdict(list)
        per_resource_class: dict[tuple[int, int], list[pywraplp.Variable]] = defaultdict(list)
        choice: list[tuple[int, int, pywraplp.Variable]] = []
        objective = solver.Objective()
        feasible = True
        rows: list[ClassRow] = []
        for req in problem.requests:
            chosen = []
            for c in sorted({class_of[s] for s in req.slots}):
                v = solver.BoolVar("") if integer else solver.NumVar(0.0, 1.0, "")
                chosen.append(v)
                choice.append((req.idx, c, v))
                objective.SetCoefficient(v, req.weight)
                for who in (req.a, req.b):
                    per_participant_class[who, c].append(v)
                    per_participant[who].append(v)
                if req.pooled:
                    per_pool_class[c].append(v)
                for k in req.resources:
                    per_resource_class[k, c].append(v)
            if not chosen:
                feasible = feasible and not req.required
                continue
            held = solver.Sum(chosen)
            row = solver.Add(held == 1) if req.required else solver.Add(held <= 1)
            kind = "required" if req.required else "request"
            rows.append(ClassRow(kind, (req.idx,), row, 1, tuple(v.index() for v in chosen)))

        caps: dict[Cap, pywraplp.Constraint] = {}

        def cap(
            kind: str,
            key: tuple[int, ...],
            cap_key: Cap,
            variables: list[pywraplp.Variable],
            limit: int,
        ) -> None:
            if len(variables) > limit:
                row = solver.Add(solver.Sum(variables) <= limit)
                caps[cap_key] = row
                rows.append(ClassRow(kind, key, row, limit, tuple(v.index() for v in variables)))

        for (who, c), variables in per_participant_class.items():
            cap("participant-class", (who, c), (MEETINGS, who, c), variables, size[c])
        for who, variables in per_participant.items():
            limit = problem.max_meetings[who]
            cap("participant", (who,), (MAX_MEETINGS, who, -1), variables, limit)
        for c, variables in per_pool_class.items():
            cap("pool", (c,), (TABLES, -1, c), variables, size[c] * problem.pooled_tables)
        for (k, c), variables in per_resource_class.items():
            limit = size[c] * problem.resource_capacity[k]
            cap("resource", (k, c), (RESOURCE, k, c), variables, limit)
        objective.SetMaximization()
        return cls(
            solver=solver, classes=classes, choice=choice, feasible=feasible, caps=caps, rows=rows
        )


def weight_upper_bound(problem: Problem) -> WeightBound:
    """Upper bound on the total weight of any schedule: the LP of the slot-class model.

    Equal to the time-indexed LP relaxation (interchangeable slots split any LP solution
    evenly), with far fewer columns.
    """
    solver = pywraplp.Solver.CreateSolver("GLOP")
    model = ClassModel.build(problem, solver, integer=False)
    n = len(model.classes)
    if not model.feasible:
        return WeightBound(value=None, lp_value=None, feasible=False, slot_classes=n)
    if not model.choice:
        return WeightBound(value=0, lp_value=0.0, feasible=True, slot_classes=n)
    status = solver.Solve()
    if status == pywraplp.Solver.INFEASIBLE:
        return WeightBound(value=None, lp_value=None, feasible=False, slot_classes=n)
    if status != pywraplp.Solver.OPTIMAL:
        return WeightBound(value=None, lp_value=None, feasible=True, slot_classes=n)
    lp_value = solver.Objective().Value()
    return WeightBound(
        value=math.floor(lp_value + LP_TOLERANCE), lp_value=lp_value, feasible=True, slot_classes=n
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class DualRow:
    kind: str  # as ClassRow.kind
    key: tuple[int, ...]
    limit: int
    price: float  # the row's dual value: >= 0, free for "required"
    columns: tuple[int, ...]  # indices into WeightDual.columns


@dataclass(frozen=True, slots=True, kw_only=True)
class WeightDual:
    """A dual solution of the slot-class LP, as a certificate about every schedule.

    With prices y (>= 0 on "at most" rows) and reduced weights d = w - yA, every schedule's
    class choice x (x[k] = 1 when request r is held in a slot of class c) weighs

        w.x = bound - y.(b - Ax) - sum_{d>0} d (1 - x) - sum_{d<0} |d| x,

    where bound = y.b + sum_{d>0} d >= any weight, and every term subtracted is >= 0. So a
    schedule of weight W pays at most `bound - W` in those terms together: a column whose
    |d| exceeds it is fixed, a row whose price exceeds it is tight, in every such schedule.
    The identity holds for any prices, so rounding in the LP solver cannot make it wrong.
    """

    classes: list[list[int]]
    columns: list[tuple[int, int]]  # (request, class)
    reduced: list[float]  # d per column
    rows: list[DualRow]
    bound: float


def weight_dual(problem: Problem) -> WeightDual | None:
    """The slot-class LP's dual solution, or None when the LP is not solved to optimality."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    model = ClassModel.build(problem, solver, integer=False)
    if not model.feasible or not model.choice or solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    reduced = [float(problem.requests[r].weight) for r, _, _ in model.choice]
    rows = []
    bound = 0.0
    for row in model.rows:
        price = row.constraint.dual_value()
        if row.kind != "required":
            price = max(0.0, price)
        rows.append(
            DualRow(kind=row.kind, key=row.key, limit=row.limit, price=price, columns=row.columns)
        )
        bound += price * row.limit
        for k in row.columns:
            reduced[k] -= price
    bound += sum(d for d in reduced if d > 0)
    return WeightDual(
        classes=model.classes,
        columns=[(r, c) for r, c, _ in model.choice],
        reduced=reduced,
        rows=rows,
        bound=bound,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassSelection:
    weight: int  # weight of the selection found (0 when none)
    bound: int | None  # proven upper bound on the weight of any schedule
    slots: dict[int, tuple[int, ...]]  # request index -> the slots of its chosen class


def class_selection(
    problem: Problem,
    seconds: float,
    start: Sequence[int] | None = None,
    engine: str = "SCIP",
    workers: int = 1,
) -> ClassSelection:
    """Which requests to hold, and in which slot class: the integer slot-class model.

    Its bound caps the weight, and a choice can nearly always be timed within its classes
    (a bipartite edge colouring), which makes it the selection half of a select-then-time
    decomposition. `start` (a schedule, slot per request) is the MIP start.
    """
    none = ClassSelection(weight=0, bound=None, slots={})
    solver = pywraplp.Solver.CreateSolver(engine)
    if solver is None:
        return none
    if engine == "CP_SAT":
        solver.SetNumThreads(workers)
    solver.SetTimeLimit(max(1, int(seconds * 1000)))
    model = ClassModel.build(problem, solver, integer=True)
    if not model.feasible or not model.choice:
        return none
    if start is not None:
        class_of = {s: c for c, group in enumerate(model.classes) for s in group}
        solver.SetHint(
            [v for _, _, v in model.choice],
            [float(start[r] != -1 and class_of[start[r]] == c) for r, c, _ in model.choice],
        )
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return none
    slots = {r: tuple(model.classes[c]) for r, c, v in model.choice if v.solution_value() > 0.5}
    return ClassSelection(
        weight=sum(problem.requests[r].weight for r in slots),
        bound=math.floor(solver.Objective().BestBound() + LP_TOLERANCE),
        slots=slots,
    )
