"""The portal's catalogue: the other side of the event as cards, filtered, ordered by fit (or
name) and paged; the filter values; one counterpart's card; my suggestions as cards."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlmodel import Session, col, select

from web import models as m
from web.usecases import matching, search
from web.usecases.errors import Msg, NotFound
from web.usecases.requests import other_role, role_of


class Order(enum.StrEnum):
    NAME = "name"  # by organisation, then person: a directory
    FIT = "fit"  # best fit first (the matching score); people without a side last


@dataclass
class Filters:
    q: str = ""
    sector: str = ""
    certification: str = ""
    country: str = ""
    language: str = ""
    order: Order = Order.NAME

    def narrowed(self) -> bool:
        return bool(self.q or self.sector or self.certification or self.country or self.language)


@dataclass
class Card:
    person: m.Participant
    org: m.Organisation | None
    fit: matching.Explained | None = None

    @property
    def languages(self) -> list[str]:
        """The person's languages, then their organisation's."""
        own = list(self.person.languages or ())
        return own + [x for x in (self.org.languages if self.org else ()) if x not in own]


@dataclass
class Page:
    cards: list[Card]
    total: int
    page: int
    pages: int


def counterparts(db: Session, me: m.Participant, q: str = "") -> list[Card]:
    """Everyone `me` may ask for a meeting (the other side; anyone if `me` has no side)
    whose name, organisation or profile holds every word of `q` (web.usecases.search)."""
    query = (
        select(m.Participant, m.Organisation)
        .join(m.Organisation, col(m.Participant.organisation_id) == m.Organisation.id, isouter=True)
        .where(m.Participant.event_id == me.event_id, m.Participant.id != me.id)
    )
    found = search.matches(
        q,
        col(m.Participant.search_key),
        col(m.Organisation.search_key),
        col(m.Organisation.profile_key),
    )
    if found is not None:
        query = query.where(found)
    rows = db.exec(query.order_by(col(m.Organisation.name), col(m.Participant.name))).all()
    wanted = other_role(role_of(db, me))
    return [Card(p, o) for p, o in rows if wanted is None or (o is not None and o.role == wanted)]


def _has(values: list[str] | None, wanted: str) -> bool:
    return not wanted or wanted.casefold() in {v.casefold() for v in values or ()}


def _kept(card: Card, f: Filters) -> bool:
    o = card.org
    country_ok = not f.country or (
        o is not None and (o.country or "").casefold() == f.country.casefold()
    )
    return (
        country_ok
        and _has(o.sectors if o else [], f.sector)
        and _has(o.certifications if o else [], f.certification)
        and _has(card.languages, f.language)
    )


@dataclass
class View:
    """What the catalogue page shows."""

    page: Page
    suggestions: list[Card] | None  # None when not asked for
    unstated: tuple[str, ...]  # profile fields that would improve my suggestions
    facets: dict[str, list[str]]


def browse(
    db: Session,
    me: m.Participant,
    f: Filters,
    page: int = 1,
    size: int = 12,
    *,
    with_suggestions: bool = True,
) -> View:
    """One page of the other side matching every filter, each card with its fit to me; my
    suggestions (when asked) and the filter values."""
    snap = matching.snapshot(db, me.event_id)
    everyone = counterparts(db, me)
    cards = everyone if not f.q.strip() else counterparts(db, me, f.q)
    cards = [c for c in cards if _kept(c, f)]
    fits = matching.fits(db, me, snap)
    for c in cards:
        c.fit = fits.get(c.person.id)
    if f.order is Order.FIT:
        # best fit first; people without a side (no fit) after, in name order (stable sort)
        cards.sort(key=lambda c: (c.fit is None, c.fit.rank if c.fit else ()))
    size = max(1, size)
    pages = max(1, -(-len(cards) // size))
    page = min(max(1, page), pages)
    shown = Page(
        cards=cards[(page - 1) * size : page * size], total=len(cards), page=page, pages=pages
    )
    suggested: list[Card] | None = None
    unstated: tuple[str, ...] = ()
    if with_suggestions:
        found = matching.suggestions(db, me, snap=snap)
        by_id = {c.person.id: c for c in everyone}
        suggested = [
            Card(by_id[pid].person, by_id[pid].org, fit) for pid, fit in found.found if pid in by_id
        ]
        unstated = found.unstated
    return View(page=shown, suggestions=suggested, unstated=unstated, facets=_facets(everyone))


def card(db: Session, me: m.Participant, participant_id: int) -> Card:
    """One counterpart I may ask for a meeting, with its fit; NotFound for anyone else."""
    other = db.get(m.Participant, participant_id)
    if other is None or other.event_id != me.event_id or other.id == me.id:
        raise NotFound(Msg("participant.not_found"))
    org = db.get(m.Organisation, other.organisation_id) if other.organisation_id else None
    wanted = other_role(role_of(db, me))
    if wanted is not None and (org is None or org.role != wanted):
        raise NotFound(Msg("participant.not_found"))
    return Card(other, org, matching.fits(db, me).get(other.id))


def _facets(everyone: list[Card]) -> dict[str, list[str]]:
    """Values offered in the filter drop-downs."""
    sectors: set[str] = set()
    certs: set[str] = set()
    countries: set[str] = set()
    langs: set[str] = set()
    for c in everyone:
        langs.update(c.languages)
        if c.org:
            sectors.update(c.org.sectors or ())
            certs.update(c.org.certifications or ())
            if c.org.country:
                countries.add(c.org.country)
    return {
        "sectors": sorted(sectors),
        "certifications": sorted(certs),
        "countries": sorted(countries),
        "languages": sorted(langs),
    }
