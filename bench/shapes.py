"""One-day events of other shapes than `ketnoi sample` makes, for the benchmark.

The solver's defaults were measured on `scheduler/sample.py`'s events; these are built by
separate code with other slot lengths, table layouts, request patterns and attendance, so
that the benchmark shows whether the break figures hold on events nobody tuned for:

- **popular**: a few star buyers receive 30-50 requests each (far more than their slots),
  the rest few; buyers host their tables.
- **pooled**: no host tables; too few pooled tables for everyone at once, 15-minute slots.
- **hosted**: suppliers host booths and every meeting is at the supplier's booth; buyers
  walk the floor with many meetings each, 30-minute slots.
- **partial**: nearly half the people attend one session only, many have an unavailable
  hour, some arrive late or leave early.

Each is deterministic for a seed (`generate(SHAPES["popular"], seed=1)`); `python -m
bench.shapes NAME --seed 1 -o event.json` writes one as b2b-event/1.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

from scheduler.domain import (
    Event,
    MeetingRequest,
    Organisation,
    Participant,
    Session,
    Table,
    TimeRange,
)
from scheduler.formats import dumps, event_to_json

DAY = date(2027, 3, 16)
SECTORS = ("automotive", "electronics", "machinery", "plastics", "garments", "food", "medical")
LANGUAGES = (("ko", 0.3), ("ja", 0.2), ("zh", 0.15), ("en", 0.35))
INTERPRETED = ("ja", "ko")

TableLayout = Literal["buyer hosts", "supplier hosts", "pooled"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Shape:
    """What kind of event to build; every count is a range drawn per participant."""

    name: str
    buyers: int
    suppliers: int
    slot_minutes: int
    sessions: tuple[tuple[time, time], ...]  # one day: (start, end) per session
    tables: TableLayout
    pooled_per_buyer: float = 0.0  # pooled tables per buyer (with "pooled"; else a spare few)
    stars: int = 0  # buyers everybody wants to meet
    star_requests: tuple[int, int] = (0, 0)  # requests each star receives
    buyer_requests: tuple[int, int] = (4, 8)  # requests a buyer sends
    supplier_requests: tuple[int, int] = (1, 3)  # requests a supplier sends to non-stars
    one_session: float = 0.08  # share attending a single session
    unavailable: float = 0.05  # share with an unavailable stretch
    late_or_early: float = 0.0  # share arriving late or leaving early
    capped: float = 0.15  # share with max_meetings below their slots
    interpreters: bool = True


SHAPES: dict[str, Shape] = {
    shape.name: shape
    for shape in (
        Shape(
            name="popular",
            buyers=45,
            suppliers=220,
            slot_minutes=20,
            sessions=((time(9, 0), time(12, 0)), (time(13, 30), time(16, 50))),
            tables="buyer hosts",
            stars=6,
            star_requests=(30, 50),
            buyer_requests=(3, 6),
            supplier_requests=(1, 3),
        ),
        Shape(
            name="pooled",
            buyers=55,
            suppliers=200,
            slot_minutes=15,
            sessions=((time(8, 30), time(11, 45)), (time(13, 15), time(16, 0))),
            tables="pooled",
            pooled_per_buyer=0.6,
            buyer_requests=(6, 12),
            supplier_requests=(2, 4),
            stars=3,
            star_requests=(20, 30),
        ),
        Shape(
            name="hosted",
            buyers=60,
            suppliers=190,
            slot_minutes=30,
            sessions=((time(9, 0), time(12, 0)), (time(13, 0), time(17, 0))),
            tables="supplier hosts",
            buyer_requests=(8, 14),
            supplier_requests=(1, 2),
            interpreters=False,
        ),
        Shape(
            name="partial",
            buyers=50,
            suppliers=230,
            slot_minutes=20,
            sessions=((time(8, 30), time(11, 50)), (time(13, 30), time(16, 30))),
            tables="buyer hosts",
            buyer_requests=(6, 12),
            supplier_requests=(2, 4),
            one_session=0.45,
            unavailable=0.3,
            late_or_early=0.15,
        ),
    )
}


@dataclass(slots=True)
class _Person:
    participant: Participant
    organisation: Organisation
    popularity: float


def generate(shape: Shape, seed: int) -> Event:
    """The event of this shape for this seed (the same every time)."""
    rng = random.Random(f"{shape.name}:{seed}")
    sessions = tuple(
        Session(
            id=f"s{i + 1}",
            start=datetime.combine(DAY, start),
            end=datetime.combine(DAY, end),
        )
        for i, (start, end) in enumerate(shape.sessions)
    )
    n_slots = sum(
        int((s.end - s.start).total_seconds() // 60) // shape.slot_minutes for s in sessions
    )
    buyers = [_buyer(rng, shape, i, sessions, n_slots) for i in range(shape.buyers)]
    suppliers = [_supplier(rng, shape, i, sessions, n_slots) for i in range(shape.suppliers)]
    requests = _requests(rng, shape, buyers, suppliers)
    return Event(
        name=f"Shape {shape.name} (seed {seed})",
        timezone="Asia/Ho_Chi_Minh",
        slot_minutes=shape.slot_minutes,
        sessions=sessions,
        resources=_interpreters(shape, buyers),
        max_breaks=None,
        tables=_tables(shape, buyers, suppliers),
        organisations=tuple(p.organisation for p in buyers + suppliers),
        participants=tuple(p.participant for p in buyers + suppliers),
        requests=requests,
    )


def _language(rng: random.Random) -> str:
    roll = rng.random()
    for language, share in LANGUAGES:
        if roll < share:
            return language
        roll -= share
    return LANGUAGES[-1][0]


def _buyer(
    rng: random.Random, shape: Shape, i: int, sessions: tuple[Session, ...], n_slots: int
) -> _Person:
    language = _language(rng)
    org = Organisation(
        id=f"FB{i + 1:02d}",
        name=f"Foreign buyer {i + 1}",
        role="buyer",
        country={"ko": "KR", "ja": "JP", "zh": "CN", "en": "US"}[language],
        sectors=tuple(sorted(rng.sample(SECTORS, rng.choice((1, 2))))),
        languages=(language, "en") if language != "en" else ("en",),
    )
    star = i < shape.stars
    person = _participant(
        rng, shape, f"{org.id}-a", org, sessions, n_slots, keep_whole_day=star, cap=(8, 14)
    )
    return _Person(person, org, popularity=10.0 if star else rng.uniform(0.5, 2.0))


def _supplier(
    rng: random.Random, shape: Shape, i: int, sessions: tuple[Session, ...], n_slots: int
) -> _Person:
    languages: tuple[str, ...] = ("vi", "en") if rng.random() < 0.5 else ("vi",)
    if rng.random() < 0.05:
        languages += (rng.choice(INTERPRETED),)
    org = Organisation(
        id=f"VS{i + 1:03d}",
        name=f"Local supplier {i + 1}",
        role="supplier",
        country="VN",
        sectors=(rng.choice(SECTORS),),
        languages=languages,
    )
    person = _participant(rng, shape, f"{org.id}-a", org, sessions, n_slots, cap=(3, 7))
    return _Person(person, org, popularity=1.0)


def _participant(
    rng: random.Random,
    shape: Shape,
    pid: str,
    org: Organisation,
    sessions: tuple[Session, ...],
    n_slots: int,
    *,
    cap: tuple[int, int],
    keep_whole_day: bool = False,
) -> Participant:
    available: tuple[str, ...] | None = None
    unavailable: list[TimeRange] = []
    if not keep_whole_day and rng.random() < shape.one_session:
        available = (rng.choice(sessions).id,)
    if not keep_whole_day and rng.random() < shape.unavailable:
        session = rng.choice(sessions)
        slots = int((session.end - session.start).total_seconds() // 60) // shape.slot_minutes
        length = rng.choice((1, 2, 3))
        offset = rng.randrange(max(1, slots - length + 1))
        start = session.start + timedelta(minutes=offset * shape.slot_minutes)
        end = start + timedelta(minutes=length * shape.slot_minutes)
        unavailable.append(TimeRange(start=start, end=end))
    if not keep_whole_day and rng.random() < shape.late_or_early:
        minutes = shape.slot_minutes * rng.randint(1, 4)
        if rng.random() < 0.5:
            opening = sessions[0].start
            unavailable.append(TimeRange(start=opening, end=opening + timedelta(minutes=minutes)))
        else:
            last = sessions[-1].end
            unavailable.append(TimeRange(start=last - timedelta(minutes=minutes), end=last))
    max_meetings = rng.randint(*cap) if rng.random() < shape.capped else None
    return Participant(
        id=pid,
        organisation=org.id,
        name=f"Delegate of {org.name}",
        email=f"{pid.lower()}@shapes.example",
        languages=org.languages,
        available=available,
        unavailable=tuple(sorted(unavailable, key=lambda u: u.start)),
        max_meetings=None if max_meetings is None or max_meetings >= n_slots else max_meetings,
    )


def _requests(
    rng: random.Random, shape: Shape, buyers: list[_Person], suppliers: list[_Person]
) -> tuple[MeetingRequest, ...]:
    """Buyers ask suppliers of their sectors, suppliers ask buyers (stars most of all)."""
    wishes: dict[tuple[str, str], tuple[str, str, int]] = {}  # (buyer, supplier) -> request

    def wish(buyer: _Person, supplier: _Person, from_buyer: bool, priority: int) -> None:
        key = (buyer.participant.id, supplier.participant.id)
        if key in wishes:
            old = wishes[key]
            wishes[key] = (old[0], old[1], max(old[2], priority))
            return
        pair = (key[0], key[1]) if from_buyer else (key[1], key[0])
        wishes[key] = (*pair, priority)

    for buyer in buyers:
        fitting = [s for s in suppliers if s.organisation.sectors[0] in buyer.organisation.sectors]
        others = [s for s in suppliers if s not in fitting]
        rng.shuffle(fitting)
        rng.shuffle(others)
        wanted = rng.randint(*shape.buyer_requests)
        for rank, supplier in enumerate((fitting + others)[:wanted]):
            wish(buyer, supplier, True, 3 if rank < 2 else rng.choice((1, 2, 2, 3)))

    stars = buyers[: shape.stars]
    for star in stars:
        fans = rng.sample(suppliers, min(len(suppliers), rng.randint(*shape.star_requests)))
        for supplier in fans:
            wish(star, supplier, False, rng.choice((2, 3, 3)))
    rest = buyers[shape.stars :] or buyers
    weights = [b.popularity for b in rest]
    for supplier in suppliers:
        count = min(len(rest), rng.randint(*shape.supplier_requests))
        chosen: set[int] = set()
        while len(chosen) < count:
            chosen.add(rng.choices(range(len(rest)), weights=weights)[0])
        for i in sorted(chosen):
            wish(rest[i], supplier, False, rng.choice((1, 2, 2, 3)))

    language = {p.participant.id: set(p.organisation.languages) for p in buyers + suppliers}
    requests = []
    for n, (buyer_id, supplier_id) in enumerate(sorted(wishes, key=lambda _: rng.random())):
        src, dst, priority = wishes[buyer_id, supplier_id]
        needs = sorted(
            f"interpreter:{lang}"
            for lang in language[buyer_id] & set(INTERPRETED)
            if shape.interpreters and not language[supplier_id] & (language[buyer_id] - {"vi"})
        )
        requests.append(
            MeetingRequest(
                id=f"Q{n + 1:04d}",
                from_id=src,
                to_id=dst,
                priority=priority,
                requires=tuple(needs[:1]),
            )
        )
    return tuple(requests)


def _interpreters(shape: Shape, buyers: list[_Person]) -> tuple[tuple[str, int], ...]:
    if not shape.interpreters:
        return ()
    out = []
    for lang in INTERPRETED:
        users = sum(1 for b in buyers if lang in b.organisation.languages)
        if users:
            out.append((f"interpreter:{lang}", max(1, round(users * 0.5))))
    return tuple(out)


def _tables(shape: Shape, buyers: list[_Person], suppliers: list[_Person]) -> tuple[Table, ...]:
    if shape.tables == "pooled":
        count = max(1, round(len(buyers) * shape.pooled_per_buyer))
        return tuple(Table(id=f"P{t + 1:02d}") for t in range(count))
    hosts = buyers if shape.tables == "buyer hosts" else suppliers
    return tuple(Table(id=f"H{t + 1:03d}", host=h.participant.id) for t, h in enumerate(hosts))


def main() -> None:
    parser = argparse.ArgumentParser(description="write one shaped event as b2b-event/1")
    parser.add_argument("shape", choices=sorted(SHAPES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    text = dumps(event_to_json(generate(SHAPES[args.shape], args.seed)))
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text)


if __name__ == "__main__":
    main()
