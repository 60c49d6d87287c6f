"""Benchmark of `scheduler.advise` (the changes that buy the most weight), into docs/benchmarks.md.

    .venv/bin/python -m bench.advise                      # 270 and 850 participants, top 5
    .venv/bin/python -m bench.advise --only synthetic-270 --no-write

Each event runs `advise` with its defaults (20 s per solve, 2 workers, seed 0, top 5), as
`ketnoi advise EVENT.json` does. The columns split the wall time into its stages: the
event's own solve, the LP estimates of every candidate, and the solves of the changed
events; then what was shown and how much of its gain is proven.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from bench.run import write_section
from scheduler.advise import AdviceParams, AdviceProgress, advise
from scheduler.sample import SampleSpec, generate_event

# name, sample spec (buyers, suppliers, days, seed): the synthetic benchmark's events.
SHAPES = [
    ("synthetic-270", (50, 220, 1, 1)),
    ("synthetic-850", (150, 700, 2, 1)),
]
TARGET_SECONDS = {"synthetic-270": 60.0}


def measure(spec: tuple[int, int, int, int], top: int) -> dict[str, Any]:
    buyers, suppliers, days, seed = spec
    event = generate_event(SampleSpec(buyers=buyers, suppliers=suppliers, days=days, seed=seed))
    marks: dict[str, float] = {}

    def progress(p: AdviceProgress) -> None:
        marks.setdefault(p.stage, p.elapsed)

    started = time.monotonic()
    advice = advise(event, AdviceParams(top=top), on_progress=progress)
    wall = time.monotonic() - started
    estimate_at = marks.get("estimate", wall)
    verify_at = marks.get("verify", marks.get("done", wall))
    shown = advice.suggestions
    return {
        "participants": len(event.participants),
        "requests": len(event.requests),
        "weight": advice.weight,
        "bound": advice.weight_bound,
        "event_s": round(estimate_at, 1),
        "estimate_s": round(verify_at - estimate_at, 1),
        "verify_s": round(wall - verify_at, 1),
        "seconds": round(wall, 1),
        "candidates": advice.candidates,
        "verified": advice.verified,
        "shown": len(shown),
        "kinds": ", ".join(f"{s.kind} +{s.gain_weight}" for s in shown),
        "proven": sum(1 for s in shown if s.gain_weight_at_least >= s.gain_weight),
    }


def rows(only: set[str] | None, top: int) -> list[str]:
    out = [
        "| event | P | requests | weight (bound) | event solve s | LP estimates s | "
        "changed solves s | total s | target | candidates | solved | shown: gain | "
        "gain proven |",
        "| --- " * 13 + "|",
    ]
    for name, spec in SHAPES:
        if only and name not in only:
            continue
        r = measure(spec, top)
        target = TARGET_SECONDS.get(name)
        verdict = "-" if target is None else ("met" if r["seconds"] < target else "missed")
        if target is not None:
            verdict = f"< {target:g} s: {verdict}"
        out.append(
            f"| {name} | {r['participants']} | {r['requests']} | {r['weight']} ({r['bound']}) | "
            f"{r['event_s']} | {r['estimate_s']} | {r['verify_s']} | {r['seconds']} | "
            f"{verdict} | {r['candidates']} | {r['verified']} | {r['kinds']} | "
            f"{r['proven']} of {r['shown']} |"
        )
        print(out[-1], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="event names")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load_before = os.getloadavg()
    table = rows(set(args.only) if args.only else None, args.top)
    load_after = os.getloadavg()
    table += [
        "",
        "Load average (1, 5, 15 min) at the start: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; at the end: "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + ".",
    ]
    if not args.no_write:
        command = ("python -m bench.advise " + " ".join(sys.argv[1:])).strip()
        write_section("advise", command, table)


if __name__ == "__main__":
    main()
