"""The weight LP of one event, built once and solved again under small edits.

Building the slot-class LP (scheduler/bounds.py) costs several times solving it, so the
estimates of a change edit the built LP (raise a capacity row, move requests to a new
participant), solve it warm and undo the edit. Each edited LP is exactly the LP of the
changed event (tested), so its value is a proven upper bound on the changed event's weight.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from ortools.linear_solver import pywraplp

from scheduler.bounds import (
    LP_TOLERANCE,
    MAX_MEETINGS,
    MEETINGS,
    RESOURCE,
    TABLES,
    Cap,
    ClassModel,
)
from scheduler.problem import Problem


@dataclass(frozen=True, slots=True)
class Raise:
    """Raise the limit of every row of `rows` by `by` per slot of the row's class (or by
    `by` itself for a row without a class)."""

    rows: tuple[Cap, ...]
    by: int


@dataclass(frozen=True, slots=True)
class Move:
    """Requests of participant `who` taken over by a new participant with the same limits."""

    who: int
    requests: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Extend:
    """New slots (a longer session). `problem` is the changed event's: the same requests in
    the same order, with `slots` the indices of its slots the event did not have."""

    problem: Problem
    slots: tuple[int, ...]


Edit = Raise | Move | Extend


class RelaxationLP:
    """The event's slot-class LP with its duals, open to edits."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.model = ClassModel.build(problem, self.solver, integer=False)
        self.size = [len(group) for group in self.model.classes]
        self.columns: dict[int, list[tuple[int, pywraplp.Variable]]] = defaultdict(list)
        self.columns_of: dict[int, list[pywraplp.Variable]] = defaultdict(list)  # participant
        for r, c, v in self.model.choice:
            self.columns[r].append((c, v))
            req = problem.requests[r]
            self.columns_of[req.a].append(v)
            self.columns_of[req.b].append(v)
        self.value = self._solve()
        self.duals = {key: row.dual_value() for key, row in self.model.caps.items()}

    @property
    def bound(self) -> int | None:
        """The LP's value rounded down: no schedule of the event weighs more."""
        return None if self.value is None else math.floor(self.value + LP_TOLERANCE)

    def _solve(self) -> float | None:
        if not self.model.feasible:
            return None
        if not self.model.choice:
            return 0.0
        if self.solver.Solve() != pywraplp.Solver.OPTIMAL:
            return None
        return float(self.solver.Objective().Value())

    def dual(self, key: Cap) -> float:
        """What one more unit of a capacity row is worth at the margin (0 when it cannot bind)."""
        return max(0.0, self.duals.get(key, 0.0))

    def rows(self, kind: str, index: int) -> tuple[Cap, ...]:
        """The rows of one resource (RESOURCE, k) or of the pooled tables (TABLES, -1)."""
        return tuple(key for key in self.model.caps if key[0] == kind and key[1] == index)

    def value_with(self, edits: Iterable[Edit]) -> float | None:
        """The LP's value with the edits in place (they are undone afterwards)."""
        with self._edited(tuple(edits)):
            return self._solve()

    def bound_with(self, edits: Iterable[Edit]) -> int | None:
        value = self.value_with(edits)
        return None if value is None else math.floor(value + LP_TOLERANCE)

    def reduced_gain(self, r: int, without: int) -> float:
        """What holding request r would add at the current duals if participant `without`
        no longer limited it: its weight less the prices of the rows it still uses."""
        p = self.problem
        req = p.requests[r]
        best = 0.0
        for c, _ in self.columns.get(r, ()):
            price = 0.0
            for who in (req.a, req.b):
                if who != without:
                    price += self.dual((MEETINGS, who, c)) + self.dual((MAX_MEETINGS, who, -1))
            if req.pooled:
                price += self.dual((TABLES, -1, c))
            price += sum(self.dual((RESOURCE, k, c)) for k in req.resources)
            best = max(best, req.weight - price)
        return best

    @contextmanager
    def _edited(self, edits: Sequence[Edit]) -> Iterator[None]:
        undo: list[tuple[pywraplp.Constraint, float]] = []
        coefficients: list[tuple[pywraplp.Constraint, pywraplp.Variable, float]] = []
        added: list[pywraplp.Constraint] = []
        columns: list[pywraplp.Variable] = []
        try:
            for edit in edits:
                if isinstance(edit, Raise):
                    for key in edit.rows:
                        row = self.model.caps.get(key)
                        if row is None:
                            continue
                        undo.append((row, row.ub()))
                        per = self.size[key[2]] if key[2] >= 0 else 1
                        row.SetUb(row.ub() + edit.by * per)
                elif isinstance(edit, Move):
                    coefficients += self._move(edit, added)
                else:
                    undo += self._extend(edit, added, columns)
            yield
        finally:
            for row, ub in reversed(undo):
                row.SetUb(ub)
            for row, var, value in coefficients:
                row.SetCoefficient(var, value)
            for var in columns:
                var.SetUb(0.0)
            infinity = self.solver.infinity()
            for row in added:
                row.Clear()
                row.SetBounds(-infinity, infinity)

    def _move(
        self, edit: Move, added: list[pywraplp.Constraint]
    ) -> list[tuple[pywraplp.Constraint, pywraplp.Variable, float]]:
        """Take the requests' columns out of the participant's rows and give them rows of
        a new participant with the same limits."""
        p = self.problem
        changed: list[tuple[pywraplp.Constraint, pywraplp.Variable, float]] = []
        per_class: dict[int, list[pywraplp.Variable]] = defaultdict(list)
        every: list[pywraplp.Variable] = []
        for r in edit.requests:
            for c, var in self.columns.get(r, ()):
                per_class[c].append(var)
                every.append(var)
                for key in ((MEETINGS, edit.who, c), (MAX_MEETINGS, edit.who, -1)):
                    row = self.model.caps.get(key)
                    if row is not None:
                        changed.append((row, var, row.GetCoefficient(var)))
                        row.SetCoefficient(var, 0.0)
        limits = [(variables, self.size[c]) for c, variables in per_class.items()]
        limits.append((every, p.max_meetings[edit.who]))
        for variables, limit in limits:
            if len(variables) > limit:
                row = self.solver.Constraint(-self.solver.infinity(), float(limit))
                for var in variables:
                    row.SetCoefficient(var, 1.0)
                added.append(row)
        return changed

    def _extend(
        self,
        edit: Extend,
        added: list[pywraplp.Constraint],
        columns: list[pywraplp.Variable],
    ) -> list[tuple[pywraplp.Constraint, float]]:
        """Columns for the new slots, grouped into classes of their own as bounds.py would
        (slots seen alike by every request), with their capacity rows; the limits of
        participants without max_meetings grow with the number of slots."""
        changed = edit.problem
        new = set(edit.slots)
        infinity = self.solver.infinity()
        users: dict[int, list[int]] = defaultdict(list)
        for req in changed.requests:
            for s in req.slots:
                if s in new:
                    users[s].append(req.idx)
        groups: dict[tuple[int, ...], int] = defaultdict(int)
        for s in sorted(new):
            if users[s]:
                groups[tuple(users[s])] += 1
        objective = self.solver.Objective()
        per_participant: dict[int, list[pywraplp.Variable]] = defaultdict(list)
        fresh_picks: dict[int, pywraplp.Constraint] = {}

        def row_of(variables: list[pywraplp.Variable], limit: int) -> None:
            if len(variables) > limit:
                row = self.solver.Constraint(-infinity, float(limit))
                for var in variables:
                    row.SetCoefficient(var, 1.0)
                added.append(row)

        for requests, size in groups.items():
            per_class: dict[int, list[pywraplp.Variable]] = defaultdict(list)
            pooled: list[pywraplp.Variable] = []
            per_resource: dict[int, list[pywraplp.Variable]] = defaultdict(list)
            for r in requests:
                req = changed.requests[r]
                var = self.solver.NumVar(0.0, 1.0, "")
                columns.append(var)
                objective.SetCoefficient(var, req.weight)
                pick = self.model.picks.get(r)
                if pick is None:  # a request with no slot before: a row for this edit
                    pick = fresh_picks.get(r)
                    if pick is None:
                        pick = fresh_picks[r] = self.solver.Constraint(-infinity, 1.0)
                        added.append(pick)
                pick.SetCoefficient(var, 1.0)
                for who in (req.a, req.b):
                    per_class[who].append(var)
                    per_participant[who].append(var)
                if req.pooled:
                    pooled.append(var)
                for k in req.resources:
                    per_resource[k].append(var)
            for variables in per_class.values():
                row_of(variables, size)
            row_of(pooled, size * changed.pooled_tables)
            for k, variables in per_resource.items():
                row_of(variables, size * changed.resource_capacity[k])
        undo: list[tuple[pywraplp.Constraint, float]] = []
        for who in range(changed.n_participants):
            limit = changed.max_meetings[who]
            row = self.model.caps.get((MAX_MEETINGS, who, -1))
            if row is not None:
                undo.append((row, row.ub()))
                row.SetUb(float(limit))
                for var in per_participant.get(who, ()):
                    row.SetCoefficient(var, 1.0)
            elif who in per_participant:
                row_of(self.columns_of[who] + per_participant[who], limit)
        return undo
