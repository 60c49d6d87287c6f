"""The CP-SAT model of (part of) a schedule: one method per constraint family.

The model covers a set of *free* requests; every other request keeps the slot given in
`fixed` (or stays unscheduled). With every request free this is the full model; with a few
it is a neighbourhood of the large-neighbourhood search.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from scheduler.assignment import UNSCHEDULED
from scheduler.problem import Problem


@dataclass(frozen=True, slots=True, kw_only=True)
class ObjectiveWeights:
    """Lexicographic objective turned into one sum: each level outweighs all below it."""

    weight: int
    breaks: int
    idle: int = 1

    @classmethod
    def lexicographic(cls, problem: Problem, touched: int) -> ObjectiveWeights:
        """Weights for a model touching this many participants: each level outweighs the next."""
        idle = touched + 1
        breaks = idle
        most_breaks = touched * problem.n_slots + 1
        return cls(weight=breaks * most_breaks, breaks=breaks, idle=1)


class ScheduleModel:
    def __init__(
        self,
        problem: Problem,
        free: Sequence[int],
        fixed: Sequence[int],
        *,
        enforce_max_breaks: bool = True,
        enforce_required: bool = True,
        min_weight: int | None = None,
        with_breaks: bool = True,
    ) -> None:
        self.problem = problem
        self.free = sorted(free)
        self.fixed = fixed  # slot per request for requests outside `free`; UNSCHEDULED if none
        self.model = cp_model.CpModel()
        self.enforce_max_breaks = enforce_max_breaks
        self.enforce_required = enforce_required
        free_set = set(self.free)
        self._is_free = free_set

        # Occupation by the fixed part of the schedule.
        self.fixed_busy: set[tuple[int, int]] = set()
        self.fixed_count: dict[int, int] = defaultdict(int)
        self.fixed_pool: dict[int, int] = defaultdict(int)
        self.fixed_resource: dict[tuple[int, int], int] = defaultdict(int)
        self.fixed_weight = 0
        touched = {p for r in self.free for p in (problem.requests[r].a, problem.requests[r].b)}
        for req in problem.requests:
            s = fixed[req.idx]
            if req.idx in free_set or s == UNSCHEDULED:
                continue
            self.fixed_weight += req.weight
            for p in (req.a, req.b):
                self.fixed_busy.add((p, s))
                self.fixed_count[p] += 1
            if req.pooled:
                self.fixed_pool[s] += 1
            for k in req.resources:
                self.fixed_resource[k, s] += 1
        self.touched = sorted(touched)

        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.by_request: dict[int, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        self.by_participant_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        self._create_variables()
        self.add_one_slot_per_request()
        self.add_one_meeting_per_participant_and_slot()
        self.add_max_meetings()
        self.add_pooled_tables()
        self.add_resources()
        self.add_after()
        self.breaks_terms: list[cp_model.LinearExprT] = []
        self.breaks_by_participant: dict[int, cp_model.LinearExprT] = {}
        # Without breaks in the objective they are still modelled when capped by max_breaks.
        if with_breaks or (enforce_max_breaks and problem.max_breaks is not None):
            self.add_breaks()
        self.idle_terms: list[cp_model.IntVar] = []
        self.add_idle_participants()
        self.weight_expr = sum(
            problem.requests[r].weight * v for r in self.free for _, v in self.by_request[r]
        )
        if min_weight is not None:
            self.model.add(self.weight_expr + self.fixed_weight >= min_weight)

    # --- variables ---------------------------------------------------------------------

    def _create_variables(self) -> None:
        """Sparse: one Boolean per (free request, slot) that the fixed part leaves open."""
        p = self.problem
        for r in self.free:
            req = p.requests[r]
            for s in req.slots:
                if (req.a, s) in self.fixed_busy or (req.b, s) in self.fixed_busy:
                    continue
                if req.pooled and self.fixed_pool[s] >= p.pooled_tables:
                    continue
                if any(self.fixed_resource[k, s] >= p.resource_capacity[k] for k in req.resources):
                    continue
                if not self._after_allows(r, s):
                    continue
                v = self.model.new_bool_var(f"x_{req.id}_{s}")
                self.x[r, s] = v
                self.by_request[r].append((s, v))
                self.by_participant_slot[req.a, s].append(v)
                self.by_participant_slot[req.b, s].append(v)

    def _after_allows(self, r: int, s: int) -> bool:
        """Slot s respects the order with requests of the fixed part."""
        p = self.problem
        for earlier in p.requests[r].after:
            if (
                earlier not in self._is_free
                and self.fixed[earlier] != UNSCHEDULED
                and self.fixed[earlier] >= s
            ):
                return False
        for later in self.successors.get(r, ()):
            if (
                later not in self._is_free
                and self.fixed[later] != UNSCHEDULED
                and self.fixed[later] <= s
            ):
                return False
        return True

    @property
    def successors(self) -> dict[int, list[int]]:
        if not hasattr(self, "_successors"):
            out: dict[int, list[int]] = defaultdict(list)
            for req in self.problem.requests:
                for earlier in req.after:
                    out[earlier].append(req.idx)
            self._successors = out
        return self._successors

    # --- hard rules --------------------------------------------------------------------

    def add_one_slot_per_request(self) -> None:
        """Hard: a request is scheduled at most once; a required one exactly once."""
        for r in self.free:
            literals = [v for _, v in self.by_request[r]]
            if self.problem.requests[r].required and self.enforce_required:
                self.model.add_exactly_one(literals)
            elif len(literals) > 1:
                self.model.add_at_most_one(literals)

    def add_one_meeting_per_participant_and_slot(self) -> None:
        """Hard: a participant is in at most one meeting per slot."""
        for literals in self.by_participant_slot.values():
            if len(literals) > 1:
                self.model.add_at_most_one(literals)

    def add_max_meetings(self) -> None:
        """Hard: a participant has at most max_meetings meetings."""
        p = self.problem
        per_participant: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (who, _), literals in self.by_participant_slot.items():
            per_participant[who].extend(literals)
        for who, literals in per_participant.items():
            room = p.max_meetings[who] - self.fixed_count[who]
            if room < len(literals) and room < p.n_slots:
                self.model.add(sum(literals) <= max(room, 0))

    def add_pooled_tables(self) -> None:
        """Hard: meetings without a host table share the pooled tables of their slot."""
        p = self.problem
        per_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (r, s), v in self.x.items():
            if p.requests[r].pooled:
                per_slot[s].append(v)
        for s, literals in per_slot.items():
            room = p.pooled_tables - self.fixed_pool[s]
            if len(literals) > room:
                self.model.add(sum(literals) <= room)

    def add_resources(self) -> None:
        """Hard: per slot, a resource is used at most its capacity."""
        p = self.problem
        per_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for (r, s), v in self.x.items():
            for k in p.requests[r].resources:
                per_slot[k, s].append(v)
        for (k, s), literals in per_slot.items():
            room = p.resource_capacity[k] - self.fixed_resource[k, s]
            if len(literals) > room:
                self.model.add(sum(literals) <= room)

    def add_after(self) -> None:
        """Hard: if both are scheduled, a request comes after each request of its `after` list."""
        for r in self.free:
            for earlier in self.problem.requests[r].after:
                if earlier not in self._is_free:
                    continue  # handled when creating variables
                later_slots = self.by_request[r]
                earlier_slots = self.by_request[earlier]
                for s, v in later_slots:
                    clash = [w for t, w in earlier_slots if t >= s]
                    if clash:
                        self.model.add(v + sum(clash) <= 1)

    def add_breaks(self) -> None:
        """Breaks per participant and day: runs of empty slots between the first and last meeting.

        Each participant-day picks one of: no meeting, one compact window of busy slots
        (no break), or "broken". Windows fix the whole day's occupation at once, which
        propagates far better than counting run starts alone; run starts still count the
        breaks of a broken day exactly. Hard: at most max_breaks per participant.
        """
        p = self.problem
        for who in self.touched:
            total: list[cp_model.LinearExprT] = []
            for day in p.day_slots:
                expr = self._day_breaks(who, day)
                if expr is not None:
                    total.append(expr)
            if total:
                expr = sum(total)
                self.breaks_by_participant[who] = expr
                self.breaks_terms.append(expr)
                if self.enforce_max_breaks and p.max_breaks is not None:
                    self.model.add(expr <= p.max_breaks)

    def _busy_literals(self, who: int, day: Sequence[int]) -> list[Any]:
        busy: list[Any] = []  # a literal, or True/False where already known
        for s in day:
            if (who, s) in self.fixed_busy:
                busy.append(True)
                continue
            literals = self.by_participant_slot.get((who, s), [])
            if not literals:
                busy.append(False)
            elif len(literals) == 1:
                busy.append(literals[0])
            else:
                u = self.model.new_bool_var(f"busy_{who}_{s}")
                self.model.add(sum(literals) == u)
                busy.append(u)
        return busy

    def _day_breaks(self, who: int, day: Sequence[int]) -> cp_model.LinearExprT | None:
        m = self.model
        busy = self._busy_literals(who, day)
        if all(b is False for b in busy):
            return None
        fixed_positions = [i for i, b in enumerate(busy) if b is True]
        if all(b is True or b is False for b in busy):
            pattern = [b is True for b in busy]
            return sum(1 for i, v in enumerate(pattern) if v and (i == 0 or not pattern[i - 1])) - 1

        options: list[cp_model.IntVar] = []
        lo, hi = self._day_count_range(who, busy)
        first_fixed = fixed_positions[0] if fixed_positions else len(busy)
        last_fixed = fixed_positions[-1] if fixed_positions else -1
        reach = [-1] * len(busy)  # reach[i]: last j such that busy[i..j] could all be busy
        for i in range(len(busy) - 1, -1, -1):
            if busy[i] is not False:
                reach[i] = reach[i + 1] if i + 1 < len(busy) and busy[i + 1] is not False else i
        literal_positions = [k for k, b in enumerate(busy) if b is not True and b is not False]
        for i in range(min(first_fixed, len(busy) - 1) + 1):
            for j in range(max(i, last_fixed, i + lo - 1), min(reach[i], i + hi - 1) + 1):
                window = m.new_bool_var(f"window_{who}_{day[i]}_{day[j]}")
                for k in literal_positions:
                    b = busy[k]
                    m.add_implication(window, b if i <= k <= j else b.negated())
                options.append(window)
        broken = m.new_bool_var(f"broken_{who}_{day[0]}")
        options.append(broken)
        has: cp_model.LinearExprT = 1
        if not fixed_positions:
            empty = m.new_bool_var(f"empty_{who}_{day[0]}")
            for b in busy:
                if b is not False:
                    m.add_implication(empty, b.negated())
            options.append(empty)
            has = 1 - empty
        m.add_exactly_one(options)

        starts: list[cp_model.LinearExprT] = []
        for i, here in enumerate(busy):
            prev = busy[i - 1] if i > 0 else False
            if here is False or prev is True:
                continue
            if prev is False:
                starts.append(1 if here is True else here)
                continue
            start = m.new_bool_var(f"start_{who}_{day[i]}")
            m.add_bool_or([start, prev] if here is True else [start, here.negated(), prev])
            starts.append(start)
        # A broken day has at least two runs; breaks beyond the first are counted by `extra`.
        m.add(sum(starts) >= 2).only_enforce_if(broken)
        extra = m.new_int_var(0, len(busy), f"extra_{who}_{day[0]}")
        m.add(extra >= sum(starts) - has - broken)
        return broken + extra

    def _day_count_range(self, who: int, busy: list[Any]) -> tuple[int, int]:
        """Bounds on a participant's meetings that day (tight when all of them are required)."""
        p = self.problem
        fixed = sum(1 for b in busy if b is True)
        possible = sum(1 for b in busy if b is not False)
        hi = min(possible, p.max_meetings[who] - (self.fixed_count[who] - fixed))
        lo = fixed
        if len(p.day_slots) == 1 and self.enforce_required:
            lo = max(
                lo,
                fixed
                + sum(
                    1 for r in p.requests_of[who] if r in self._is_free and p.requests[r].required
                ),
            )
        return lo, max(lo, hi)

    def add_idle_participants(self) -> None:
        """Soft (last level): a participant with a schedulable request should get a meeting."""
        p = self.problem
        for who in self.touched:
            if self.fixed_count[who] > 0:
                continue
            literals = [v for r in p.requests_of[who] for _, v in self.by_request.get(r, [])]
            if not literals:
                continue
            idle = self.model.new_bool_var(f"idle_{who}")
            self.model.add_bool_or([*literals, idle])
            self.idle_terms.append(idle)

    # --- objective and solving -----------------------------------------------------------

    def breaks_expr(self) -> cp_model.LinearExprT:
        return sum(self.breaks_terms)

    def set_lexicographic_objective(self, levels: ObjectiveWeights) -> None:
        self.model.maximize(
            levels.weight * self.weight_expr
            - levels.breaks * self.breaks_expr()
            - levels.idle * sum(self.idle_terms)
        )

    def hint(self, slot_of: Sequence[int]) -> None:
        for (r, s), v in self.x.items():
            self.model.add_hint(v, slot_of[r] == s)

    def extract(self, solver: cp_model.CpSolver) -> dict[int, int]:
        """Slot per free request (UNSCHEDULED when left out)."""
        out = dict.fromkeys(self.free, UNSCHEDULED)
        for (r, s), v in self.x.items():
            if solver.boolean_value(v):
                out[r] = s
        return out
