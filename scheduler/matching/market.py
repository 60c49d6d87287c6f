"""The market an organiser sees: qualified suppliers per buyer, holders per certification."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.matching.concepts import certification_key, certifications_held
from scheduler.matching.profiles import Context, Profile, Role
from scheduler.matching.score import NO_INTERPRETERS, fit


@dataclass(frozen=True, slots=True, kw_only=True)
class BuyerMarket:
    buyer: str
    qualified: int  # suppliers that make a needed product and hold every required certification
    relevant: int  # suppliers with something in common (the ones suggested)


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificationMarket:
    certification: str  # canonical name ("ISO 9001")
    required_by: int  # buyers
    held_by: int  # suppliers (an IATF 16949 holder counts for ISO 9001)


@dataclass(frozen=True, slots=True, kw_only=True)
class Market:
    buyers: tuple[BuyerMarket, ...]  # in the order given
    certifications: tuple[CertificationMarket, ...]  # every certification a buyer requires, by name


def market(profiles: Iterable[Profile], context: Context = NO_INTERPRETERS) -> Market:
    """Supply against demand over every buyer x supplier pair of the event."""
    people = tuple(profiles)
    buyers = [p for p in people if p.role is Role.BUYER]
    suppliers = [p for p in people if p.role is Role.SUPPLIER]
    rows = []
    for buyer in buyers:
        fits = [fit(buyer, supplier, context) for supplier in suppliers]
        rows.append(
            BuyerMarket(
                buyer=buyer.id,
                qualified=sum(1 for f in fits if f.qualified),
                relevant=sum(1 for f in fits if f.relevant),
            )
        )
    required: dict[str, int] = {}
    for buyer in buyers:
        for key in {certification_key(c) for c in buyer.wants.certifications if c.strip()}:
            required[key] = required.get(key, 0) + 1
    held = [certifications_held(s.certifications) for s in suppliers]
    return Market(
        buyers=tuple(rows),
        certifications=tuple(
            CertificationMarket(
                certification=key,
                required_by=count,
                held_by=sum(1 for h in held if key in h),
            )
            for key, count in sorted(required.items())
        ),
    )
