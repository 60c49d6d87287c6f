"""The MaxSAT break engine from the solver's side: a portfolio of worker processes.

Each configuration runs in its own process (`scheduler/maxsat/child.py`), so that the
deadline and a cancel stop it at once, whatever the SAT solver is doing: the worker is
killed. The first worker to settle the question answers; every lower bound any worker
proves counts, since all of them solve the same problem.
"""

from __future__ import annotations

import contextlib
import enum
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from scheduler.maxsat.job import Config, Job, Mode, Rule
from scheduler.problem import Problem

# How often the parent looks at the cancel callback while workers run, in seconds.
POLL_SECONDS = 0.1
# After a refutation, how long to wait at most for the conflict to be shrunk.
CONFLICT_GRACE_SECONDS = 5.0
_ROOT = Path(__file__).resolve().parents[2]


class Outcome(enum.StrEnum):
    OPTIMAL = "optimal"  # `slots` holds the fewest breaks: `cost`
    FEASIBLE = "feasible"  # feasibility mode: `slots` keeps every rule
    INFEASIBLE = "infeasible"  # no placement keeps every rule: `conflict` names them
    UNKNOWN = "unknown"  # time ran out, or cancelled


@dataclass(slots=True)
class EngineResult:
    outcome: Outcome
    slots: dict[int, int] = field(default_factory=dict)
    cost: int | None = None
    lower_bound: int = 0
    conflict: tuple[Rule, ...] = ()
    config: Config | None = None  # the configuration that answered
    seconds: float = 0.0
    errors: tuple[str, ...] = ()  # what workers that died said on stderr


BoundCallback = Callable[[int], None]


def run_engine(
    problem: Problem,
    domains: Mapping[int, Sequence[int]],
    *,
    configs: Sequence[Config],
    until: float,
    should_stop: Callable[[], bool],
    optional: Iterable[int] = (),
    mode: Mode = "minimise",
    on_bound: BoundCallback | None = None,
) -> EngineResult:
    """Place the requests of `domains` with the fewest breaks (mode "minimise"), or any
    way that keeps every rule ("feasible"), one worker per configuration, until `until`
    (time.monotonic()) or a cancel."""
    started = time.monotonic()
    plain = {r: tuple(slots) for r, slots in domains.items()}
    jobs = [Job(problem, plain, frozenset(optional), config, mode) for config in configs]
    messages: queue.Queue[tuple[int, tuple[object, ...] | None]] = queue.Queue()
    workers = [_Worker.start(i, job, messages) for i, job in enumerate(jobs)]
    result = EngineResult(Outcome.UNKNOWN)
    alive = set(range(len(workers)))
    answered: int | None = None  # the worker that refuted, while its conflict shrinks
    grace_end = until
    try:
        while alive:
            now = time.monotonic()
            deadline = until if answered is None else min(until, grace_end)
            if now >= deadline or should_stop():
                break
            try:
                i, message = messages.get(timeout=min(POLL_SECONDS, deadline - now))
            except queue.Empty:
                continue
            if message is None:
                alive.discard(i)
                if i == answered:
                    break
                continue
            kind = message[0]
            if kind == "bound":
                bound = int(message[1])  # type: ignore[call-overload]
                if bound > result.lower_bound:
                    result.lower_bound = bound
                    if on_bound is not None:
                        on_bound(bound)
            elif kind in ("optimal", "feasible"):
                result.outcome = Outcome(kind)
                result.slots = dict(message[1])  # type: ignore[call-overload]
                result.config = configs[i]
                if kind == "optimal":
                    result.cost = int(message[2])  # type: ignore[call-overload]
                    result.lower_bound = result.cost
                break
            elif kind == "infeasible":
                result.outcome = Outcome.INFEASIBLE
                result.conflict = tuple(message[1])  # type: ignore[arg-type]
                result.config = configs[i]
                answered = i
                grace_end = time.monotonic() + CONFLICT_GRACE_SECONDS
                for j, worker in enumerate(workers):
                    if j != i:
                        worker.stop()
                        alive.discard(j)
            elif kind == "conflict" and i == answered:
                result.conflict = tuple(message[1])  # type: ignore[arg-type]
                break
    finally:
        for worker in workers:
            worker.stop()
    if result.outcome is Outcome.UNKNOWN:
        result.errors = tuple(w.error for w in workers if w.error)
    result.seconds = round(time.monotonic() - started, 3)
    return result


@dataclass(slots=True)
class _Worker:
    process: subprocess.Popen[bytes]
    stderr: list[bytes]

    @classmethod
    def start(
        cls, index: int, job: Job, messages: queue.Queue[tuple[int, tuple[object, ...] | None]]
    ) -> _Worker:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
        process = subprocess.Popen(
            [sys.executable, "-m", "scheduler.maxsat.child"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        worker = cls(process, [])
        assert process.stdin is not None and process.stdout is not None
        assert process.stderr is not None
        # The job goes down the pipe; stdin stays open: the worker exits when it closes.
        pickle.dump(job, process.stdin)
        process.stdin.flush()
        threading.Thread(
            target=_read_messages, args=(index, process.stdout, messages), daemon=True
        ).start()
        threading.Thread(target=_drain, args=(process.stderr, worker.stderr), daemon=True).start()
        return worker

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        if self.process.stdin is not None and not self.process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()

    @property
    def error(self) -> str:
        lines = b"".join(self.stderr).decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""


def _read_messages(
    index: int, stream: IO[bytes], messages: queue.Queue[tuple[int, tuple[object, ...] | None]]
) -> None:
    try:
        while True:
            messages.put((index, pickle.load(stream)))
    except (EOFError, OSError, pickle.UnpicklingError):
        messages.put((index, None))


def _drain(stream: IO[bytes], into: list[bytes]) -> None:
    for line in stream:
        into.append(line)
        del into[:-20]
