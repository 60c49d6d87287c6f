"""Running a CP-SAT model within a time limit, stoppable by the solve's cancel callback."""

from __future__ import annotations

import threading

from ortools.sat.python import cp_model

from scheduler.model import ScheduleModel
from scheduler.phases.context import Context

# How often a running CP-SAT search checks the cancel callback, in seconds.
STOP_POLL_SECONDS = 0.2


def new_solver(
    seconds: float, workers: int, seed: int, *, probe: bool = False
) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    if probe and workers == 2:
        # "At most K breaks" is a feasibility question: a no-LP worker beside the default
        # one finds forum-13's 0 breaks in 1.4 s; CP-SAT's own two-worker portfolio is
        # better at minimising (it proves samples/tiny.json optimal in 1.5 s).
        solver.parameters.subsolvers.append("no_lp")
        solver.parameters.subsolvers.append("default_lp")
    return solver


def run_model(
    ctx: Context,
    model: ScheduleModel,
    seconds: float,
    workers: int | None = None,
    callback: cp_model.CpSolverSolutionCallback | None = None,
    *,
    probe: bool = False,
) -> tuple[int, cp_model.CpSolver]:
    """Solve with a watcher thread, so that a cancel stops even a search with no news."""
    solver = new_solver(
        seconds, ctx.params.workers if workers is None else workers, ctx.params.seed, probe=probe
    )
    done = threading.Event()

    def watch() -> None:
        while not done.wait(STOP_POLL_SECONDS):
            if ctx.clock.should_stop():
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        status = solver.solve(model.model, callback)
    finally:
        done.set()
    return status, solver


def found(status: int) -> bool:
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
