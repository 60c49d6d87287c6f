"""The baseline of the matching benchmark: the portal's first "suggested for you" score, kept
to measure scheduler.matching against (the web app no longer uses it).

A counterpart's fit to what a buyer looks for, with the reasons. Pure: plain data in, plain
data out. Weights: a required certification 3, a sector 2, a
product 2, a language 1; the score is the matched share of the weight of what was asked for.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

WEIGHTS = {"certification": 3, "sector": 2, "product": 2, "language": 1}


class Kind(enum.StrEnum):
    CERTIFICATION = "certification"
    SECTOR = "sector"
    PRODUCT = "product"
    LANGUAGE = "language"


@dataclass(frozen=True, slots=True, kw_only=True)
class Needs:
    """What a buyer looks for (Organisation.looking_for)."""

    sectors: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: dict[str, list[str]] | None) -> Needs:
        data = data or {}
        return cls(
            sectors=tuple(data.get("sectors", ())),
            products=tuple(data.get("products", ())),
            certifications=tuple(data.get("certifications", ())),
            languages=tuple(data.get("languages", ())),
        )

    def empty(self) -> bool:
        return not (self.sectors or self.products or self.certifications or self.languages)


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    id: int
    name: str
    sectors: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Reason:
    kind: Kind
    value: str
    ok: bool


@dataclass(frozen=True, slots=True)
class Match:
    candidate: Candidate
    score: int  # 0..100
    reasons: tuple[Reason, ...]


def _norm(values: Iterable[str]) -> set[str]:
    return {v.strip().casefold() for v in values if v.strip()}


def _product_match(wanted: str, offered: Iterable[str]) -> bool:
    w = wanted.strip().casefold()
    return any(w in o.casefold() or o.casefold() in w for o in offered if o.strip())


def score(needs: Needs, candidate: Candidate) -> Match:
    """Score one candidate; every stated need gives one reason (met or not)."""
    reasons: list[Reason] = []
    got = total = 0

    def add(kind: Kind, value: str, ok: bool) -> None:
        nonlocal got, total
        total += WEIGHTS[kind.value]
        got += WEIGHTS[kind.value] if ok else 0
        reasons.append(Reason(kind, value, ok))

    certs, sectors, langs = (
        _norm(candidate.certifications),
        _norm(candidate.sectors),
        _norm(candidate.languages),
    )
    for c in needs.certifications:
        add(Kind.CERTIFICATION, c, c.strip().casefold() in certs)
    for s in needs.sectors:
        add(Kind.SECTOR, s, s.strip().casefold() in sectors)
    for p in needs.products:
        add(Kind.PRODUCT, p, _product_match(p, candidate.products))
    for lang in needs.languages:
        add(Kind.LANGUAGE, lang, lang.strip().casefold() in langs)
    return Match(candidate, round(100 * got / total) if total else 0, tuple(reasons))


def suggest(needs: Needs, candidates: Iterable[Candidate], limit: int = 10) -> list[Match]:
    """Best fits first (ties by name, then id); candidates matching nothing are left out."""
    matches = [score(needs, c) for c in candidates]
    ranked = sorted(
        (m for m in matches if m.score > 0),
        key=lambda m: (-m.score, m.candidate.name.casefold(), m.candidate.id),
    )
    return ranked[:limit]
