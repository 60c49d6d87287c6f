"""The MaxSAT engine's worker process: `python -m scheduler.maxsat.child`.

It reads one pickled `Job` from stdin, encodes it, solves it with RC2 and writes pickled
messages to stdout: `("bound", cost)` after each core (a proven lower bound on the breaks),
then `("optimal", slots, cost)` (`("feasible", slots)` in feasibility mode), or `("infeasible", rules)` followed, once the conflict has
been shrunk, by `("conflict", rules)`. It exits when its stdin closes, so that a parent
that dies or gives up never leaves it running; the parent kills it at its deadline.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import time
from typing import Any, BinaryIO

from pysat.examples.rc2 import RC2
from pysat.solvers import Solver

from scheduler.maxsat.encoding import BreakFormula, encode
from scheduler.maxsat.job import Job, Rule

# Shrinking a conflict: rounds of re-solving on the core, SAT conflicts per call, and how
# long all of it may take (the parent waits for it a little longer).
TRIM_ROUNDS = 5
SHRINK_CONFLICTS = 20_000
SHRINK_SECONDS = 4.0


class _ReportingRC2(RC2):  # type: ignore[misc]
    """RC2 that writes its cost, a lower bound on the optimum, after every core."""

    def __init__(self, formula: Any, send: Any, **kwargs: Any) -> None:
        self._send = send
        self._reported = 0
        super().__init__(formula, **kwargs)

    def process_core(self) -> None:
        super().process_core()
        if self.cost > self._reported:
            self._reported = self.cost
            self._send(("bound", self.cost))


def solve_job(job: Job, send: Any) -> None:
    """Minimise the breaks of `job`, or find any placement, reporting through `send`."""
    config = job.config
    if job.mode == "feasible":
        # One SAT call on the guarded formula: a placement, or the core that explains.
        explained = _encode(job, explain=True)
        with Solver(name=config.solver, bootstrap_with=explained.wcnf.hard) as sat:
            if sat.solve(assumptions=list(explained.selectors)):
                send(("feasible", explained.decode(sat.get_model())))
                return
            core = sorted(sat.get_core() or [])
    else:
        formula = _encode(job, explain=False)
        with _ReportingRC2(
            formula.wcnf, send, solver=config.solver, exhaust=config.exhaust, minz=config.minz
        ) as rc2:
            model = rc2.compute()
            if model is not None:
                send(("optimal", formula.decode(model), rc2.cost))
                return
        explained = _encode(job, explain=True)
        core = _core(explained, config.solver, list(explained.selectors))
    send(("infeasible", _rules(explained, core)))
    send(("conflict", _rules(explained, _shrink(explained, config.solver, core))))


def _encode(job: Job, *, explain: bool) -> BreakFormula:
    return encode(
        job.problem, job.domains, optional=job.optional, options=job.config.options, explain=explain
    )


def _core(formula: BreakFormula, solver: str, assumptions: list[int]) -> list[int]:
    with Solver(name=solver, bootstrap_with=formula.wcnf.hard) as sat:
        if sat.solve(assumptions=assumptions):
            return []  # cannot happen once RC2 refuted the hard clauses
        return sorted(sat.get_core() or [])


def _shrink(formula: BreakFormula, solver: str, core: list[int]) -> list[int]:
    """Fewer rules that still conflict: first the solver's own cores, again and again, then
    deletion (drop a rule when the rest stays infeasible, as far as a bounded SAT call can
    tell), trying the limits before the meetings, until the time is up."""
    started = time.monotonic()
    needed = list(core)
    with Solver(name=solver, bootstrap_with=formula.wcnf.hard) as sat:
        for _ in range(TRIM_ROUNDS):
            sat.conf_budget(SHRINK_CONFLICTS)
            if sat.solve_limited(assumptions=needed) is not False:
                break
            smaller = set(sat.get_core() or needed)
            if len(smaller) == len(needed):
                break
            needed = [v for v in needed if v in smaller]
        order = sorted(needed, key=lambda v: formula.selectors[v].kind == "meeting")
        kept: list[int] = []
        while order and time.monotonic() - started < SHRINK_SECONDS:
            candidate = order.pop(0)
            sat.conf_budget(SHRINK_CONFLICTS)
            if sat.solve_limited(assumptions=kept + order) is False:
                smaller = set(sat.get_core() or kept + order)
                order = [v for v in order if v in smaller]
            else:
                kept.append(candidate)
        return sorted(kept + order)


def _rules(formula: BreakFormula, selectors: list[int]) -> tuple[Rule, ...]:
    return tuple(sorted(formula.selectors[v] for v in selectors))


def _exit_when_closed(stream: BinaryIO) -> None:
    while stream.read(65536):
        pass
    os._exit(0)


def main() -> None:
    job: Job = pickle.load(sys.stdin.buffer)
    threading.Thread(target=_exit_when_closed, args=(sys.stdin.buffer,), daemon=True).start()
    out = sys.stdout.buffer
    lock = threading.Lock()

    def send(message: tuple[object, ...]) -> None:
        with lock:
            pickle.dump(message, out)
            out.flush()

    solve_job(job, send)


if __name__ == "__main__":
    main()
