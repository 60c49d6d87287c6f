"""How long a phase may run, as a share of the solve's time limit."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from scheduler.phases.context import Clock


@dataclass(frozen=True, slots=True)
class Budget:
    """When a phase must hand over; never later than the solve's deadline.

    `by(x)`: once a share x of the whole time limit has gone by (a fixed point in time);
    `of_remaining(x)`: a share x of the time left when the phase starts;
    `lasting(x, at_least)`: a share x of the whole time limit, but at least `at_least` seconds.
    """

    kind: Literal["by", "of_remaining", "lasting"]
    share: float
    at_least: float = 0.0

    @classmethod
    def by(cls, share: float) -> Budget:
        return cls("by", share)

    @classmethod
    def of_remaining(cls, share: float) -> Budget:
        return cls("of_remaining", share)

    @classmethod
    def lasting(cls, share: float, at_least: float = 0.0) -> Budget:
        return cls("lasting", share, at_least)

    def until(self, clock: Clock) -> float:
        now = time.monotonic()
        if self.kind == "by":
            until = clock.after(self.share)
        elif self.kind == "of_remaining":
            until = now + self.share * clock.remaining()
        else:
            limit = clock.deadline - clock.started
            until = now + max(self.at_least, self.share * limit)
        return min(until, clock.deadline)


WHOLE_REST = Budget.of_remaining(1.0)
