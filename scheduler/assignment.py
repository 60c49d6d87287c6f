"""A schedule as a slot per request, and what it scores: pure helpers, no solver imports.

Heuristics, explanations and tables work on this plain form (a list with one slot index per
request, UNSCHEDULED when left out), so they never need the CP-SAT model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduler.problem import Problem

UNSCHEDULED = -1


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Score:
    """Lexicographic quality of a complete schedule: compare with < and >."""

    weight: int
    neg_breaks: int
    neg_idle: int

    @property
    def breaks(self) -> int:
        return -self.neg_breaks


def empty(problem: Problem) -> list[int]:
    """The schedule with no meeting at all."""
    return [UNSCHEDULED] * len(problem.requests)


def merge(base: Sequence[int], changes: Mapping[int, int]) -> list[int]:
    """base with the slots of `changes` (request index -> slot) written over it."""
    out = list(base)
    for r, s in changes.items():
        out[r] = s
    return out


def busy_slots(problem: Problem, slot_of: Sequence[int]) -> list[set[int]]:
    """The slots each participant meets in."""
    busy: list[set[int]] = [set() for _ in range(problem.n_participants)]
    for req in problem.requests:
        s = slot_of[req.idx]
        if s != UNSCHEDULED:
            busy[req.a].add(s)
            busy[req.b].add(s)
    return busy


def breaks_of(problem: Problem, busy: set[int]) -> int:
    """Breaks of one participant busy in these slots: per day, runs of meetings beyond the first."""
    total = 0
    for day in problem.day_slots:
        runs = sum(1 for i, s in enumerate(day) if s in busy and (i == 0 or day[i - 1] not in busy))
        total += max(0, runs - 1)
    return total


def evaluate(problem: Problem, slot_of: Sequence[int]) -> Score:
    """Weight, breaks and idle participants of a complete assignment (no feasibility check)."""
    busy = busy_slots(problem, slot_of)
    weight = sum(req.weight for req in problem.requests if slot_of[req.idx] != UNSCHEDULED)
    breaks = sum(breaks_of(problem, slots) for slots in busy)
    idle = sum(
        1
        for who, slots in enumerate(busy)
        if not slots and any(problem.requests[r].slots for r in problem.requests_of[who])
    )
    return Score(weight=weight, neg_breaks=-breaks, neg_idle=-idle)


def meets_required_and_max_breaks(problem: Problem, slot_of: Sequence[int]) -> bool:
    """The hard rules a heuristic can miss: every required meeting held, max_breaks kept."""
    if any(r.required and slot_of[r.idx] == UNSCHEDULED for r in problem.requests):
        return False
    if problem.max_breaks is None:
        return True
    cap = problem.max_breaks
    return all(breaks_of(problem, slots) <= cap for slots in busy_slots(problem, slot_of))
