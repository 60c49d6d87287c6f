"""advise(event) -> Advice: the changes that buy the most weight, each with its measured gain.

1. Solve the event as it is (stopped once its weight is proven, as every solve here).
2. Estimate every candidate change with the LP relaxation (scheduler/advice/candidates.py):
   cheap, an upper bound on what the change could hold, and ranked by it.
3. Verify the best candidates by solving each changed event with the same time limit and
   seed as the event itself.

The gain printed is the verified one: the changed event's weight less the *reference*,
the heaviest schedule known to fit the event as it is. Besides the first solve, every
changed schedule cut back to what fits the unchanged event (scheduler/advice/measure.py,
`project`) is such a schedule, so weight the solver found only thanks to more search time
is credited to the event and not to the change. A suggestion whose gain is 0 is not
shown. Each suggestion also carries the proven range of the true gain (optimum of the
changed event less optimum of the event): at least its weight less the event's proven
bound, at most its own bound less the reference. See docs/advise.md.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scheduler.advice.candidates import Candidate, Current, propose
from scheduler.advice.changes import Change
from scheduler.advice.measure import (
    Held,
    held_of,
    placed_of,
    project,
    slot_of,
    solve_for_weight,
)
from scheduler.advice.relaxation import RelaxationLP
from scheduler.domain import Event, Schedule, SolveStatus
from scheduler.phases.context import SolveParams, StopCallback
from scheduler.problem import compile_event

__all__ = ["Advice", "AdviceError", "AdviceParams", "AdviceProgress", "Suggestion", "advise"]

DEFAULT_TIME_LIMIT = 20.0  # seconds per solve


class AdviceError(ValueError):
    """The event has no schedule to improve on (its required meetings cannot all be held)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AdviceParams:
    time_limit: float = DEFAULT_TIME_LIMIT  # per solve: the event's and each changed event's
    workers: int = 2
    seed: int = 0
    top: int = 5  # suggestions wanted
    # Changed events solved at most: this many per suggestion wanted (some verify to 0).
    tries_per_suggestion: float = 2.0

    @property
    def solve_params(self) -> SolveParams:
        return SolveParams(time_limit=self.time_limit, workers=self.workers, seed=self.seed)


@dataclass(frozen=True, slots=True, kw_only=True)
class AdviceProgress:
    elapsed: float
    stage: str  # "event", "estimate", "verify", "done"
    step: int  # 1-based within the stage
    steps: int
    what: str  # the change being verified, or what the stage does


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    change: Change
    what: str  # a sentence: the change and what it buys
    event: Event  # the changed event
    schedule: Schedule  # its verified schedule
    gain_weight: int
    gain_meetings: int
    gain_weight_at_least: int  # proven: the changed weight less the event's proven bound
    gain_weight_at_most: int | None  # proven: the changed event's bound less the reference
    estimate: float  # the LP's gain, which ranked it

    @property
    def kind(self) -> str:
        return self.change.kind

    def to_json(self) -> dict[str, Any]:
        stats = self.schedule.stats
        return {
            "kind": self.kind,
            "what": self.what,
            "change": self.change.to_json(),
            "gain_weight": self.gain_weight,
            "gain_meetings": self.gain_meetings,
            "gain_weight_at_least": self.gain_weight_at_least,
            "gain_weight_at_most": self.gain_weight_at_most,
            "weight": stats.weight if stats else None,
            "lp_gain": round(self.estimate, 2),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Advice:
    weight: int  # the reference: the heaviest schedule known for the event as it is
    meetings: int
    weight_bound: int | None  # proven: no schedule of the event weighs more
    suggestions: tuple[Suggestion, ...]
    candidates: int  # changes the LP said might gain
    verified: int  # changed events solved
    seconds: float
    stopped: bool = False  # cancelled before every planned verification ran
    schedule: Schedule | None = field(default=None, repr=False)  # the first solve's


@dataclass(slots=True)
class _Verified:
    candidate: Candidate
    event: Event
    schedule: Schedule
    held: Held


def advise(
    event: Event,
    params: AdviceParams | None = None,
    *,
    on_progress: Callable[[AdviceProgress], None] | None = None,
    should_stop: StopCallback | None = None,
) -> Advice:
    """The best changes found for the event, each verified by a solve of the changed event."""
    params = params or AdviceParams()
    stop = should_stop or (lambda: False)
    started = time.monotonic()

    def report(stage: str, step: int, steps: int, what: str) -> None:
        if on_progress is not None:
            elapsed = round(time.monotonic() - started, 1)
            on_progress(
                AdviceProgress(elapsed=elapsed, stage=stage, step=step, steps=steps, what=what)
            )

    report("event", 1, 1, "solving the event as it is")
    base = solve_for_weight(event, params.solve_params, stop)
    stats = base.stats
    if stats is None or stats.status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN):
        detail = stats.message if stats and stats.message else "no schedule found in time"
        raise AdviceError(f"the event has no schedule to improve on: {detail}")
    problem = compile_event(event)
    reference = held_of(problem, slot_of(problem, placed_of(event, base)))
    bound = stats.weight_bound
    if stop():
        return Advice(
            weight=reference.weight,
            meetings=reference.meetings,
            weight_bound=bound,
            suggestions=(),
            candidates=0,
            verified=0,
            seconds=round(time.monotonic() - started, 1),
            stopped=True,
            schedule=base,
        )

    report("estimate", 1, 1, "estimating changes with the LP relaxation")
    lp = RelaxationLP(problem)
    if lp.bound is not None:
        bound = lp.bound if bound is None else min(bound, lp.bound)
    tries = max(params.top, round(params.top * params.tries_per_suggestion))
    current = Current(slot_of=slot_of(problem, reference.placed), weight=reference.weight)
    candidates = _diverse(propose(event, problem, lp, current, participants=params.top + 2))

    verified: list[_Verified] = []
    planned = min(tries, len(candidates))
    stopped = False
    for candidate in candidates:
        if _shown(verified, reference) >= params.top or len(verified) >= tries:
            break
        if stop():
            stopped = True
            break
        if candidate.lp_bound <= reference.weight:
            continue  # a schedule found since holds all the change could buy
        report("verify", len(verified) + 1, planned, candidate.change.describe(event))
        changed = candidate.change.apply(event)
        schedule = solve_for_weight(changed, params.solve_params, stop)
        changed_problem = compile_event(changed)
        held = held_of(changed_problem, slot_of(changed_problem, placed_of(changed, schedule)))
        verified.append(_Verified(candidate, changed, schedule, held))
        cut_back = project(problem, held.placed)
        if cut_back is not None and cut_back.weight > reference.weight:
            reference = cut_back
    suggestions = [_suggestion(v, event, reference, bound) for v in verified]
    shown = sorted(
        (s for s in suggestions if s.gain_weight > 0),
        key=lambda s: (-s.gain_weight, -s.gain_meetings, -s.estimate),
    )[: params.top]
    report("done", 1, 1, f"{len(shown)} suggestions")
    return Advice(
        weight=reference.weight,
        meetings=reference.meetings,
        weight_bound=bound,
        suggestions=tuple(shown),
        candidates=len(candidates),
        verified=len(verified),
        seconds=round(time.monotonic() - started, 1),
        stopped=stopped,
        schedule=base,
    )


def _diverse(candidates: list[Candidate]) -> list[Candidate]:
    """Verification order: by estimate, the n-th candidate of a kind counting 1/n of its
    estimate, so that one kind with many candidates (participants) does not crowd out the
    others before any is verified."""
    rank: Counter[str] = Counter()
    keyed = []
    for c in candidates:  # already best first
        rank[c.change.kind] += 1
        keyed.append((c.lp_gain / rank[c.change.kind], c))
    return [c for _, c in sorted(keyed, key=lambda kc: -kc[0])]


def _shown(verified: list[_Verified], reference: Held) -> int:
    return sum(1 for v in verified if v.held.weight > reference.weight)


def _suggestion(v: _Verified, event: Event, reference: Held, bound: int | None) -> Suggestion:
    gain = v.held.weight - reference.weight
    meetings = v.held.meetings - reference.meetings
    stats = v.schedule.stats
    own_bound = v.candidate.lp_bound
    if stats is not None and stats.weight_bound is not None:
        own_bound = min(own_bound, stats.weight_bound)
    at_least = max(0, v.held.weight - bound) if bound is not None else 0
    what = f"{v.candidate.change.describe(event)}: {_meetings(meetings)}, weight +{gain}"
    return Suggestion(
        change=v.candidate.change,
        what=what,
        event=v.event,
        schedule=v.schedule,
        gain_weight=gain,
        gain_meetings=meetings,
        gain_weight_at_least=at_least,
        gain_weight_at_most=own_bound - reference.weight,
        estimate=v.candidate.lp_gain,
    )


def _meetings(n: int) -> str:
    if n == 0:
        return "as many meetings, better ones"
    word = "meeting" if abs(n) == 1 else "meetings"
    return f"{n} more {word}" if n > 0 else f"{-n} fewer {word}, better ones"
