"""The matching score: how well a buyer and a supplier fit, term by term, and the ranked
suggestions for either side. Weights and rules are explained in docs/matching.md."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from scheduler.matching.concepts import (
    broader,
    certification_key,
    certifications_held,
    content_words,
    find_products,
    sector_key,
    sectors_of,
    words,
)
from scheduler.matching.profiles import (
    Code,
    Context,
    Fit,
    Profile,
    Reason,
    Relation,
    Role,
    Suggestion,
    Term,
    TermScore,
)
from scheduler.text import fold

# Points of each term when it applies; the score is the share earned of the terms that apply.
WEIGHTS: dict[Term, int] = {
    Term.PRODUCTS: 40,  # what the buyer came for
    Term.CERTIFICATIONS: 25,  # a hard requirement of the buyer's purchasing rules
    Term.SECTORS: 15,  # a coarse signal: many firms of a sector make other things
    Term.SEEKS: 10,  # the supplier's own wishes: a meeting both sides want
    Term.LANGUAGES: 10,  # an interpreter bridges most gaps, at a cost
    Term.COUNTRY: 5,
    Term.SIZE: 5,
}
NO_INTERPRETERS = Context()
EVERY_RELATION = frozenset(Relation)
STATED = 1.0  # strength of what a profile lists (products, needs)
PROSE = 0.5  # strength of what its description only mentions
INTERPRETED = 0.5  # share of the language term earned through an interpreter
GAP_COST = 0.5  # share of the whole score lost when every required certification is missing
BEST_SHARE = 0.5  # share of the product term earned by the best single product match


@dataclass(frozen=True, slots=True)
class _Wanted:
    key: str | None  # a vocabulary concept, or None for a product the vocabulary lacks
    words: frozenset[str]  # the content words of a product the vocabulary lacks
    weight: float  # evidence: STATED when listed, PROSE when only described, both added
    written: str
    listed: bool


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the score needs of one profile, read once."""

    offered: dict[str, tuple[float, str]]  # concept -> (strength, as written)
    offered_words: dict[str, float]  # content word -> strength
    wanted: tuple[_Wanted, ...]
    sectors: frozenset[str]  # stated, and implied by the products offered
    wanted_sectors: tuple[str, ...]
    held: dict[str, str]  # canonical certification -> as written
    required: tuple[tuple[str, str], ...]  # (canonical, as written)
    languages: tuple[str, ...]


@lru_cache(maxsize=8192)
def _read(profile: Profile) -> _Reading:
    offered: dict[str, tuple[float, str]] = {}
    offered_words: dict[str, float] = {}
    wanted: list[_Wanted] = []
    evidence: dict[str, float] = {}  # wanted concept -> weight of the evidence for it
    written: dict[str, str] = {}
    listed: set[str] = set()

    def offer(key: str, strength: float, written: str) -> None:
        for k in (key, *broader(key)):
            if offered.get(k, (0.0, ""))[0] < strength:
                offered[k] = (strength, written)

    def want(text: str, weight: float, free: bool) -> None:
        mentions, rest = find_products(text)
        for mention in mentions:
            if mention.key in evidence:  # said again: more likely a real need
                evidence[mention.key] = min(STATED + PROSE, evidence[mention.key] + weight)
            else:
                evidence[mention.key] = weight
                written[mention.key] = text if free else mention.said
            if free:
                listed.add(mention.key)
        leftover = content_words(rest)
        if free and not mentions and leftover:
            wanted.append(_Wanted(None, leftover, weight, text, listed=True))

    for item in profile.products:
        mentions, _ = find_products(item)
        for mention in mentions:
            offer(mention.key, STATED, item)
        for word in content_words(words(item)):
            offered_words[word] = STATED
    mentions, _ = find_products(profile.description)
    for mention in mentions:
        offer(mention.key, PROSE, mention.said)
    for word in content_words(words(profile.description)):
        offered_words.setdefault(word, PROSE)

    for item in profile.wants.products:
        want(item, STATED, free=True)
    if profile.role is Role.BUYER:
        want(profile.description, PROSE, free=False)
    wanted[:0] = [
        _Wanted(key, frozenset(), w, written[key], listed=key in listed)
        for key, w in evidence.items()
    ]

    sectors = {sector_key(s) for s in profile.sectors}
    sectors.update(s for key in offered for s in sectors_of(key))
    own_sectors = tuple(dict.fromkeys(sector_key(s) for s in profile.sectors))
    stated_wants = tuple(dict.fromkeys(sector_key(s) for s in profile.wants.sectors))
    return _Reading(
        offered=offered,
        offered_words=offered_words,
        wanted=tuple(wanted),
        sectors=frozenset(sectors),
        wanted_sectors=stated_wants or own_sectors,
        held=certifications_held(profile.certifications),
        required=tuple(
            dict.fromkeys((certification_key(c), c) for c in profile.wants.certifications)
        ),
        languages=tuple(dict.fromkeys(fold(lang) for lang in profile.languages if lang.strip())),
    )


def fit(buyer: Profile, supplier: Profile, context: Context = NO_INTERPRETERS) -> Fit:
    """How well `supplier` meets what `buyer` needs, and what it seeks in the buyer."""
    b, s = _read(buyer), _read(supplier)
    terms: list[TermScore] = []
    reasons: list[Reason] = []
    for term, rule in _RULES:
        result = rule(buyer, supplier, b, s, context)
        if result is not None:
            share, why = result
            terms.append(TermScore(term, WEIGHTS[term], share))
            reasons.extend(Reason(term, code, values) for code, values in why)
    total = sum(t.weight for t in terms)
    value = 100 * sum(t.points for t in terms) / total if total else 0.0
    certified = next((t.share for t in terms if t.term is Term.CERTIFICATIONS), 1.0)
    value *= 1 - GAP_COST * (1 - certified)
    return Fit(
        buyer=buyer.id,
        supplier=supplier.id,
        value=value,
        terms=tuple(terms),
        reasons=tuple(reasons),
    )


_Why = list[tuple[Code, tuple[str, ...]]]
_Result = tuple[float, _Why] | None


def _products(buyer: Profile, supplier: Profile, b: _Reading, s: _Reading, _: Context) -> _Result:
    """The buyer's needed products against the supplier's products and capabilities."""
    if not b.wanted:
        return None
    why: _Why = []
    best = covered = 0.0
    for want in b.wanted:
        if want.key is not None:
            strength, written = s.offered.get(want.key, (0.0, ""))
        else:
            strength = min(s.offered_words.get(w, 0.0) for w in want.words)
            written = " ".join(sorted(want.words))
        if strength > 0:
            why.append((Code.PRODUCT_MATCH, (want.key or want.written, want.written, written)))
        best = max(best, strength * want.weight)
        covered += strength * want.weight
    coverage = covered / sum(w.weight for w in b.wanted)
    best /= max(w.weight for w in b.wanted)
    if not why:
        listed = [w.written for w in b.wanted if w.listed] or [w.key or w.written for w in b.wanted]
        why.append((Code.PRODUCT_MISSING, tuple(listed)))
    return BEST_SHARE * best + (1 - BEST_SHARE) * coverage, why


def _certifications(
    buyer: Profile, supplier: Profile, b: _Reading, s: _Reading, _: Context
) -> _Result:
    """Gap rule: each required certification the supplier lacks costs its share of the term
    and is named, with what the supplier holds instead."""
    if not b.required:
        return None
    why: _Why = []
    for key, written in b.required:
        if key in s.held:
            why.append((Code.CERTIFICATION_HELD, (written,)))
        else:
            why.append(
                (Code.CERTIFICATION_GAP, (written, *(c for c in supplier.certifications if c)))
            )
    held = sum(1 for code, _ in why if code is Code.CERTIFICATION_HELD)
    return held / len(b.required), why


def _sectors(buyer: Profile, supplier: Profile, b: _Reading, s: _Reading, _: Context) -> _Result:
    """The buyer's wanted sectors (or its own) against the supplier's, stated or implied by
    what it makes."""
    if not b.wanted_sectors:
        return None
    common = [x for x in b.wanted_sectors if x in s.sectors]
    if common:
        return 1.0, [(Code.SECTOR_MATCH, (common[0],))]
    return 0.0, [(Code.SECTOR_OTHER, b.wanted_sectors)]


def _seeks(buyer: Profile, supplier: Profile, b: _Reading, s: _Reading, _: Context) -> _Result:
    """What the supplier says it seeks in a buyer: sectors, countries, products, languages,
    sizes; each kind stated is met or not."""
    wants = supplier.wants
    why: _Why = []
    buyer_sectors = set(b.wanted_sectors) | b.sectors
    sought_sectors = [sector_key(x) for x in wants.sectors]
    if sought_sectors:
        hit = next((x for x in sought_sectors if x in buyer_sectors), None)
        why.append(_sought("sectors", hit, wants.sectors))
    if wants.countries:
        country = (buyer.country or "").upper()
        hit = next((c for c in wants.countries if c.upper() == country), None)
        why.append(_sought("countries", hit, wants.countries))
    if wants.products:
        needed = {w.key for w in b.wanted if w.key} | set(b.offered)
        hit = next(
            (p for p in wants.products if any(m.key in needed for m in find_products(p)[0])), None
        )
        why.append(_sought("products", hit, wants.products))
    if wants.languages:
        hit = next((x for x in wants.languages if fold(x) in b.languages), None)
        why.append(_sought("languages", hit, wants.languages))
    if wants.sizes:
        hit = next((x for x in wants.sizes if fold(x) == fold(buyer.size or "")), None)
        why.append(_sought("sizes", hit, wants.sizes))
    if not why:
        return None
    met = sum(1 for code, _ in why if code is Code.SEEKS_MATCH)
    return met / len(why), why


def _sought(kind: str, hit: str | None, sought: tuple[str, ...]) -> tuple[Code, tuple[str, ...]]:
    return (Code.SEEKS_MATCH, (kind, hit)) if hit else (Code.SEEKS_OTHER, (kind, *sought))


def _languages(
    buyer: Profile, supplier: Profile, b: _Reading, s: _Reading, context: Context
) -> _Result:
    """A language both speak; else one the event's interpreters translate; else none."""
    spoken = tuple(fold(x) for x in buyer.wants.languages) or b.languages
    if not spoken:
        return None
    common = next((x for x in spoken if x in s.languages), None)
    if common:
        return 1.0, [(Code.LANGUAGE_DIRECT, (common,))]
    interpreters = {fold(x) for x in context.interpreters}
    bridged = next((x for x in (*spoken, *s.languages) if x in interpreters), None)
    if bridged:
        return INTERPRETED, [(Code.LANGUAGE_INTERPRETER, (bridged,))]
    return 0.0, [(Code.LANGUAGE_NONE, spoken)]


def _country(buyer: Profile, supplier: Profile, b: _Reading, s: _Reading, _: Context) -> _Result:
    wanted = buyer.wants.countries
    if not wanted:
        return None
    country = (supplier.country or "").upper()
    if country and country in {c.upper() for c in wanted}:
        return 1.0, [(Code.COUNTRY_MATCH, (country,))]
    return 0.0, [(Code.COUNTRY_OTHER, (country, *wanted))]


def _size(buyer: Profile, supplier: Profile, b: _Reading, s: _Reading, _: Context) -> _Result:
    wanted = buyer.wants.sizes
    if not wanted:
        return None
    size = supplier.size or ""
    if size and fold(size) in {fold(x) for x in wanted}:
        return 1.0, [(Code.SIZE_MATCH, (size,))]
    return 0.0, [(Code.SIZE_OTHER, (size, *wanted))]


_RULES = (
    (Term.PRODUCTS, _products),
    (Term.CERTIFICATIONS, _certifications),
    (Term.SECTORS, _sectors),
    (Term.SEEKS, _seeks),
    (Term.LANGUAGES, _languages),
    (Term.COUNTRY, _country),
    (Term.SIZE, _size),
)


def rank_key(fit: Fit, counterpart_id: str) -> tuple[float | str, ...]:
    """Best first: the score, then each term's share in the order of `Term` (products
    first), then the counterpart's id, so that equal scores are ordered by fit, not by name."""
    shares = tuple(-(fit.share(term) or 0.0) for term in Term)
    return (-fit.value, *shares, counterpart_id)


def suggest(
    me: Profile,
    counterparts: Iterable[Profile],
    *,
    context: Context = NO_INTERPRETERS,
    relations: Mapping[str, Relation] | None = None,
    hide: frozenset[Relation] = EVERY_RELATION,
    limit: int | None = 10,
) -> tuple[Suggestion, ...]:
    """The counterparts (the other role) that fit `me` best, best first.

    `relations`: my past contacts by counterpart id; those whose relation is in `hide` are
    left out, the others are marked with it. Counterparts with nothing in common on what is
    made and sought (`Fit.relevant`) are left out."""
    relations = relations or {}
    found: list[tuple[tuple[float | str, ...], Suggestion]] = []
    for other in counterparts:
        if other.role is me.role or other.id == me.id:
            continue
        relation = relations.get(other.id)
        if relation is not None and relation in hide:
            continue
        pair = fit(me, other, context) if me.role is Role.BUYER else fit(other, me, context)
        if pair.relevant:
            suggestion = Suggestion(counterpart=other, fit=pair, relation=relation)
            found.append((rank_key(pair, other.id), suggestion))
    found.sort(key=lambda item: item[0])
    ranked = tuple(s for _, s in found)
    return ranked if limit is None else ranked[:limit]


def unstated(profile: Profile) -> tuple[str, ...]:
    """The profile fields that would give better suggestions if filled in, most useful first
    ("wants.products" for a buyer whose needs name no product; "products" for a supplier whose
    profile names nothing it makes): what to tell someone who sees few or no suggestions."""
    reading = _read(profile)
    if profile.role is Role.BUYER:
        checks = (
            ("wants.products", bool(reading.wanted)),
            ("wants.certifications", bool(reading.required)),
            ("sectors", bool(reading.wanted_sectors)),
        )
    else:
        checks = (
            ("products", bool(reading.offered or profile.products)),
            ("certifications", bool(reading.held)),
            ("sectors", bool(profile.sectors)),
        )
    return tuple(name for name, stated in checks if not stated)
