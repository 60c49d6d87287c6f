"""Benchmark of the minimal-change re-solve, written into docs/benchmarks.md.

    .venv/bin/python -m bench.resolve               # 270 and 850 participants, 3 change seeds each
    .venv/bin/python -m bench.resolve --only synthetic-270 --seeds 1 --no-write

Each event is solved once as the published schedule (60 / 120 s, as the synthetic
benchmark); then, per change seed, two kinds of late change, each with 5 % new
buyer-supplier requests (an interpreter where the sample would need one):

- leave: 3 % of the participants cancel (their requests with them; a host's table becomes
  a pooled one);
- late: 3 % of the participants arrive late, missing the event's first session (their
  meetings there must move or go).

The changed event is re-solved from the published schedule, and, side by side for
contrast, solved afresh with the same time limit.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, replace
from typing import Any

from bench.run import write_section
from scheduler.assignment import UNSCHEDULED, evaluate
from scheduler.bounds import weight_upper_bound
from scheduler.check import check_schedule
from scheduler.domain import Event, MeetingRequest, Schedule, TimeRange
from scheduler.incumbent import Progress
from scheduler.phases.resolving import fixed_problem
from scheduler.problem import compile_event
from scheduler.published import compile_published
from scheduler.resolve import published_meetings, resolve
from scheduler.sample import SampleSpec, generate_event
from scheduler.solve import SolveParams, solve

# name, sample spec (buyers, suppliers, days, seed), seconds to publish, seconds to re-solve
SHAPES = [
    ("synthetic-270", (50, 220, 1, 1), 60.0, 10.0),
    ("synthetic-850", (150, 700, 2, 1), 120.0, 10.0),
]
LEAVE_SHARE = 0.03
NEW_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Change:
    event: Event
    left: int
    new_requests: int


SCENARIOS = ("leave", "late")


def changed(event: Event, scenario: str, seed: int) -> Change:
    """3 % of the participants leave or arrive late, 5 % new buyer-supplier requests."""
    rng = random.Random(seed)
    people = list(event.participants)
    chosen = {p.id for p in rng.sample(people, round(LEAVE_SHARE * len(people)))}
    gone = chosen if scenario == "leave" else set()
    if scenario == "late":
        first = min(event.sessions, key=lambda s: s.start)
        missed = TimeRange(start=first.start, end=first.end)
        people = [
            replace(p, unavailable=(*p.unavailable, missed)) if p.id in chosen else p
            for p in people
        ]
    role = {o.id: o.role for o in event.organisations}
    present = [p for p in people if p.id not in gone]
    buyers = [p for p in present if role.get(p.organisation or "") == "buyer"]
    suppliers = [p for p in present if role.get(p.organisation or "") == "supplier"]
    pairs = {frozenset(r.pair) for r in event.requests}
    capacity = dict(event.resources)
    fresh: list[MeetingRequest] = []
    while len(fresh) < round(NEW_SHARE * len(event.requests)):
        buyer, supplier = rng.choice(buyers), rng.choice(suppliers)
        if frozenset((buyer.id, supplier.id)) in pairs:
            continue
        pairs.add(frozenset((buyer.id, supplier.id)))
        shared = set(buyer.languages) & set(supplier.languages) - {"vi"}
        needs = [] if shared else [f"interpreter:{x}" for x in buyer.languages]
        fresh.append(
            MeetingRequest(
                id=f"N{len(fresh) + 1:05d}",
                from_id=supplier.id,
                to_id=buyer.id,
                priority=rng.choice((1, 2, 2, 3)),
                requires=tuple(n for n in needs if n in capacity)[:1],
            )
        )
    after = replace(
        event,
        participants=tuple(present),
        requests=tuple(r for r in event.requests if not gone & set(r.pair)) + tuple(fresh),
        tables=tuple(replace(t, host=None) if t.host in gone else t for t in event.tables),
    )
    return Change(event=after, left=len(chosen), new_requests=len(fresh))


def measure(before: Event, published: Schedule, change: Change, seconds: float) -> dict[str, Any]:
    event = change.event
    meetings = published_meetings(published, before)
    best = [-1, 0.0]  # best weight so far, when it was first reached

    def progress(p: Progress) -> None:
        if p.weight > best[0]:
            best[:] = [p.weight, p.elapsed]

    started = time.monotonic()
    params = SolveParams(time_limit=seconds, workers=2, seed=0)
    schedule = resolve(event, meetings, params, on_progress=progress)
    wall = time.monotonic() - started
    assert check_schedule(event, schedule).ok
    stats = schedule.stats
    assert stats is not None and stats.kept is not None

    problem = compile_event(event)
    baseline = compile_published(problem, meetings)
    index = {r.id: r.idx for r in problem.requests}
    slot_of = [UNSCHEDULED] * len(problem.requests)
    for m in schedule.meetings:
        slot_of[index[m.request_id]] = m.slot_idx
    stay = baseline.stay(slot_of)
    stayed = evaluate(problem, stay).weight
    freed_lp = weight_upper_bound(fixed_problem(problem, stay)).value
    added_weight = sum(
        problem.requests[index[c.request_id]].weight for c in schedule.changes if c.kind == "added"
    )

    fresh = solve(event, params)
    fresh_kept = sum(
        1
        for m in fresh.meetings
        if any(
            p.request_id == m.request_id
            and p.start == event.slots[m.slot_idx].start
            and p.table_id == m.table_id
            for p in meetings
        )
    )
    return {
        "published": len(published.meetings),
        "fitting": len(baseline.fits),
        "kept": stats.kept,
        "moved": stats.moved,
        "dropped": stats.dropped,
        "added": stats.added,
        "added_weight": added_weight,
        "refill_weight": stats.weight - stayed,
        "freed_lp": None if freed_lp is None else freed_lp - stayed,
        "breaks_before": published.stats.breaks if published.stats else None,
        "breaks": stats.breaks,
        "seconds": round(wall, 1),
        "final_weight_at": best[1],
        "status": str(stats.status),
        "fresh_kept": fresh_kept,
    }


def pct(a: float, b: float | None) -> str:
    return "-" if not b else f"{100 * a / b:.1f} %"


def rows(only: set[str] | None, seeds: int) -> list[str]:
    out = [
        "| event | change | seed | P (changed) | published | new requests | kept | kept % | "
        "kept % of fitting | moved | dropped | added (weight) | refill weight / freed LP | "
        "breaks published → now | final weight at s | s | fresh solve: kept % |",
        "| --- " * 17 + "|",
    ]
    for name, (buyers, suppliers, days, seed), publish_s, resolve_s in SHAPES:
        if only and name not in only:
            continue
        event = generate_event(SampleSpec(buyers=buyers, suppliers=suppliers, days=days, seed=seed))
        published = solve(event, SolveParams(time_limit=publish_s, workers=2, seed=0))
        for scenario in SCENARIOS:
            results = []
            for change_seed in range(1, seeds + 1):
                change = changed(event, scenario, change_seed)
                r = measure(event, published, change, resolve_s)
                results.append(r)
                out.append(
                    f"| {name} | {scenario} | {change_seed} | "
                    f"{len(event.participants)} ({change.left}) | "
                    f"{r['published']} | {change.new_requests} | {r['kept']} | "
                    f"{pct(r['kept'], r['published'])} | {pct(r['kept'], r['fitting'])} | "
                    f"{r['moved']} | {r['dropped']} | {r['added']} ({r['added_weight']}) | "
                    f"{r['refill_weight']} / {r['freed_lp']} = "
                    f"{pct(r['refill_weight'], r['freed_lp'])} | "
                    f"{r['breaks_before']} → {r['breaks']} | {r['final_weight_at']} | "
                    f"{r['seconds']} | {pct(r['fresh_kept'], r['published'])} |"
                )
                print(out[-1], flush=True)
            if len(results) > 1:
                out.append(_medians(name, scenario, results))
                print(out[-1], flush=True)
    return out


def _medians(name: str, scenario: str, results: list[dict[str, Any]]) -> str:
    def median(key: str) -> float:
        return float(statistics.median(r[key] for r in results))

    def median_pct(key: str, of: str) -> str:
        shares = [100 * r[key] / r[of] for r in results if r[of]]
        return f"{statistics.median(shares):.1f} %" if shares else "-"

    return (
        f"| {name} | {scenario} | median | | | | | {median_pct('kept', 'published')} | "
        f"{median_pct('kept', 'fitting')} | {median('moved'):g} | {median('dropped'):g} | | "
        f"{median_pct('refill_weight', 'freed_lp')} | | {median('final_weight_at'):g} | "
        f"{median('seconds'):g} | {median_pct('fresh_kept', 'published')} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", help="event names")
    parser.add_argument("--seeds", type=int, default=3, help="change seeds per event")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    load_before = os.getloadavg()
    table = rows(set(args.only) if args.only else None, args.seeds)
    load_after = os.getloadavg()
    table.append("")
    table.append(
        "Load average (1, 5, 15 min) at the start: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; at the end: "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + "."
    )
    if not args.no_write:
        write_section(
            "resolve", ("python -m bench.resolve " + " ".join(sys.argv[1:])).strip(), table
        )


if __name__ == "__main__":
    main()
