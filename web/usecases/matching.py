"""Suggested meetings: counterparts ranked by fit, for one participant or every buyer."""

from __future__ import annotations

from sqlmodel import Session, col, select

from web import models as m
from web.usecases.catalogue import Card, counterparts
from web.usecases.requests import role_of
from web.usecases.scoring import Candidate, Match, Needs, suggest


def suggestions(db: Session, me: m.Participant, limit: int = 10) -> list[tuple[Match, Card]]:
    """Counterparts ranked by fit to my organisation's `looking_for` (empty if none stated)."""
    org = db.get(m.Organisation, me.organisation_id) if me.organisation_id else None
    needs = Needs.from_mapping(org.looking_for if org else None)
    if needs.empty():
        return []
    cards = {c.person.id: c for c in counterparts(db, me)}
    candidates = []
    for c in cards.values():
        o = c.org
        candidates.append(
            Candidate(
                id=c.person.id,
                name=(o.name if o else "") + " " + c.person.name,
                sectors=tuple(o.sectors if o else ()),
                products=tuple(o.products if o else ()),
                certifications=tuple(o.certifications if o else ()),
                languages=tuple(c.person.languages or ()) + tuple(o.languages if o else ()),
            )
        )
    return [(mt, cards[mt.candidate.id]) for mt in suggest(needs, candidates, limit)]


def for_organiser(
    db: Session, event_id: int, per_buyer: int = 3
) -> list[tuple[m.Participant, Match, Card]]:
    """For each buyer, the best-fitting suppliers not yet paired with them in any request."""
    pairs = {
        frozenset((r.from_id, r.to_id))
        for r in db.exec(select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id))
    }
    out: list[tuple[m.Participant, Match, Card]] = []
    people = db.exec(
        select(m.Participant)
        .where(m.Participant.event_id == event_id)
        .order_by(col(m.Participant.ext_id))
    ).all()
    for buyer in people:
        if role_of(db, buyer) != "buyer":
            continue
        fresh = [
            (match, card)
            for match, card in suggestions(db, buyer, limit=100)
            if frozenset((buyer.id, card.person.id)) not in pairs
        ]
        out.extend((buyer, match, card) for match, card in fresh[:per_buyer])
    return out
