"""Crafted variants of the JAIR 2022 instances, as in the paper's protocol: forbidden slots
at densities 0.3 % and 0.7 % of (participant, slot) pairs, 20 % and 40 % of the meetings
fixed to a slot, precedences on 15 % and 25 % of the meetings.

Every variant is drawn from a seed made of the instance's name and the variant's kind, so
the same command always builds the same events. Fixed slots are drawn at random among those
the meeting's session allows, both participants attend and have not already been given, so
that a variant is not refuted by a fixed slot someone cannot attend or two fixed meetings
of one person in one slot; whether the
rest still fits is for the solver to find out (some variants are infeasible, as in the
paper). Precedences follow a random order of the meetings, so that they never form a cycle,
and join meetings that share a participant (a buyer meets one supplier before another).

    .venv/bin/python -m bench.variants forum-13 fixed-20 > forum-13.fixed-20.json
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import zlib
from collections import defaultdict
from dataclasses import dataclass

from bench.paths import jair_dir
from scheduler.domain import Event, MeetingRequest, Participant, TimeRange
from scheduler.dzn import read_dzn_file
from scheduler.formats import event_to_json


@dataclass(frozen=True)
class Kind:
    name: str
    forbidden: float = 0.0  # share of (participant, slot) pairs made unavailable
    fixed: float = 0.0  # share of meetings fixed to one slot
    precedences: float = 0.0  # share of meetings that must come after another one


KINDS = {
    kind.name: kind
    for kind in (
        Kind("forbidden-0.3", forbidden=0.003),
        Kind("forbidden-0.7", forbidden=0.007),
        Kind("fixed-20", fixed=0.20),
        Kind("fixed-40", fixed=0.40),
        Kind("precedences-15", precedences=0.15),
        Kind("precedences-25", precedences=0.25),
    )
}


def _rng(instance: str, kind: str) -> random.Random:
    return random.Random(zlib.crc32(f"{instance}/{kind}".encode()))


def _forbid(event: Event, share: float, rng: random.Random) -> tuple[Participant, ...]:
    pairs = [(p.id, s) for p in event.participants for s in range(len(event.slots))]
    chosen: dict[str, list[int]] = defaultdict(list)
    for pid, s in rng.sample(pairs, round(share * len(pairs))):
        chosen[pid].append(s)
    out = []
    for p in event.participants:
        extra = tuple(
            TimeRange(start=event.slots[s].start, end=event.slots[s].end)
            for s in sorted(chosen[p.id])
        )
        out.append(dataclasses.replace(p, unavailable=p.unavailable + extra))
    return tuple(out)


def _fix(event: Event, share: float, rng: random.Random) -> tuple[MeetingRequest, ...]:
    people = event.participant_by_id()

    def away(pid: str, s: int) -> bool:
        slot, person = event.slots[s], people[pid]
        if person.available is not None and slot.session_id not in person.available:
            return True
        return any(r.start < slot.end and slot.start < r.end for r in person.unavailable)

    taken: dict[str, set[int]] = defaultdict(set)  # participant -> slots given to it
    per_slot: dict[int, int] = defaultdict(int)  # fixed meetings per slot, at most the tables
    chosen = set(rng.sample(range(len(event.requests)), round(share * len(event.requests))))
    out = []
    for number, r in enumerate(event.requests):
        if number not in chosen:
            out.append(r)
            continue
        free = [
            s
            for s, slot in enumerate(event.slots)
            if (r.sessions is None or slot.session_id in r.sessions)
            and s not in taken[r.from_id] | taken[r.to_id]
            and not away(r.from_id, s)
            and not away(r.to_id, s)
            and per_slot[s] < len(event.tables)
        ]
        if not free:
            out.append(r)
            continue
        s = rng.choice(free)
        taken[r.from_id].add(s)
        taken[r.to_id].add(s)
        per_slot[s] += 1
        out.append(dataclasses.replace(r, fixed=event.slots[s].start))
    return tuple(out)


def _precede(event: Event, share: float, rng: random.Random) -> tuple[MeetingRequest, ...]:
    order = list(event.requests)
    rng.shuffle(order)
    rank = {r.id: n for n, r in enumerate(order)}
    of_participant: dict[str, list[str]] = defaultdict(list)
    for r in event.requests:
        of_participant[r.from_id].append(r.id)
        of_participant[r.to_id].append(r.id)
    after: dict[str, tuple[str, ...]] = {}
    for r in rng.sample(order, round(share * len(order))):
        earlier = sorted({m for p in r.pair for m in of_participant[p] if rank[m] < rank[r.id]})
        if earlier:
            after[r.id] = (rng.choice(earlier),)
    return tuple(
        dataclasses.replace(r, after=r.after + after[r.id]) if r.id in after else r
        for r in event.requests
    )


def variant(event: Event, kind: Kind) -> Event:
    """The event with the kind's constraints added, drawn from its own seed."""
    rng = _rng(event.name, kind.name)
    changed = event
    if kind.forbidden:
        changed = dataclasses.replace(changed, participants=_forbid(changed, kind.forbidden, rng))
    if kind.fixed:
        changed = dataclasses.replace(changed, requests=_fix(changed, kind.fixed, rng))
    if kind.precedences:
        changed = dataclasses.replace(changed, requests=_precede(changed, kind.precedences, rng))
    return dataclasses.replace(changed, name=f"{event.name}.{kind.name}")


def load(instance: str, kind: str) -> Event:
    """A variant of one JAIR instance by the instance's and the kind's names."""
    return variant(read_dzn_file(jair_dir() / f"{instance}.original.dzn"), KINDS[kind])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instance", help="e.g. forum-13")
    parser.add_argument("kind", choices=sorted(KINDS))
    args = parser.parse_args()
    json.dump(event_to_json(load(args.instance, args.kind)), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
