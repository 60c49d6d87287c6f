"""Solve one benchmark instance in this process and print one JSON line of results.

Run by bench.run in a fresh process per instance, so that peak memory is this instance's own.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from bench.shapes import SHAPES
from bench.shapes import generate as generate_shape
from bench.variants import load as load_variant
from scheduler.assignment import evaluate
from scheduler.bounds import weight_upper_bound
from scheduler.check import check_schedule
from scheduler.domain import Event
from scheduler.dzn import read_dzn_file
from scheduler.greedy import first_come_first_served, packing_greedy
from scheduler.problem import compile_event
from scheduler.sample import SampleSpec, generate_event
from scheduler.solve import Progress, SolveParams, solve


def load(spec: str) -> Event:
    """`dzn:PATH`, `sample:BUYERS:SUPPLIERS:DAYS:SEED`, `shape:NAME:SEED` (bench.shapes) or
    `variant:INSTANCE:KIND` (bench.variants)."""
    kind, _, rest = spec.partition(":")
    if kind == "dzn":
        return read_dzn_file(Path(rest))
    if kind == "variant":
        instance, _, variant_kind = rest.partition(":")
        return load_variant(instance, variant_kind)
    if kind == "shape":
        name, _, shape_seed = rest.partition(":")
        return generate_shape(SHAPES[name], int(shape_seed))
    buyers, suppliers, days, seed = (int(x) for x in rest.split(":"))
    return generate_event(SampleSpec(buyers=buyers, suppliers=suppliers, days=days, seed=seed))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    parser.add_argument("--time-limit", type=float, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    event = load(args.spec)
    problem = compile_event(event)
    lp = weight_upper_bound(problem).value
    fcfs = evaluate(problem, first_come_first_served(problem))
    greedy = evaluate(problem, packing_greedy(problem))

    weight_proven_at: list[float] = []
    trace: list[tuple[float, int, int | None]] = []

    def progress(p: Progress) -> None:
        if not weight_proven_at and p.weight_bound is not None and p.weight >= p.weight_bound:
            weight_proven_at.append(p.elapsed)
        trace.append((p.elapsed, p.weight, p.breaks))

    started = time.monotonic()
    params = SolveParams(time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    schedule = solve(event, params, on_progress=progress)
    seconds = time.monotonic() - started
    result = check_schedule(event, schedule)
    stats = schedule.stats
    assert stats is not None
    print(
        json.dumps(
            {
                "participants": len(event.participants),
                "requests": len(event.requests),
                "slots": len(event.slots),
                "lp_bound": lp,
                "fcfs_weight": fcfs.weight,
                "fcfs_breaks": fcfs.breaks,
                "greedy_weight": greedy.weight,
                "greedy_breaks": greedy.breaks,
                "weight": stats.weight,
                "weight_bound": stats.weight_bound,
                "weight_proven_at": weight_proven_at[0] if weight_proven_at else None,
                "breaks": stats.breaks,
                "breaks_bound": stats.breaks_bound,
                "idle": stats.participants_without_meeting,
                "status": str(stats.status),
                "message": stats.message,
                "valid": result.ok,
                "seconds": round(seconds, 1),
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "breaks_at_60s": next((b for t, _, b in reversed(trace) if t <= 60), None),
            }
        )
    )


if __name__ == "__main__":
    main()
