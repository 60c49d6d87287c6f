"""The MaxSAT engine's configurations compared on the JAIR 2022 instances (and variants).

    .venv/bin/python -m bench.maxsat                        # every configuration, 20 originals
    .venv/bin/python -m bench.maxsat --configs glucose4/imp1 cadical195/imp1 --only forum-13
    .venv/bin/python -m bench.maxsat --variants             # the crafted variants instead

Each (instance, configuration) runs RC2 in a fresh process limited in CPU time (not wall
time: the machine is shared, and a configuration's CPU seconds do not depend on what else
runs). A two-configuration portfolio on two cores answers as soon as its faster member
does, so its column is the smaller of the two. Every schedule goes through the checker.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.one import load
from bench.paths import jair_dir
from scheduler.assignment import empty, evaluate, merge
from scheduler.maxsat.child import solve_job
from scheduler.maxsat.job import Config, EncodingOptions, Job
from scheduler.phases.result import check_slots
from scheduler.problem import compile_event

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"

CONFIGS: dict[str, Config] = {
    "glucose4/imp1": Config("glucose4"),
    "glucose4/imp1+imp2": Config("glucose4", EncodingOptions(slot_capacity=True)),
    "glucose4/noimp": Config("glucose4", EncodingOptions(busy_count=False)),
    "cadical195/imp1": Config("cadical195"),
    "cadical195/imp1+imp2": Config("cadical195", EncodingOptions(slot_capacity=True)),
    "glucose4/imp1/totalizer": Config("glucose4", EncodingOptions(cardinality="totalizer")),
    "glucose4/imp1/no-clusters": Config("glucose4", EncodingOptions(clusters=False)),
    "maplechrono/imp1": Config("maplechrono"),
}
DEFAULT = ("glucose4/imp1", "glucose4/imp1+imp2", "cadical195/imp1", "cadical195/imp1+imp2")


def instances(variants: bool) -> list[tuple[str, str]]:
    """(name, bench.one spec) of the 20 originals, or of the variants suite of bench.run."""
    if variants:
        from bench.run import variant_specs

        return [(f"{name}.{kind}", f"variant:{name}:{kind}") for name, kind in variant_specs(False)]
    paths = sorted(jair_dir().glob("*.dzn"))
    return [(p.name.removesuffix(".original.dzn"), f"dzn:{p}") for p in paths]


def run_one(spec: str, config_name: str, cpu_seconds: int) -> dict[str, Any]:
    """One solve in a child process capped at cpu_seconds of CPU."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))

    command = [sys.executable, "-m", "bench.maxsat", "--one", spec, config_name]
    started = time.monotonic()
    out = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, preexec_fn=cap
    )
    lines = out.stdout.strip().splitlines()
    if out.returncode != 0 or not lines:
        return {"outcome": "timeout", "wall": round(time.monotonic() - started, 1)}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def solve_one(spec: str, config_name: str) -> dict[str, Any]:
    problem = compile_event(load(spec))
    domains = {r.idx: r.slots for r in problem.requests if r.slots}
    job = Job(problem, domains, frozenset(), CONFIGS[config_name])
    messages: list[tuple[object, ...]] = []
    solve_job(job, messages.append)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = round(usage.ru_utime + usage.ru_stime, 2)
    final = next(m for m in messages if m[0] in ("optimal", "infeasible"))
    if final[0] == "infeasible":
        return {"outcome": "infeasible", "cpu": cpu}
    slot_of = merge(empty(problem), final[1])  # type: ignore[arg-type]
    check_slots(problem, slot_of)
    return {"outcome": "optimal", "cost": evaluate(problem, slot_of).breaks, "cpu": cpu}


def cell(r: dict[str, Any]) -> str:
    if r["outcome"] == "timeout":
        return "—"
    answer = r["cost"] if r["outcome"] == "optimal" else "inf."
    return f"{r['cpu']:.1f} ({answer})"


def best(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    if a["outcome"] == "timeout":
        return b
    if b["outcome"] == "timeout":
        return a
    return a if a["cpu"] <= b["cpu"] else b


def table(results: dict[str, dict[str, dict[str, Any]]], names: list[str]) -> list[str]:
    pairs = list(itertools.combinations(names, 2))
    head = ["instance", *names, *(f"{a} ‖ {b}" for a, b in pairs)]
    rows = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    totals: dict[str, list[float]] = {h: [] for h in head[1:]}
    solved: dict[str, int] = dict.fromkeys(head[1:], 0)
    for instance, by_config in results.items():
        cells = [by_config[n] for n in names] + [best(by_config[a], by_config[b]) for a, b in pairs]
        for h, r in zip(head[1:], cells, strict=True):
            if r["outcome"] != "timeout":
                solved[h] += 1
                totals[h].append(r["cpu"])
        rows.append("| " + " | ".join([instance, *(cell(r) for r in cells)]) + " |")
    rows.append(
        "| **solved, sum / max CPU s** | "
        + " | ".join(
            f"**{solved[h]}**, {sum(totals[h]):.1f} / {max(totals[h], default=0):.1f}"
            for h in head[1:]
        )
        + " |"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--one", nargs=2, metavar=("SPEC", "CONFIG"), help=argparse.SUPPRESS)
    parser.add_argument("--configs", nargs="*", default=list(DEFAULT), choices=sorted(CONFIGS))
    parser.add_argument("--only", nargs="*", help="instance names")
    parser.add_argument("--cpu-limit", type=int, default=60, help="CPU seconds per run")
    parser.add_argument("--variants", action="store_true", help="the crafted variants")
    parser.add_argument("--write", action="store_true", help="into docs/benchmarks.md")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(solve_one(args.one[0], args.one[1])))
        return
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for name, spec in instances(args.variants):
        if args.only and name not in args.only:
            continue
        results[name] = {}
        for config in args.configs:
            results[name][config] = run_one(spec, config, args.cpu_limit)
            print(name, config, json.dumps(results[name][config]), flush=True)
    rows = table(results, args.configs)
    print("\n".join(rows))
    if args.write:
        from bench.run import write_section

        section = "maxsat-variants" if args.variants else "maxsat"
        command = "python -m bench.maxsat " + " ".join(sys.argv[1:])
        setup = f"one RC2 process per run, at most {args.cpu_limit} CPU s"
        write_section(section, command, rows, setup)


if __name__ == "__main__":
    main()
