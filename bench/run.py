"""Run the benchmarks and write the tables into docs/benchmarks.md.

    .venv/bin/python -m bench.run                 # JAIR 2022 (20 x 30 s) + synthetic + shapes
    .venv/bin/python -m bench.run --suite jair    # one suite
    .venv/bin/python -m bench.run --suite variants   # crafted variants of the JAIR instances
    .venv/bin/python -m bench.run --suite shapes --seeds 1   # one-day events of other shapes
    .venv/bin/python -m bench.run --only forum-13 --no-write

Each instance runs in a fresh process (bench.one) so that peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.paths import jair_dir
from bench.shapes import SHAPES
from bench.variants import KINDS

ROOT = Path(__file__).resolve().parents[1]
JAIR = jair_dir()
DOC = ROOT / "docs" / "benchmarks.md"

# Proven optimal total breaks (d = 2) from Bofill et al., JAIR 74 (2022), as in formats.md.
JAIR_OPTIMUM = {
    "forum-13": 0, "forum-13crafb": 6, "forum-13crafc": 1, "forum-14": 2, "forumt-14": 5,
    "forumt-14crafc": 5, "forumt-14crafd": 4, "forumt-14crafe": 5, "tic-12": 0,
    "tic-12crafc": 0, "tic-13": 0, "tic-13crafb": 0, "tic-13crafc": 4, "tic-14crafa": 0,
    "tic-14crafc": 0, "tic-14crafd": 0, "ticf-13crafa": 0, "ticf-13crafb": 3,
    "ticf-13crafc": 1, "ticf-14crafa": 0,
}  # fmt: skip

# name, sample spec (buyers:suppliers:days:seed), time limit in seconds: the targets.
SYNTHETIC = [
    ("synthetic-270", "50:220:1:1", 60.0),
    ("synthetic-850", "150:700:2:1", 120.0),
    ("synthetic-3000", "500:2500:3:1", 300.0),
]


# One-day events of other shapes (bench/shapes.py) beside the sample's own, 60 s each.
SHAPED = [
    ("synthetic-270", "sample:50:220:1:{seed}"),
    *((n, f"shape:{n}:{{seed}}") for n in SHAPES),
]
SHAPES_TIME_LIMIT = 60.0
# The target on every shape: at most this many breaks per participant.
SHAPES_BREAKS_TARGET = 0.1


# Crafted variants (bench/variants.py): one kind per instance, the kinds taken in turn over
# the 20 instances (`--all-variants`: every kind of every instance), 60 s each; each must end
# proven optimal or proven infeasible.
VARIANTS_TIME_LIMIT = 60.0


def variant_specs(all_kinds: bool) -> list[tuple[str, str]]:
    kinds = list(KINDS)
    return [
        (name, kind)
        for n, name in enumerate(JAIR_OPTIMUM)
        for k, kind in enumerate(kinds)
        if all_kinds or k == n % len(kinds)
    ]


def run_one(spec: str, time_limit: float) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.one", spec, "--time-limit", str(time_limit)]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr else "failed"}
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def pct(a: int | None, b: int | None) -> str:
    return "-" if a is None or not b else f"{100 * a / b:.2f} %"


def jair_rows(only: set[str] | None, time_limit: float) -> list[str]:
    rows = [
        "| instance | P | M | slots | breaks (ours) | optimum | lower bound | proven | "
        "FCFS breaks | s | peak MiB |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, optimum in JAIR_OPTIMUM.items():
        if only and name not in only:
            continue
        r = run_one(f"dzn:{JAIR / f'{name}.original.dzn'}", time_limit)
        if "error" in r:
            rows.append(f"| {name} | error: {r['error']} |")
            continue
        proven = "yes" if r["status"] == "optimal" else "no"
        hit = "" if r["breaks"] == optimum else " ✗"
        rows.append(
            f"| {name} | {r['participants']} | {r['requests']} | {r['slots']} | "
            f"{r['breaks']}{hit} | {optimum} | {r['breaks_bound']} | {proven} | "
            f"{r['fcfs_breaks']} | {r['seconds']} | {r['peak_mib']} |"
        )
        print(rows[-1], flush=True)
    return rows


def synthetic_rows(only: set[str] | None) -> list[str]:
    rows = [
        "| instance | P | requests | slots | LP bound | ours: weight | % of LP | weight proven at s | "
        "breaks / P | FCFS: % of LP | FCFS breaks / P | greedy: % of LP | greedy breaks / P | "
        "idle | s | peak MiB |",
        "| --- " * 16 + "|",
    ]
    for name, spec, time_limit in SYNTHETIC:
        if only and name not in only:
            continue
        r = run_one(f"sample:{spec}", time_limit)
        if "error" in r:
            rows.append(f"| {name} | error: {r['error']} |")
            continue
        p = r["participants"]
        proven = r["weight_proven_at"] if r["weight_proven_at"] is not None else "not proven"
        rows.append(
            f"| {name} | {p} | {r['requests']} | {r['slots']} | {r['lp_bound']} | "
            f"{r['weight']} | {pct(r['weight'], r['lp_bound'])} | {proven} | "
            f"{r['breaks'] / p:.3f} | {pct(r['fcfs_weight'], r['lp_bound'])} | "
            f"{r['fcfs_breaks'] / p:.3f} | {pct(r['greedy_weight'], r['lp_bound'])} | "
            f"{r['greedy_breaks'] / p:.3f} | {r['idle']} | {r['seconds']} | {r['peak_mib']} |"
        )
        print(rows[-1], flush=True)
    return rows


def shapes_rows(only: set[str] | None, seeds: list[int]) -> list[str]:
    rows = [
        "| shape | seed | P | requests | slots | LP bound | weight | % of LP | breaks | "
        "breaks / P | lower bound | lower bound / P | greedy breaks / P | status | checked | "
        "s | peak MiB |",
        "| --- " * 17 + "|",
    ]
    for name, spec in SHAPED:
        if only and name not in only:
            continue
        for seed in seeds:
            r = run_one(spec.format(seed=seed), SHAPES_TIME_LIMIT)
            if "error" in r:
                rows.append(f"| {name} | {seed} | error: {r['error']} |")
                continue
            p = r["participants"]
            per = r["breaks"] / p
            hit = "" if per <= SHAPES_BREAKS_TARGET else " ✗"
            rows.append(
                f"| {name} | {seed} | {p} | {r['requests']} | {r['slots']} | {r['lp_bound']} | "
                f"{r['weight']} | {pct(r['weight'], r['lp_bound'])} | {r['breaks']} | "
                f"{per:.3f}{hit} | {r['breaks_bound']} | {r['breaks_bound'] / p:.3f} | "
                f"{r['greedy_breaks'] / p:.3f} | {r['status']} | "
                f"{'yes' if r['valid'] else 'NO'} | {r['seconds']} | {r['peak_mib']} |"
            )
            print(rows[-1], flush=True)
    return rows


def variants_rows(only: set[str] | None, all_kinds: bool) -> list[str]:
    rows = [
        "| instance | variant | P | M | status | breaks | lower bound | checked | s | why |",
        "| --- " * 10 + "|",
    ]
    for name, kind in variant_specs(all_kinds):
        if only and name not in only:
            continue
        r = run_one(f"variant:{name}:{kind}", VARIANTS_TIME_LIMIT)
        if "error" in r:
            rows.append(f"| {name} | {kind} | error: {r['error']} |")
            continue
        infeasible = r["status"] == "infeasible"
        hit = "" if r["status"] in ("optimal", "infeasible") else " ✗"
        rows.append(
            f"| {name} | {kind} | {r['participants']} | {r['requests']} | "
            f"{r['status']}{hit} | {'-' if infeasible else r['breaks']} | "
            f"{'-' if infeasible else r['breaks_bound']} | "
            f"{'-' if infeasible else ('yes' if r['valid'] else 'NO')} | {r['seconds']} | "
            f"{(r.get('message') or '').replace('|', '/')[:120]} |"
        )
        print(rows[-1], flush=True)
    return rows


def write_section(
    name: str, command: str, rows: list[str], setup: str = "2 CP-SAT workers"
) -> None:
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    body = "\n".join(
        [
            begin,
            f"Measured {stamp} on {platform.machine()} ({platform.python_version()}), "
            f"{setup}, with `{command}`:",
            "",
            *rows,
            end,
        ]
    )
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    DOC.write_text(head + body + tail)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--suite", choices=["jair", "variants", "synthetic", "shapes", "all"], default="all"
    )
    parser.add_argument("--only", nargs="*", help="instance names")
    parser.add_argument("--jair-time-limit", type=float, default=30.0)
    parser.add_argument("--seeds", type=int, nargs="*", default=[1, 2], help="shapes' seeds")
    parser.add_argument("--all-variants", action="store_true", help="every kind of each")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    only = set(args.only) if args.only else None
    command = "python -m bench.run " + " ".join(sys.argv[1:])
    if args.suite in ("jair", "all"):
        rows = jair_rows(only, args.jair_time_limit)
        if not args.no_write:
            write_section("jair", command.strip(), rows)
    if args.suite in ("variants", "all"):
        rows = variants_rows(only, args.all_variants)
        if not args.no_write:
            write_section("variants", command.strip(), rows)
    if args.suite in ("synthetic", "all"):
        rows = synthetic_rows(only)
        if not args.no_write:
            write_section("synthetic", command.strip(), rows)
    if args.suite in ("shapes", "all"):
        rows = shapes_rows(only, args.seeds)
        if not args.no_write:
            write_section("shapes", command.strip(), rows)


if __name__ == "__main__":
    main()
