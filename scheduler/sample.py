"""Synthetic supplier-connection conferences: FDI buyers meet local suppliers.

Realistic in the ways that matter to the solver: buyer popularity is skewed (a few buyers
attract most supplier requests), few suppliers hold IATF 16949, Korean and Japanese buyers
need interpreters, some delegates attend only part of the event.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from scheduler.domain import (
    Event,
    MeetingRequest,
    Organisation,
    Participant,
    Session,
    Table,
    TimeRange,
)

SECTORS = (
    "auto-parts",
    "electronics",
    "mechanical",
    "plastics-rubber",
    "textile-garment",
    "medical-devices",
    "packaging",
)
SECTOR_PRODUCTS = {
    "auto-parts": ("wire harnesses", "springs", "stamped brackets", "rubber seals", "coils"),
    "electronics": ("PCB assembly", "coils", "connectors", "cable assemblies", "LED modules"),
    "mechanical": ("CNC machined parts", "moulds and dies", "fasteners", "castings", "gears"),
    "plastics-rubber": (
        "injection moulded parts",
        "rubber gaskets",
        "plastic housings",
        "foam parts",
    ),
    "textile-garment": ("zippers", "labels", "interlinings", "elastic tape", "buttons"),
    "medical-devices": ("disposable syringes", "tubing", "plastic trays", "sterile packaging"),
    "packaging": ("cartons", "foam inserts", "pallets", "printed labels"),
}
BUYER_COUNTRIES = (
    ("KR", "ko", 0.35),
    ("JP", "ja", 0.25),
    ("CN", "zh", 0.1),
    ("TW", "zh", 0.1),
    ("US", "en", 0.1),
    ("DE", "de", 0.1),
)
INTERPRETED = {"ko", "ja"}
BUYER_WORDS = (
    "Daeseong",
    "Hanil",
    "Kyoritsu",
    "Shinwa",
    "Seojin",
    "Tohoku",
    "Nanfang",
    "Hsinlong",
    "Allied",
    "Rheinwerk",
    "Mirae",
    "Sanko",
    "Kumho",
    "Fujimura",
    "Jinsung",
    "Yokota",
)
BUYER_KINDS = (
    "Electronics",
    "Precision",
    "Auto Parts",
    "Industries",
    "Components",
    "Mechatronics",
    "Devices",
)
SUPPLIER_WORDS = (
    "Thang Long",
    "Hong Ha",
    "Song Da",
    "Dong Anh",
    "Gia Lam",
    "Soc Son",
    "Phu Dien",
    "Hoa Binh",
    "Minh Phat",
    "Tan Tien",
    "Viet Nhat",
    "An Phu",
    "Dai Duong",
    "Kim Long",
)
SUPPLIER_KINDS = (
    "Mechanical",
    "Plastics",
    "Electronics",
    "Precision",
    "Rubber",
    "Packaging",
    "Garment Accessories",
)
FIRST_NAMES = (
    "Minh",
    "Lan",
    "Hung",
    "Thu",
    "Tuan",
    "Mai",
    "Duc",
    "Ha",
    "Quang",
    "Linh",
    "Ji-woo",
    "Min-jun",
    "Haruto",
    "Yui",
    "Wei",
    "Anna",
    "Tom",
)
LAST_NAMES = (
    "Nguyen",
    "Tran",
    "Le",
    "Pham",
    "Hoang",
    "Vu",
    "Dang",
    "Bui",
    "Kim",
    "Park",
    "Sato",
    "Tanaka",
    "Chen",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleSpec:
    buyers: int = 40
    suppliers: int = 190
    days: int = 1
    seed: int = 0
    pooled_tables: bool = False
    slot_minutes: int = 20
    first_day: date = date(2026, 11, 19)
    name: str | None = None


def generate_event(spec: SampleSpec) -> Event:
    """A deterministic synthetic event for a given spec."""
    rng = random.Random(spec.seed)
    sessions = []
    for d in range(spec.days):
        day = datetime.combine(spec.first_day + timedelta(days=d), datetime.min.time())
        sessions.append(
            Session(
                id=f"d{d + 1}-am",
                start=day.replace(hour=8, minute=30),
                end=day.replace(hour=11, minute=30),
            )
        )
        sessions.append(
            Session(
                id=f"d{d + 1}-pm",
                start=day.replace(hour=13, minute=30),
                end=day.replace(hour=16, minute=30),
            )
        )
    session_ids = [s.id for s in sessions]

    organisations: list[Organisation] = []
    participants: list[Participant] = []
    buyers: list[tuple[Participant, Organisation, float, tuple[str, ...]]] = []
    for i in range(spec.buyers):
        country, language = _pick_country(rng)
        sectors = tuple(
            sorted(
                rng.sample(SECTORS[:4] if rng.random() < 0.8 else SECTORS, rng.choice((1, 1, 2)))
            )
        )
        needs = ("IATF 16949",) if "auto-parts" in sectors and rng.random() < 0.6 else ("ISO 9001",)
        if "medical-devices" in sectors:
            needs = ("ISO 13485",)
        org = Organisation(
            id=f"B{i + 1:03d}",
            name=f"{rng.choice(BUYER_WORDS)} {rng.choice(BUYER_KINDS)} Vietnam",
            role="buyer",
            country=country,
            sectors=sectors,
            certifications=("ISO 9001",),
            languages=(language, "en") if language != "en" else ("en",),
            extra={"looking_for": list(needs)},
        )
        organisations.append(org)
        delegates = 2 if rng.random() < 0.1 else 1
        popularity = 1.0 / (i + 1) ** 0.8  # Zipf-like: the first buyers are the famous ones
        for k in range(delegates):
            person = Participant(
                id=f"{org.id}-{k + 1}",
                organisation=org.id,
                name=_person_name(rng),
                email=f"{org.id.lower()}-{k + 1}@buyer.example",
                languages=org.languages,
                available=_attendance(rng, session_ids, spec.days, share_partial=0.1),
                unavailable=_unavailable(rng, sessions, share=0.08),
                max_meetings=None if rng.random() < 0.7 else rng.randint(8, 12) * spec.days,
            )
            participants.append(person)
            buyers.append((person, org, popularity, needs))

    suppliers: list[tuple[Participant, Organisation]] = []
    for i in range(spec.suppliers):
        sectors = tuple(sorted(rng.sample(SECTORS, rng.choice((1, 1, 1, 2)))))
        certifications = ["ISO 9001"] if rng.random() < 0.55 else []
        if certifications and rng.random() < 0.3:
            certifications.append("ISO 14001")
        if "auto-parts" in sectors and certifications and rng.random() < 0.15:
            certifications.append("IATF 16949")
        if "medical-devices" in sectors and certifications and rng.random() < 0.3:
            certifications.append("ISO 13485")
        languages = (
            ["vi"]
            + (["en"] if rng.random() < 0.5 else [])
            + (["ko"] if rng.random() < 0.04 else [])
            + (["ja"] if rng.random() < 0.03 else [])
        )
        org = Organisation(
            id=f"S{i + 1:03d}",
            name=f"{rng.choice(SUPPLIER_WORDS)} {rng.choice(SUPPLIER_KINDS)} JSC",
            role="supplier",
            country="VN",
            sectors=sectors,
            certifications=tuple(certifications),
            languages=tuple(languages),
            extra={"products": sorted(rng.sample(SECTOR_PRODUCTS[sectors[0]], 2))},
        )
        organisations.append(org)
        person = Participant(
            id=f"{org.id}-1",
            organisation=org.id,
            name=_person_name(rng),
            email=f"{org.id.lower()}@supplier.example",
            languages=org.languages,
            available=_attendance(rng, session_ids, spec.days, share_partial=0.25),
            unavailable=_unavailable(rng, sessions, share=0.1),
            max_meetings=None if rng.random() < 0.8 else rng.randint(4, 8) * spec.days,
        )
        participants.append(person)
        suppliers.append((person, org))

    requests = _requests(rng, buyers, suppliers)
    interpreters = {}
    for language in sorted(INTERPRETED):
        users = sum(1 for _, org, _, _ in buyers if language in org.languages)
        if users:
            interpreters[f"interpreter:{language}"] = max(1, round(users * 0.4))
    if spec.pooled_tables:
        tables = tuple(Table(id=f"T{t + 1:03d}") for t in range(max(1, round(len(buyers) * 0.85))))
    else:
        tables = tuple(
            Table(id=f"T{t + 1:03d}", host=person.id) for t, (person, _, _, _) in enumerate(buyers)
        )
        tables += tuple(
            Table(id=f"T{len(buyers) + t + 1:03d}") for t in range(max(1, len(buyers) // 10))
        )
    return Event(
        name=spec.name
        or f"Supplier connection conference ({spec.buyers} buyers, {spec.suppliers} suppliers)",
        timezone="Asia/Ho_Chi_Minh",
        slot_minutes=spec.slot_minutes,
        sessions=tuple(sessions),
        resources=tuple(sorted(interpreters.items())),
        max_breaks=None,
        tables=tables,
        organisations=tuple(organisations),
        participants=tuple(participants),
        requests=requests,
    )


def _pick_country(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    for country, language, share in BUYER_COUNTRIES:
        if roll < share:
            return country, language
        roll -= share
    return BUYER_COUNTRIES[-1][0], BUYER_COUNTRIES[-1][1]


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _attendance(
    rng: random.Random, session_ids: list[str], days: int, share_partial: float
) -> tuple[str, ...] | None:
    if rng.random() >= share_partial:
        return None
    if days > 1 and rng.random() < 0.5:
        kept_days = sorted(rng.sample(range(1, days + 1), rng.randint(1, days - 1)))
        return tuple(s for s in session_ids if int(s[1 : s.index("-")]) in kept_days)
    half = rng.choice(("am", "pm"))
    return tuple(s for s in session_ids if s.endswith(half))


def _unavailable(
    rng: random.Random, sessions: list[Session], share: float
) -> tuple[TimeRange, ...]:
    if rng.random() >= share:
        return ()
    session = rng.choice(sessions)
    start = session.start + timedelta(minutes=20 * rng.randint(0, 6))
    return (TimeRange(start=start, end=start + timedelta(minutes=rng.choice((40, 60)))),)


def _requests(
    rng: random.Random,
    buyers: list[tuple[Participant, Organisation, float, tuple[str, ...]]],
    suppliers: list[tuple[Participant, Organisation]],
) -> tuple[MeetingRequest, ...]:
    wishes: dict[
        tuple[str, str], tuple[str, str, int]
    ] = {}  # (buyer, supplier) -> (from, to, priority)

    def match(b_org: Organisation, s_org: Organisation) -> bool:
        return bool(set(b_org.sectors) & set(s_org.sectors))

    for buyer, b_org, _, needs in buyers:
        candidates = [(s, o) for s, o in suppliers if match(b_org, o)]
        rng.shuffle(candidates)
        qualified = [c for c in candidates if set(needs) <= set(c[1].certifications)]
        others = [c for c in candidates if c not in qualified]
        wanted = rng.randint(8, 14)
        for s, o in (qualified + others)[:wanted]:
            priority = 3 if set(needs) <= set(o.certifications) else rng.choice((1, 2, 2))
            wishes[buyer.id, s.id] = (buyer.id, s.id, priority)

    weights = [popularity for _, _, popularity, _ in buyers]
    for supplier, s_org in suppliers:
        relevant = [i for i, (_, b_org, _, _) in enumerate(buyers) if match(b_org, s_org)] or list(
            range(len(buyers))
        )
        count = min(len(relevant), rng.randint(2, 5))
        chosen: set[int] = set()
        while len(chosen) < count:
            chosen.add(rng.choices(relevant, weights=[weights[i] for i in relevant])[0])
        for rank, i in enumerate(sorted(chosen, key=lambda i: -weights[i])):
            buyer = buyers[i][0]
            priority = 3 if rank == 0 else 2 if rank < 3 else 1
            key = (buyer.id, supplier.id)
            if key in wishes:
                wishes[key] = (*wishes[key][:2], max(priority, wishes[key][2]))
            else:
                wishes[key] = (supplier.id, buyer.id, priority)

    buyer_language = {b.id: set(o.languages) for b, o, _, _ in buyers}
    supplier_language = {s.id: set(o.languages) for s, o in suppliers}
    requests: list[MeetingRequest] = []
    for n, ((buyer_id, supplier_id), (src, dst, priority)) in enumerate(
        sorted(wishes.items(), key=lambda kv: rng.random())
    ):
        interpreters = sorted(
            f"interpreter:{lang}"
            for lang in buyer_language[buyer_id] & INTERPRETED
            if not supplier_language[supplier_id] & buyer_language[buyer_id] - {"vi"}
        )
        requests.append(
            MeetingRequest(
                id=f"R{n + 1:05d}",
                from_id=src,
                to_id=dst,
                priority=priority,
                requires=tuple(interpreters[:1]),
            )
        )
    return tuple(requests)
