"""Fast constructive schedules: the first-come-first-served baseline and a packing greedy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scheduler.assignment import UNSCHEDULED
from scheduler.problem import Problem


class Occupancy:
    """Incremental bookkeeping of a partial schedule for constructive heuristics."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.slot_of = [UNSCHEDULED] * len(problem.requests)
        self.busy = [[False] * problem.n_slots for _ in range(problem.n_participants)]
        self.count = [0] * problem.n_participants
        self.day_count = [[0] * len(problem.day_slots) for _ in range(problem.n_participants)]
        self.breaks = [0] * problem.n_participants
        self.pool = [0] * problem.n_slots
        self.resource = [[0] * problem.n_slots for _ in problem.resource_names]
        self.successors: list[list[int]] = [[] for _ in problem.requests]
        for req in problem.requests:
            for earlier in req.after:
                self.successors[earlier].append(req.idx)

    def can_place(self, r: int, s: int) -> bool:
        p = self.problem
        req = p.requests[r]
        if self.busy[req.a][s] or self.busy[req.b][s]:
            return False
        if self.count[req.a] >= p.max_meetings[req.a] or self.count[req.b] >= p.max_meetings[req.b]:
            return False
        if req.pooled and self.pool[s] >= p.pooled_tables:
            return False
        if any(self.resource[k][s] >= p.resource_capacity[k] for k in req.resources):
            return False
        if any(self.slot_of[e] != UNSCHEDULED and self.slot_of[e] >= s for e in req.after):
            return False
        return not any(
            self.slot_of[x] != UNSCHEDULED and self.slot_of[x] <= s for x in self.successors[r]
        )

    def place(self, r: int, s: int) -> None:
        req = self.problem.requests[r]
        self.slot_of[r] = s
        for who in (req.a, req.b):
            self.breaks[who] += self.breaks_delta(who, s)
            self.busy[who][s] = True
            self.count[who] += 1
            self.day_count[who][self.problem.slot_day[s]] += 1
        if req.pooled:
            self.pool[s] += 1
        for k in req.resources:
            self.resource[k][s] += 1

    def breaks_delta(self, who: int, s: int) -> int:
        """How many breaks a meeting at slot s adds to (or removes from) a participant's day."""
        p = self.problem
        prev = p.slot_prev[s]
        nxt = p.slot_next[s]
        left = prev >= 0 and self.busy[who][prev]
        right = nxt >= 0 and self.busy[who][nxt]
        if left and right:
            return -1
        if left or right:
            return 0
        return 1 if self.day_count[who][p.slot_day[s]] > 0 else 0


def first_come_first_served(problem: Problem, order: Iterable[int] | None = None) -> list[int]:
    """Self-booking: requests in arrival order, each into its earliest free common slot."""
    occ = Occupancy(problem)
    for r in order if order is not None else range(len(problem.requests)):
        for s in problem.requests[r].slots:
            if occ.can_place(r, s):
                occ.place(r, s)
                break
    return occ.slot_of


def packing_greedy(problem: Problem, start: Sequence[int] | None = None) -> list[int]:
    """Required, then heavier, then harder-to-place requests first; each into the slot that
    keeps both participants' days most compact (fewest new breaks, then earliest).

    With `start` (a slot per request), its meetings stay where they are and the greedy
    fills the capacity they leave.
    """
    occ = Occupancy(problem)
    for r, s in enumerate(start or ()):
        if s != UNSCHEDULED:
            occ.place(r, s)
    cap = problem.max_breaks
    order = sorted(
        (r for r in problem.requests if r.slots and occ.slot_of[r.idx] == UNSCHEDULED),
        key=lambda r: (not r.required, -r.weight, len(r.slots), r.idx),
    )
    for req in order:
        best: tuple[int, int, int] | None = None
        for s in req.slots:
            if not occ.can_place(req.idx, s):
                continue
            delta_a = occ.breaks_delta(req.a, s)
            delta_b = occ.breaks_delta(req.b, s)
            over = 0
            if cap is not None:
                over = max(0, occ.breaks[req.a] + delta_a - cap) + max(
                    0, occ.breaks[req.b] + delta_b - cap
                )
            key = (over, delta_a + delta_b, s)
            if best is None or key < best:
                best = key
        if best is not None and (best[0] == 0 or req.required):
            occ.place(req.idx, best[2])
    return occ.slot_of
