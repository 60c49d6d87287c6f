"""What every phase works with: the problem, the parameters, the clock and the incumbent."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from scheduler.incumbent import Incumbent
from scheduler.problem import Problem

StopCallback = Callable[[], bool]


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveParams:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0


@dataclass(slots=True)
class Clock:
    """The solve's deadline and its cancel callback."""

    started: float
    deadline: float
    should_stop: StopCallback

    @classmethod
    def start(cls, time_limit: float, should_stop: StopCallback) -> Clock:
        now = time.monotonic()
        return cls(started=now, deadline=now + max(time_limit, 0.0), should_stop=should_stop)

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def stopped(self) -> bool:
        return time.monotonic() >= self.deadline or self.should_stop()

    def after(self, share: float) -> float:
        """The moment `share` of the whole time limit has gone by."""
        return self.started + share * (self.deadline - self.started)


@dataclass(slots=True)
class Context:
    problem: Problem
    params: SolveParams
    clock: Clock
    incumbent: Incumbent
    rng: random.Random
    previous: list[int] | None = None  # a previous schedule's meetings that still fit
    schedulable: list[int] = field(init=False)  # requests with at least one possible slot
    n_variables: int = field(init=False)  # (request, slot) pairs: the size of a full model

    def __post_init__(self) -> None:
        self.schedulable = [r.idx for r in self.problem.requests if r.slots]
        self.n_variables = sum(len(r.slots) for r in self.problem.requests)

    @property
    def all_required(self) -> bool:
        """Every schedulable request is required: the set of meetings is fixed."""
        return all(self.problem.requests[r].required for r in self.schedulable)

    def finished(self) -> bool:
        """Nothing left to prove, or no time left."""
        return self.incumbent.optimal or self.clock.stopped()
