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


Edit = Raise | Move


class RelaxationLP:
    """The event's slot-class LP with its duals, open to edits."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        # Each edited LP is solved afresh (with presolve): measured faster than GLOP's
        # incremental re-solve from the last basis, primal or dual, on the sample events.
        self.params = pywraplp.MPSolverParameters()
        self.params.SetIntegerParam(
            pywraplp.MPSolverParameters.INCREMENTALITY,
            pywraplp.MPSolverParameters.INCREMENTALITY_OFF,
        )
        self.model = ClassModel.build(problem, self.solver, integer=False)
        self.size = [len(group) for group in self.model.classes]
        self.columns: dict[int, list[tuple[int, pywraplp.Variable]]] = defaultdict(list)
        for r, c, v in self.model.choice:
            self.columns[r].append((c, v))
        self.value = self._solve()
        self.duals: dict[Cap, float] = {
            key: float(row.dual_value()) for key, row in self.model.caps.items()
        }

    @property
    def bound(self) -> int | None:
        """The LP's value rounded down: no schedule of the event weighs more."""
        return None if self.value is None else math.floor(self.value + LP_TOLERANCE)

    def _solve(self) -> float | None:
        if not self.model.feasible:
            return None
        if not self.model.choice:
            return 0.0
        if self.solver.Solve(self.params) != pywraplp.Solver.OPTIMAL:
            return None
        return float(self.solver.Objective().Value())

    def dual(self, key: Cap) -> float:
        """What one more unit of a capacity row is worth at the margin (0 when it cannot bind).

        The LP's value is concave in its limits and an optimal dual is a supergradient, so
        raising limits by d gains at most the sum of dual times d: a change whose rows all
        have dual 0 cannot raise the LP at all."""
        return max(0.0, self.duals.get(key, 0.0))

    def raise_bound(self, edit: Raise) -> float:
        """At most what `edit` can add to the LP's value (see `dual`)."""
        return sum(
            self.dual(key) * edit.by * (self.size[key[2]] if key[2] >= 0 else 1)
            for key in edit.rows
        )

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
                else:
                    coefficients += self._move(edit, added)
            yield
        finally:
            for row, ub in reversed(undo):
                row.SetUb(ub)
            for row, var, value in coefficients:
                row.SetCoefficient(var, value)
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
