"""The best schedule so far with its proven bounds and status, and the phase names it reports.

Every phase offers its schedules here and raises the bounds here: one place decides what
"better" means (formats.md's lexicographic order), what has been proven, and what the
progress callback is told.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scheduler.assignment import (
    UNSCHEDULED,
    Score,
    empty,
    evaluate,
    meets_required_and_max_breaks,
)
from scheduler.domain import SolveStatus
from scheduler.problem import Problem


class Phase(enum.StrEnum):
    """The search's phases, as progress reports name them (the web app translates the values)."""

    BOUND = "bound"  # LP relaxation of the weight
    START = "greedy"  # packing greedy, or the previous schedule
    REPAIR = "repair"  # full feasibility solve for required meetings and max_breaks
    SELECT_THEN_TIME = "select and time"  # slot-class MIP chooses, then the meetings are timed
    WEIGHT = "weight"  # full model without breaks proves the best weight
    EXACT_BREAKS = "breaks"  # exact break models find or prove the fewest breaks
    BREAKS_BOUND = "breaks bound"  # a refuted "at most K breaks" raised the lower bound
    LOCAL_SEARCH = "compact"  # Kempe-chain moves that never change which meetings are held
    NEIGHBOURHOODS = "improve"  # CP-SAT re-solves a few participants' days or a few slots
    RESULT = "result"  # tables, reasons, the independent check
    KEEP = "keep"  # re-solve: which published meetings stay at their slot
    REFILL = "refill"  # re-solve: CP-SAT fills the capacity the changes freed


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    elapsed: float
    phase: str
    meetings: int
    weight: int
    weight_bound: int | None
    breaks: int | None
    breaks_bound: int | None = None


ProgressCallback = Callable[[Progress], None]


class Incumbent:
    """Best schedule found, the bounds proven so far, and the status they add up to."""

    def __init__(self, problem: Problem, on_progress: ProgressCallback, started: float) -> None:
        self.problem = problem
        self.on_progress = on_progress
        self.started = started
        self.slot_of: list[int] = empty(problem)
        self.score: Score = evaluate(problem, self.slot_of)
        self._valid = self.feasible(self.slot_of)
        self.weight_bound: int | None = None
        self.weight_proven = False
        self.breaks_bound: int | None = None
        self.breaks_proven = False
        # Set by a phase that ends the search early: INFEASIBLE (proven) or UNKNOWN (no time).
        self.verdict: SolveStatus | None = None
        self.message: str | None = None

    # --- schedules -----------------------------------------------------------------------

    def feasible(self, slot_of: Sequence[int] | None = None) -> bool:
        """Required meetings held and max_breaks kept (the rest holds by construction);
        without an argument, of the incumbent itself."""
        if slot_of is None:
            return self._valid
        return meets_required_and_max_breaks(self.problem, slot_of)

    def offer(self, slot_of: Sequence[int], phase: Phase, *, quiet: bool = False) -> bool:
        """Keep slot_of when it is no worse than the best so far; report progress.

        A schedule that misses a required meeting or breaks max_breaks never replaces one
        that does not, and proves nothing.
        """
        score = evaluate(self.problem, slot_of)
        valid = self.feasible(slot_of)
        if valid:
            better = score >= self.score or not self._valid
        else:
            better = not self._valid and score >= self.score
        if better:
            self.slot_of = list(slot_of)
            self.score = score
            self._valid = valid
            if valid and self.weight_bound is not None and score.weight >= self.weight_bound:
                self.weight_proven = True
            if valid and self.weight_proven and score.breaks <= (self.breaks_bound or 0):
                self.prove_breaks()
        if not quiet:
            self.report(phase)
        return better

    def replace(self, slot_of: Sequence[int]) -> None:
        """Take slot_of whatever its score (a repaired or a relaxed schedule)."""
        self.slot_of = list(slot_of)
        self.score = evaluate(self.problem, slot_of)
        self._valid = self.feasible(slot_of)

    # --- bounds --------------------------------------------------------------------------

    def tighten_weight_bound(self, bound: int) -> None:
        self.weight_bound = bound if self.weight_bound is None else min(self.weight_bound, bound)
        if self.score.weight >= self.weight_bound:
            self.weight_proven = True

    def prove_weight(self) -> None:
        """The current weight is the best possible."""
        self.weight_bound = self.score.weight
        self.weight_proven = True

    def raise_breaks_bound(self, bound: int) -> None:
        """A proven lower bound on the breaks of schedules of the best weight (a phase may
        prove it before the weight is: it counts once the weight is proven too)."""
        self.breaks_bound = max(self.breaks_bound or 0, bound)
        if self._valid and self.score.breaks <= self.breaks_bound:
            self.prove_breaks()

    def prove_breaks(self) -> None:
        self.breaks_bound = self.score.breaks
        self.breaks_proven = True

    @property
    def optimal(self) -> bool:
        return self.weight_proven and self.breaks_proven

    def status(self) -> SolveStatus:
        if self.verdict is not None:
            return self.verdict
        return SolveStatus.OPTIMAL if self.optimal else SolveStatus.FEASIBLE

    # --- progress ------------------------------------------------------------------------

    def report(self, phase: Phase) -> None:
        self.on_progress(
            Progress(
                elapsed=round(time.monotonic() - self.started, 2),
                phase=phase,
                meetings=sum(1 for s in self.slot_of if s != UNSCHEDULED),
                weight=self.score.weight,
                weight_bound=self.weight_bound,
                breaks=self.score.breaks,
                breaks_bound=self.breaks_bound,
            )
        )
