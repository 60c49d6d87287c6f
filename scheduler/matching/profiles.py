"""What the matchmaker reads (profiles, the event's interpreters, past contacts) and what it
returns (fits, term by term, with reasons as codes and values for the caller to translate)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class Role(enum.StrEnum):
    BUYER = "buyer"
    SUPPLIER = "supplier"


@dataclass(frozen=True, slots=True, kw_only=True)
class Wants:
    """What one side says it looks for in the other.

    A buyer's: what it needs from suppliers (`certifications` are required of them). A
    supplier's: the buyers it seeks (`certifications` and `sizes` are not used for it)."""

    sectors: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, data: Mapping[str, object] | Iterable[str] | None) -> Wants:
        """From a b2b-event/1 `looking_for`: a mapping of lists, or a bare list meaning
        certifications (as in the samples); anything else means nothing stated."""
        if data is None or isinstance(data, str):
            return cls()
        if not isinstance(data, Mapping):
            return cls(certifications=_strings(data))

        def get(key: str) -> tuple[str, ...]:
            value = data.get(key)
            return _strings(value) if isinstance(value, list | tuple) else ()

        return cls(
            sectors=get("sectors"),
            products=get("products"),
            certifications=get("certifications"),
            languages=get("languages"),
            countries=get("countries"),
            sizes=get("sizes"),
        )


def _strings(values: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(v).strip() for v in values if str(v).strip())


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """One participant as the matchmaker sees it: their organisation's profile plus their own
    languages. `id` is the caller's key (unique among the profiles of one call)."""

    id: str
    role: Role
    name: str = ""
    country: str | None = None  # ISO 3166 code
    size: str | None = None  # "micro" | "small" | "medium" | "large", or the caller's words
    sectors: tuple[str, ...] = ()
    products: tuple[str, ...] = ()  # what it makes or can do (products and capabilities)
    certifications: tuple[str, ...] = ()  # held
    languages: tuple[str, ...] = ()
    description: str = ""
    wants: Wants = Wants()


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """What the event offers every meeting: languages it has interpreters for ("ko", "ja")."""

    interpreters: tuple[str, ...] = ()

    @classmethod
    def from_resources(cls, resources: Iterable[str]) -> Context:
        """From resource names as in b2b-event/1 (`interpreter:ko`); other resources ignored."""
        return cls(
            interpreters=tuple(
                sorted(
                    name.partition(":")[2].strip().casefold()
                    for name in resources
                    if name.startswith("interpreter:") and name.partition(":")[2].strip()
                )
            )
        )


class Relation(enum.StrEnum):
    """A past contact between me and a counterpart (given by the caller)."""

    REQUESTED_BY_ME = "requested_by_me"
    REQUESTED_BY_THEM = "requested_by_them"
    DECLINED = "declined"
    MET = "met"  # a meeting is scheduled or was held


class Term(enum.StrEnum):
    """The parts of the score, in the order in which they break ties."""

    PRODUCTS = "products"
    CERTIFICATIONS = "certifications"
    SECTORS = "sectors"
    SEEKS = "seeks"
    LANGUAGES = "languages"
    COUNTRY = "country"
    SIZE = "size"


class Code(enum.StrEnum):
    """What a reason says; its `values` are listed beside each code."""

    PRODUCT_MATCH = "product_match"  # (product, as the buyer wrote it, as the supplier wrote it)
    PRODUCT_MISSING = "product_missing"  # (products the buyer wants, as written, ...)
    SECTOR_MATCH = "sector_match"  # (sector,)
    SECTOR_OTHER = "sector_other"  # (sectors wanted, ...)
    CERTIFICATION_HELD = "certification_held"  # (certification required,)
    CERTIFICATION_GAP = "certification_gap"  # (certification required, certifications held, ...)
    LANGUAGE_DIRECT = "language_direct"  # (language both speak,)
    LANGUAGE_INTERPRETER = "language_interpreter"  # (language the interpreter translates,)
    LANGUAGE_NONE = "language_none"  # (buyer's languages, ...)
    SEEKS_MATCH = "seeks_match"  # (what the supplier seeks: "sectors" | "countries" | ..., value)
    SEEKS_OTHER = "seeks_other"  # (kind, values sought, ...)
    COUNTRY_MATCH = "country_match"  # (country,)
    COUNTRY_OTHER = "country_other"  # (supplier's country or "", countries wanted, ...)
    SIZE_MATCH = "size_match"  # (size,)
    SIZE_OTHER = "size_other"  # (supplier's size or "", sizes wanted, ...)


@dataclass(frozen=True, slots=True)
class Reason:
    term: Term
    code: Code
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TermScore:
    """One term of a fit: its weight and the share of it earned (0..1)."""

    term: Term
    weight: int
    share: float

    @property
    def points(self) -> float:
        return self.weight * self.share


@dataclass(frozen=True, slots=True, kw_only=True)
class Fit:
    """How well one buyer and one supplier fit, the same seen from either side."""

    buyer: str
    supplier: str
    value: float  # 0..100, unrounded: ranks
    terms: tuple[TermScore, ...]  # only the terms that apply to this pair
    reasons: tuple[Reason, ...]

    @property
    def score(self) -> int:
        """0..100, for display."""
        return round(self.value)

    @property
    def gaps(self) -> tuple[Reason, ...]:
        """Required certifications the supplier lacks."""
        return tuple(r for r in self.reasons if r.code is Code.CERTIFICATION_GAP)

    def share(self, term: Term) -> float | None:
        """The share earned of `term`; None when the term does not apply."""
        return next((t.share for t in self.terms if t.term is term), None)

    @property
    def relevant(self) -> bool:
        """Something in common on what is made and sought: a product, a sector, or what the
        supplier seeks (when none of these is stated, any point counts). Only relevant
        counterparts are suggested."""
        what = [t.share for t in self.terms if t.term in _WHAT]
        return any(s > 0 for s in what) if what else self.value > 0

    @property
    def qualified(self) -> bool:
        """The supplier makes a product the buyer needs (or, when the buyer names no product,
        is relevant) and holds every required certification."""
        products = self.share(Term.PRODUCTS)
        return not self.gaps and (products > 0 if products is not None else self.relevant)


_WHAT = (Term.PRODUCTS, Term.SECTORS, Term.SEEKS)


@dataclass(frozen=True, slots=True, kw_only=True)
class Suggestion:
    counterpart: Profile
    fit: Fit
    relation: Relation | None = None  # a past contact, when the caller asked to mark them
