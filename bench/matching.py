"""Matching quality on synthetic events with a known true fit: precision@10 and recall@10 of
the suggestions for buyers and for suppliers, new score beside today's portal score.

    .venv/bin/python -m bench.matching              # every setting, 3 seeds; rewrites the table
    .venv/bin/python -m bench.matching --no-write   # print only

True fit (hidden from both scores): the supplier makes at least one product the buyer really
sources and holds every certification the buyer requires.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from bench import baseline_matching as today
from bench.fit_events import CATALOGUE, FitEvent, FitSpec, generate
from scheduler.domain import Organisation
from scheduler.matching import Context, Profile, Role, fit, profile_of, rank_key
from scheduler.matching.concepts import find_products

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
K = 10
SEEDS = (0, 1, 2)
SETTINGS = (
    FitSpec(name="default"),
    FitSpec(name="clean", noise=0.1),
    FitSpec(name="noisy", noise=0.6),
    FitSpec(name="few qualified", qualified=0.05),
    FitSpec(name="many qualified", qualified=0.4),
    FitSpec(name="English only", vietnamese=0.0),
    FitSpec(name="mostly Vietnamese", vietnamese=0.9),
    FitSpec(name="small event", buyers=20, suppliers=80),
    FitSpec(name="large event", buyers=150, suppliers=700),
    FitSpec(name="half listed", listed=0.5),
    FitSpec(name="described only", listed=0.0),
)

Ranker = Callable[[FitEvent], tuple[dict[str, list[str]], dict[str, list[str]]]]


def _organisation(doc: dict[str, object]) -> Organisation:
    own = {"id", "name", "role", "country", "sectors", "certifications", "languages"}

    def strings(key: str) -> tuple[str, ...]:
        value = doc.get(key)
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    return Organisation(
        id=str(doc["id"]),
        name=str(doc["name"]),
        role=str(doc["role"]),
        country=str(doc["country"]),
        sectors=strings("sectors"),
        certifications=strings("certifications"),
        languages=strings("languages"),
        extra={k: v for k, v in doc.items() if k not in own},
    )


def new_score(event: FitEvent) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Top K for each buyer and each supplier by scheduler.matching (pair fits shared)."""
    profiles = [profile_of(_organisation(o)) for o in event.organisations]
    buyers = [p for p in profiles if p.role is Role.BUYER]
    suppliers = [p for p in profiles if p.role is Role.SUPPLIER]
    context = Context(interpreters=event.interpreters)
    fits = {(b.id, s.id): fit(b, s, context) for b in buyers for s in suppliers}

    def top(me: Profile, others: list[Profile]) -> list[str]:
        pairs = [
            (other, fits[(me.id, other.id) if me.role is Role.BUYER else (other.id, me.id)])
            for other in others
        ]
        ranked = sorted(
            ((rank_key(f, o.id), o.id) for o, f in pairs if f.relevant), key=lambda x: x[0]
        )
        return [oid for _, oid in ranked[:K]]

    return (
        {b.id: top(b, suppliers) for b in buyers},
        {s.id: top(s, buyers) for s in suppliers},
    )


def _needs(doc: dict[str, object]) -> today.Needs:
    """As the portal reads `looking_for` (web.services.events.normalise_looking_for)."""
    value = doc.get("looking_for")
    if isinstance(value, list):
        return today.Needs(certifications=tuple(str(v) for v in value))
    data = value if isinstance(value, dict) else {}
    return today.Needs.from_mapping(
        {k: list(data.get(k, [])) for k in ("sectors", "products", "certifications", "languages")}
    )


def _candidate(n: int, doc: dict[str, object]) -> today.Candidate:
    """As the portal built one for the baseline score."""

    def strings(key: str) -> tuple[str, ...]:
        value = doc.get(key)
        return tuple(str(v) for v in value) if isinstance(value, list) else ()

    return today.Candidate(
        id=n,
        name=str(doc["name"]),
        sectors=strings("sectors"),
        products=strings("products"),
        certifications=strings("certifications"),
        languages=strings("languages"),
    )


def baseline(
    event: FitEvent, reverse_for_suppliers: bool
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Today's portal score. For suppliers, either as the portal runs it (the supplier's own
    `looking_for` against buyers) or reversed (each buyer's needs against this supplier)."""
    docs = list(event.organisations)
    ids = [str(d["id"]) for d in docs]
    candidates = [_candidate(n, d) for n, d in enumerate(docs)]
    buyers = [n for n, d in enumerate(docs) if d["role"] == "buyer"]
    suppliers = [n for n, d in enumerate(docs) if d["role"] == "supplier"]
    needs = {n: _needs(docs[n]) for n in range(len(docs))}
    for_buyers = {
        ids[b]: [
            ids[m.candidate.id]
            for m in today.suggest(needs[b], [candidates[s] for s in suppliers], K)
        ]
        for b in buyers
    }
    for_suppliers: dict[str, list[str]] = {}
    for s in suppliers:
        if reverse_for_suppliers:
            scored = [(today.score(needs[b], candidates[s]), b) for b in buyers]
            ranked = sorted(
                (-m.score, str(docs[b]["name"]).casefold(), b) for m, b in scored if m.score > 0
            )
            for_suppliers[ids[s]] = [ids[b] for _, _, b in ranked[:K]]
        elif needs[s].empty():
            for_suppliers[ids[s]] = []
        else:
            ranked_m = today.suggest(needs[s], [candidates[b] for b in buyers], K)
            for_suppliers[ids[s]] = [ids[m.candidate.id] for m in ranked_m]
    return for_buyers, for_suppliers


@dataclass(frozen=True, slots=True)
class Quality:
    precision: float
    recall: float
    ceiling: float  # the best precision@K any ranking could reach
    measured: int  # participants with at least one true fit


def quality(top: dict[str, list[str]], truth: dict[str, frozenset[str]]) -> Quality:
    rows = [(top.get(pid, [])[:K], relevant) for pid, relevant in truth.items() if relevant]
    if not rows:
        return Quality(0.0, 0.0, 0.0, 0)
    hits = [sum(1 for x in ranked if x in relevant) for ranked, relevant in rows]
    return Quality(
        precision=statistics.mean(h / K for h in hits),
        recall=statistics.mean(h / len(rel) for h, (_, rel) in zip(hits, rows, strict=True)),
        ceiling=statistics.mean(min(K, len(rel)) / K for _, rel in rows),
        measured=len(rows),
    )


def supplier_truth(event: FitEvent) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for buyer, suppliers in event.fits.items():
        for supplier in suppliers:
            out.setdefault(supplier, set()).add(buyer)
    return {s: frozenset(b) for s, b in out.items()}


# The benchmark's products as the vocabulary names them: used only to report coverage.
VOCABULARY_KEY = {
    "springs": "springs", "harnesses": "wire harnesses", "stampings": "stamped parts",
    "seals": "rubber seals", "coils": "coils", "pcba": "PCB assembly", "connectors": "connectors",
    "cables": "cable assemblies", "leds": "LED modules", "machining": "CNC machined parts",
    "moulds": "moulds and dies", "fasteners": "fasteners", "castings": "castings",
    "gears": "gears", "injection": "injection moulded parts", "gaskets": "rubber gaskets",
    "housings": "plastic housings", "foam": "foam parts", "zippers": "zippers",
    "labels": "garment labels", "interlinings": "interlinings", "elastic": "elastic tape",
    "buttons": "buttons", "syringes": "disposable syringes", "tubing": "medical tubing",
    "trays": "plastic trays", "sterile": "sterile packaging", "cartons": "cartons",
    "inserts": "foam inserts", "pallets": "pallets", "printed": "printed labels",
}  # fmt: skip


def vocabulary_coverage() -> tuple[int, int, list[str]]:
    """How many of the generator's product names the vocabulary reads as the right product."""
    total, wrong = 0, []
    for product, (_, en, vi) in CATALOGUE.items():
        for name in (*en, *vi):
            total += 1
            if VOCABULARY_KEY[product] not in {m.key for m in find_products(name)[0]}:
                wrong.append(name)
    return total - len(wrong), total, wrong


RANKERS: dict[str, Ranker] = {
    "new": new_score,
    "today": lambda e: baseline(e, reverse_for_suppliers=False),
    "today reversed": lambda e: baseline(e, reverse_for_suppliers=True),
}


def measure(spec: FitSpec, seeds: Sequence[int]) -> dict[str, dict[str, Quality]]:
    """Mean quality over the seeds, per ranker and side."""
    per: dict[str, dict[str, list[Quality]]] = {}
    for seed in seeds:
        event = generate(replace(spec, seed=seed))
        truth = {"buyers": event.fits, "suppliers": supplier_truth(event)}
        for name, ranker in RANKERS.items():
            for_buyers, for_suppliers = ranker(event)
            for side, top in (("buyers", for_buyers), ("suppliers", for_suppliers)):
                per.setdefault(name, {}).setdefault(side, []).append(quality(top, truth[side]))
    return {
        name: {
            side: Quality(
                precision=statistics.mean(q.precision for q in qs),
                recall=statistics.mean(q.recall for q in qs),
                ceiling=statistics.mean(q.ceiling for q in qs),
                measured=round(statistics.mean(q.measured for q in qs)),
            )
            for side, qs in sides.items()
        }
        for name, sides in per.items()
    }


def table(results: list[tuple[FitSpec, dict[str, dict[str, Quality]]]]) -> str:
    head = (
        "| setting | buyers x suppliers | noise | qualified | Vietnamese | listed | side | measured | "
        "ceiling P@10 | new P@10 | today P@10 | ratio | new R@10 | today R@10 | "
        "today reversed P@10 / R@10 |\n" + "| --- " * 15 + "|\n"
    )
    lines = []
    for spec, result in results:
        for side in ("buyers", "suppliers"):
            new, old, rev = (result[n][side] for n in ("new", "today", "today reversed"))
            ratio = f"{new.precision / old.precision:.1f}x" if old.precision else "n/a (0)"
            lines.append(
                f"| {spec.name} | {spec.buyers} x {spec.suppliers} | {spec.noise:.1f} | "
                f"{spec.qualified:.2f} | {spec.vietnamese:.1f} | {spec.listed:.1f} | {side} | "
                f"{new.measured} | "
                f"{new.ceiling:.3f} | **{new.precision:.3f}** | {old.precision:.3f} | {ratio} | "
                f"{new.recall:.3f} | {old.recall:.3f} | {rev.precision:.3f} / {rev.recall:.3f} |"
            )
    return head + "\n".join(lines) + "\n"


def write(section: str) -> None:
    text = DOC.read_text()
    begin, end = "<!-- matching: begin -->", "<!-- matching: end -->"
    if begin not in text:
        raise SystemExit(f"{DOC}: no {begin} marker")
    before, _, rest = text.partition(begin)
    _, _, after = rest.partition(end)
    DOC.write_text(before + begin + "\n" + section + end + after)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    parser.add_argument("--only", help="run one setting by name")
    args = parser.parse_args()
    settings = [s for s in SETTINGS if args.only in (None, s.name)]
    if not settings:
        raise SystemExit(f"unknown setting {args.only!r}: {', '.join(s.name for s in SETTINGS)}")
    started = time.monotonic()
    results = []
    for spec in settings:
        results.append((spec, measure(spec, SEEDS)))
        print(f"{spec.name}: done ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    command = "python -m bench.matching" + (f" --only {args.only!r}" if args.only else "")
    known, total, unknown = vocabulary_coverage()
    section = (
        f"Measured {when} on {platform.machine()} ({platform.python_version()}), "
        f"means over seeds {', '.join(map(str, SEEDS))}, with `{command}`:\n\n"
        + table(results)
        + f"\nThe vocabulary reads {known} of the generator's {total} product names as the "
        f"right product; not: {', '.join(unknown)}.\n"
    )
    print(section)
    if not args.no_write:
        write(section)


if __name__ == "__main__":
    main()
