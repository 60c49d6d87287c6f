"""What the re-solve's phases share: the published baseline, the meetings that stay at
their slots, and an incumbent that ranks schedules by the re-solve's objective."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from scheduler.assignment import UNSCHEDULED, evaluate
from scheduler.incumbent import Incumbent, Phase, ProgressCallback
from scheduler.phases.context import Context
from scheduler.problem import Problem
from scheduler.published import Baseline, ResolveScore


class ResolveIncumbent(Incumbent):
    """The best re-solved schedule: ranked by `ResolveScore` (kept, at slot, weight, held,
    breaks, idle) instead of the plain solve's (weight, breaks, idle).

    `optimal` also needs `keep_proven`: no valid schedule keeps more published meetings.
    """

    def __init__(self, baseline: Baseline, on_progress: ProgressCallback, started: float) -> None:
        super().__init__(baseline.problem, on_progress, started)
        self.baseline = baseline
        self.rank = self._rank(self.slot_of)
        self.keep_proven = False

    def _rank(self, slot_of: Sequence[int]) -> ResolveScore:
        score = evaluate(self.problem, slot_of)
        return self.baseline.rank(slot_of, score.breaks, -score.neg_idle)

    def offer(self, slot_of: Sequence[int], phase: Phase, *, quiet: bool = False) -> bool:
        """Keep slot_of when valid and no worse in the re-solve's order; report progress."""
        rank = self._rank(slot_of)
        valid = self.feasible(slot_of)
        current = self.feasible()
        better = (valid and (not current or rank >= self.rank)) or (
            not valid and not current and rank >= self.rank
        )
        if better:
            self.replace(slot_of)
            if valid and self.weight_bound is not None and self.score.weight >= self.weight_bound:
                self.weight_proven = True
            if self.weight_proven and self.score.breaks == 0:
                self.prove_breaks()
        if not quiet:
            self.report(phase)
        return better

    def replace(self, slot_of: Sequence[int]) -> None:
        super().replace(slot_of)
        self.rank = self._rank(slot_of)

    @property
    def optimal(self) -> bool:
        return self.keep_proven and self.weight_proven and self.breaks_proven


@dataclass(slots=True, kw_only=True)
class ResolveContext(Context):
    """A search context with the published schedule it starts from."""

    baseline: Baseline
    # The published meetings that stay at their slots (a slot per request), once chosen.
    stay: list[int] | None = None
    # False once shown that no schedule holds `stay` with every required meeting and
    # within max_breaks: the rebuild then chooses what stays again, on the full model.
    stay_completes: bool = True
    _around: tuple[list[int], Context] | None = field(default=None, init=False, repr=False)

    @property
    def resolve_incumbent(self) -> ResolveIncumbent:
        assert isinstance(self.incumbent, ResolveIncumbent)
        return self.incumbent

    def staying(self) -> list[int]:
        if self.stay is None:
            return [UNSCHEDULED] * len(self.problem.requests)
        return self.stay

    def around_stay(self) -> Context:
        """A context on the event with each staying meeting required at its slot: the
        plain solve's local search and neighbourhoods run on it without ever moving one."""
        stay = self.staying()
        if self._around is None or self._around[0] != stay:
            child = Context(
                problem=fixed_problem(self.problem, stay),
                params=self.params,
                clock=self.clock,
                incumbent=self.incumbent,
                rng=self.rng,
            )
            self._around = (list(stay), child)
        return self._around[1]


def fixed_problem(problem: Problem, stay: Sequence[int]) -> Problem:
    """The problem with each staying meeting required at its slot (a slot per request)."""
    return replace(
        problem,
        requests=tuple(
            replace(req, required=True, slots=(stay[req.idx],))
            if stay[req.idx] != UNSCHEDULED
            else req
            for req in problem.requests
        ),
    )


def resolving(ctx: Context) -> ResolveContext:
    """The re-solve context of a re-solve phase (a plain solve never runs one)."""
    if not isinstance(ctx, ResolveContext):
        raise TypeError("a re-solve phase needs a ResolveContext")
    return ctx
