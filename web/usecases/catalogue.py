"""The portal's catalogue: the other side of the event, filtered, and the filter values."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from web import models as m
from web.usecases.requests import other_role, role_of


@dataclass
class Filters:
    q: str = ""
    sector: str = ""
    certification: str = ""
    country: str = ""
    language: str = ""


@dataclass
class Card:
    person: m.Participant
    org: m.Organisation | None


def counterparts(db: Session, me: m.Participant) -> list[Card]:
    """Everyone `me` may ask for a meeting: the other side (anyone if `me` has no side)."""
    rows = db.exec(
        select(m.Participant, m.Organisation)
        .join(m.Organisation, col(m.Participant.organisation_id) == m.Organisation.id, isouter=True)
        .where(m.Participant.event_id == me.event_id, m.Participant.id != me.id)
        .order_by(col(m.Organisation.name), col(m.Participant.name))
    ).all()
    wanted = other_role(role_of(db, me))
    return [Card(p, o) for p, o in rows if wanted is None or (o is not None and o.role == wanted)]


def _has(values: list[str] | None, wanted: str) -> bool:
    return not wanted or wanted.casefold() in {v.casefold() for v in values or ()}


def catalogue(db: Session, me: m.Participant, f: Filters) -> list[Card]:
    """The other side of the event, filtered (all filters must hold; q is free text)."""
    out = []
    q = f.q.strip().casefold()
    for card in counterparts(db, me):
        o = card.org
        langs = list(card.person.languages or ()) + list(o.languages if o else ())
        country_ok = not f.country or (
            o is not None and (o.country or "").casefold() == f.country.casefold()
        )
        if not (
            _has(o.sectors if o else [], f.sector)
            and _has(o.certifications if o else [], f.certification)
            and country_ok
            and _has(langs, f.language)
        ):
            continue
        if q:
            words = [card.person.name]
            if o:
                words += [o.name, o.description, o.country or "", *o.products, *o.sectors]
                words += o.certifications
            if q not in " ".join(words).casefold():
                continue
        out.append(card)
    return out


def facets(db: Session, me: m.Participant) -> dict[str, list[str]]:
    """Values offered in the filter drop-downs."""
    sectors: set[str] = set()
    certs: set[str] = set()
    countries: set[str] = set()
    langs: set[str] = set()
    for card in counterparts(db, me):
        langs.update(card.person.languages or ())
        if card.org:
            sectors.update(card.org.sectors or ())
            certs.update(card.org.certifications or ())
            langs.update(card.org.languages or ())
            if card.org.country:
                countries.add(card.org.country)
    return {
        "sectors": sorted(sectors),
        "certifications": sorted(certs),
        "countries": sorted(countries),
        "languages": sorted(langs),
    }
