"""Suggested meetings and the market, from the matching score (scheduler.matching).

For a participant of either side: counterparts ranked by fit, each explained term by term as
message codes (translated where shown), the missing required certifications named as gaps,
and past contacts (requested, declined, met) left out of suggestions and marked elsewhere.
For the organiser: the same suggestions for every buyer, to turn into requests in bulk, and
the market (qualified suppliers and requests per buyer, holders per required certification).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from scheduler.matching import (
    Code,
    Context,
    Fit,
    Profile,
    Reason,
    Relation,
    Role,
    TermScore,
    context_of,
    fit,
    market,
    profile_of,
    rank_key,
    suggest,
    unstated,
)
from web import models as m
from web.usecases import mapper
from web.usecases.errors import Msg

SUGGESTIONS = 6  # shown to a participant: the first screen, not a second catalogue
PER_BUYER = 3  # offered to the organiser for each buyer


class Tone(enum.StrEnum):
    """How a line of an explanation reads: a fit, a missing required certification, a miss,
    or neither (an interpreter bridges the language)."""

    FIT = "fit"
    GAP = "gap"
    MISS = "miss"
    NOTE = "note"


class Viewer(enum.StrEnum):
    """Who reads an explanation: a buyer or the organiser reading about a supplier, or a
    supplier reading about a buyer ("IATF 16949 needed: you hold ISO 9001")."""

    ABOUT_SUPPLIER = "about_supplier"
    TO_SUPPLIER = "to_supplier"


@dataclass(frozen=True, slots=True)
class Line:
    tone: Tone
    message: Msg


@dataclass(frozen=True, slots=True, kw_only=True)
class Explained:
    """One counterpart's fit as a reader sees it."""

    score: int  # 0..100
    lines: tuple[Line, ...]
    terms: tuple[TermScore, ...]  # how the score is made: each term's weight and share
    qualified: bool  # makes a needed product and holds every required certification
    rank: tuple[float | str, ...]  # sorts best first (scheduler.matching.rank_key)
    relation: Relation | None = None

    @property
    def gaps(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.tone is Tone.GAP)


def _joined(values: Iterable[str]) -> str:
    return ", ".join(v for v in values if v)


def _line(reason: Reason, viewer: Viewer) -> Line | None:
    """A reason of the score as one line for `viewer` (None: nothing worth saying)."""
    code, v = reason.code, reason.values
    to_supplier = viewer is Viewer.TO_SUPPLIER
    if code is Code.PRODUCT_MATCH:
        _product, wanted, offered = v
        if to_supplier:
            return Line(Tone.FIT, Msg("match.needs_you_make", wanted=wanted, offered=offered))
        if offered.casefold() == wanted.casefold():
            return Line(Tone.FIT, Msg("match.makes", offered=offered))
        return Line(Tone.FIT, Msg("match.makes_as", offered=offered, wanted=wanted))
    if code is Code.PRODUCT_MISSING:
        key = "match.needs_not_yours" if to_supplier else "match.makes_none"
        return Line(Tone.MISS, Msg(key, needs=_joined(v)))
    if code is Code.CERTIFICATION_HELD:
        key = "match.requires_you_hold" if to_supplier else "match.holds"
        return Line(Tone.FIT, Msg(key, certification=v[0]))
    if code is Code.CERTIFICATION_GAP:
        needed, held = v[0], _joined(v[1:])
        if to_supplier:
            key = "match.you_lack" if held else "match.you_lack_all"
        else:
            key = "match.lacks" if held else "match.lacks_all"
        return Line(Tone.GAP, Msg(key, certification=needed, held=held))
    if code is Code.SECTOR_MATCH:
        return Line(Tone.FIT, Msg("match.sector", sector=v[0]))
    if code is Code.SECTOR_OTHER:
        key = "match.looks_elsewhere" if to_supplier else "match.sector_other"
        return Line(Tone.MISS, Msg(key, sectors=_joined(v)))
    if code is Code.LANGUAGE_DIRECT:
        key = "match.both_speak" if to_supplier else "match.speaks"
        return Line(Tone.FIT, Msg(key, language=v[0]))
    if code is Code.LANGUAGE_INTERPRETER:
        return Line(Tone.NOTE, Msg("match.interpreter", language=v[0]))
    if code is Code.LANGUAGE_NONE:
        return Line(Tone.MISS, Msg("match.no_language"))
    if code is Code.SEEKS_MATCH:
        kind, value = v
        if kind == "languages":  # a language code, named in the reader's language
            key = "match.you_seek_language" if to_supplier else "match.seeks_languages"
            return Line(Tone.FIT, Msg(key, language=value))
        if to_supplier:
            return Line(Tone.FIT, Msg("match.you_seek", value=value))
        return Line(Tone.FIT, Msg("match.seeks_" + kind, value=value))
    if code is Code.SEEKS_OTHER:
        key = "match.not_what_you_seek" if to_supplier else "match.seeks_other"
        return Line(Tone.MISS, Msg(key, values=_joined(v[1:])))
    if code is Code.COUNTRY_MATCH:
        return Line(Tone.FIT, Msg("match.country", country=v[0]))
    if code is Code.COUNTRY_OTHER:
        return Line(Tone.MISS, Msg("match.country_other", countries=_joined(v[1:])))
    if code is Code.SIZE_MATCH:
        return Line(Tone.FIT, Msg("match.size", size=v[0]))
    if code is Code.SIZE_OTHER:
        return Line(Tone.MISS, Msg("match.size_other", sizes=_joined(v[1:])))
    return None


def explain(
    pair: Fit, viewer: Viewer, counterpart: str, relation: Relation | None = None
) -> Explained:
    """`pair` as `viewer` reads it; `counterpart` is the other side's profile id."""
    lines = (_line(reason, viewer) for reason in pair.reasons)
    return Explained(
        score=pair.score,
        lines=tuple(line for line in lines if line is not None),
        terms=pair.terms,
        qualified=pair.qualified,
        rank=rank_key(pair, counterpart),
        relation=relation,
    )


# --- what the matchmaker reads of an event ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One event as the matchmaker reads it, keyed by participant row id."""

    profiles: dict[int, Profile]  # participants whose organisation buys or supplies
    organisation: dict[int, int | None]  # participant -> organisation row id
    context: Context  # the event's interpreters
    met: frozenset[frozenset[int]]  # pairs with a meeting in the published schedule


def snapshot(db: Session, event_id: int) -> Snapshot:
    event = mapper.event_of(db, event_id, with_requests=False)
    rows = db.exec(
        select(m.Participant.id, m.Participant.ext_id, m.Participant.organisation_id).where(
            m.Participant.event_id == event_id
        )
    ).all()
    row_of = {ext: pid for pid, ext, _org in rows}
    organisations = {o.id: o for o in event.organisations}
    profiles: dict[int, Profile] = {}
    for person in event.participants:
        org = organisations.get(person.organisation or "")
        if org is not None and org.role in (Role.BUYER, Role.SUPPLIER):
            profiles[row_of[person.id]] = profile_of(org, person)
    return Snapshot(
        profiles=profiles,
        organisation={pid: org for pid, _ext, org in rows},
        context=context_of(event),
        met=_met(db, event_id),
    )


def _met(db: Session, event_id: int) -> frozenset[frozenset[int]]:
    """The pairs that meet in the published schedule."""
    pairs = db.exec(
        select(m.Meeting.from_id, m.Meeting.to_id)
        .join(m.ScheduleVersion, col(m.Meeting.version_id) == m.ScheduleVersion.id)
        .where(
            m.ScheduleVersion.event_id == event_id,
            m.ScheduleVersion.status == m.VersionStatus.PUBLISHED,
        )
    )
    return frozenset(frozenset((a, b)) for a, b in pairs if a is not None and b is not None)


def relations(db: Session, snap: Snapshot, me: m.Participant) -> dict[int, Relation]:
    """My past contacts by participant id: met (a published meeting) before declined before
    requested (by me, or by them)."""
    out: dict[int, Relation] = {}
    for r in db.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == me.event_id,
            or_(m.MeetingRequest.from_id == me.id, m.MeetingRequest.to_id == me.id),
        )
    ):
        other = r.to_id if r.from_id == me.id else r.from_id
        if frozenset((me.id, other)) in snap.met:
            out[other] = Relation.MET
        elif r.status == m.RequestStatus.DECLINED:
            out[other] = Relation.DECLINED
        elif r.from_id == me.id:
            out[other] = Relation.REQUESTED_BY_ME
        else:
            out[other] = Relation.REQUESTED_BY_THEM
    return out


def _viewer(profile: Profile) -> Viewer:
    return Viewer.ABOUT_SUPPLIER if profile.role is Role.BUYER else Viewer.TO_SUPPLIER


def _pair(snap: Snapshot, me: Profile, other: Profile) -> Fit:
    if me.role is Role.BUYER:
        return fit(me, other, snap.context)
    return fit(other, me, snap.context)


# --- a participant's suggestions -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggestions:
    found: list[tuple[int, Explained]]  # counterpart participant id, best first
    # what to tell someone with few or no suggestions: the profile fields that would help
    # ("products", "wants.products"...), or "role" when their organisation has no side
    unstated: tuple[str, ...]


def suggestions(
    db: Session, me: m.Participant, limit: int = SUGGESTIONS, snap: Snapshot | None = None
) -> Suggestions:
    """The counterparts that fit me best, one per organisation, without anyone I already
    requested, was requested by, declined or met. `snap`: the event, if already read."""
    snap = snap or snapshot(db, me.event_id)
    mine = snap.profiles.get(me.id)
    if mine is None:
        return Suggestions([], ("role",))
    by_ext = {p.id: pid for pid, p in snap.profiles.items()}
    contacts = {snap.profiles[pid].id: rel for pid, rel in relations(db, snap, me).items()}
    ranked = suggest(
        mine, snap.profiles.values(), context=snap.context, relations=contacts, limit=None
    )
    found: list[tuple[int, Explained]] = []
    seen: set[int | None] = set()
    for s in ranked:
        pid = by_ext[s.counterpart.id]
        org = snap.organisation.get(pid)
        if org in seen:
            continue
        seen.add(org)
        found.append((pid, explain(s.fit, _viewer(mine), s.counterpart.id)))
        if len(found) == limit:
            break
    return Suggestions(found, unstated(mine))


def fits(db: Session, me: m.Participant, snap: Snapshot | None = None) -> dict[int, Explained]:
    """How every counterpart fits me (by participant id), past contacts marked."""
    snap = snap or snapshot(db, me.event_id)
    mine = snap.profiles.get(me.id)
    if mine is None:
        return {}
    contacts = relations(db, snap, me)
    return {
        pid: explain(_pair(snap, mine, other), _viewer(mine), other.id, contacts.get(pid))
        for pid, other in snap.profiles.items()
        if other.role is not mine.role
    }


# --- the organiser's view --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offer:
    """A suggested pair for the organiser: a buyer and a supplier with no request yet."""

    buyer: m.Participant
    buyer_org: m.Organisation
    supplier: m.Participant
    supplier_org: m.Organisation
    fit: Explained


def for_organiser(db: Session, event_id: int, per_buyer: int = PER_BUYER) -> list[Offer]:
    """For each buyer, the best-fitting suppliers (one per organisation) that have no request
    and no meeting with them yet."""
    snap = snapshot(db, event_id)
    people = {
        p.id: p for p in db.exec(select(m.Participant).where(m.Participant.event_id == event_id))
    }
    orgs = {
        o.id: o for o in db.exec(select(m.Organisation).where(m.Organisation.event_id == event_id))
    }
    partners: dict[int, set[int]] = {}
    pairs = db.exec(
        select(m.MeetingRequest.from_id, m.MeetingRequest.to_id).where(
            m.MeetingRequest.event_id == event_id
        )
    )
    for a, b in [*pairs, *(tuple(pair) for pair in snap.met)]:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    suppliers = [p for p in snap.profiles.values() if p.role is Role.SUPPLIER]
    by_ext = {p.id: pid for pid, p in snap.profiles.items()}
    out: list[Offer] = []
    buyers = sorted(
        (pid for pid, p in snap.profiles.items() if p.role is Role.BUYER),
        key=lambda pid: people[pid].ext_id,
    )
    for buyer in buyers:
        contacts = {
            snap.profiles[pid].id: Relation.REQUESTED_BY_ME
            for pid in partners.get(buyer, ())
            if pid in snap.profiles
        }
        seen: set[int | None] = set()
        taken = 0
        for s in suggest(
            snap.profiles[buyer],
            suppliers,
            context=snap.context,
            relations=contacts,
            limit=None,
        ):
            pid = by_ext[s.counterpart.id]
            org = snap.organisation.get(pid)
            if org in seen or org is None:
                continue
            seen.add(org)
            buyer_org = snap.organisation.get(buyer)
            assert buyer_org is not None  # a profile has an organisation
            out.append(
                Offer(
                    buyer=people[buyer],
                    buyer_org=orgs[buyer_org],
                    supplier=people[pid],
                    supplier_org=orgs[org],
                    fit=explain(s.fit, Viewer.ABOUT_SUPPLIER, s.counterpart.id),
                )
            )
            taken += 1
            if taken == per_buyer:
                break
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class BuyerDemand:
    organisation: m.Organisation
    qualified: int  # supplier organisations that make a needed product, with no gap
    relevant: int  # supplier organisations with something in common
    requested_it: int  # supplier organisations that asked one of its people for a meeting
    in_contact: int  # supplier organisations with any request with its people


@dataclass(frozen=True, slots=True, kw_only=True)
class CertificationSupply:
    certification: str
    required_by: int  # buyer organisations
    held_by: int  # supplier organisations (IATF 16949 counts for ISO 9001)


@dataclass(frozen=True, slots=True, kw_only=True)
class MarketView:
    buyers: list[BuyerDemand]  # fewest qualified suppliers first: who needs the organiser
    certifications: list[CertificationSupply]
    suppliers: int


def market_view(db: Session, event_id: int) -> MarketView:
    """Supply against demand, counted in organisations."""
    event = mapper.event_of(db, event_id, with_requests=False)
    rows = {
        o.ext_id: o
        for o in db.exec(select(m.Organisation).where(m.Organisation.event_id == event_id))
    }
    profiles = [profile_of(o) for o in event.organisations if o.role in (Role.BUYER, Role.SUPPLIER)]
    seen = market(profiles, context_of(event))
    org_of = {
        pid: org
        for pid, org in db.exec(
            select(m.Participant.id, m.Participant.organisation_id).where(
                m.Participant.event_id == event_id
            )
        )
    }
    role = {o.id: o.role for o in rows.values()}
    asked: dict[int, set[int]] = {}
    contact: dict[int, set[int]] = {}
    for r in db.exec(select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id)):
        a, b = org_of.get(r.from_id), org_of.get(r.to_id)
        if a is None or b is None:
            continue
        for buyer, supplier in ((a, b), (b, a)):
            if role.get(buyer) == Role.BUYER and role.get(supplier) == Role.SUPPLIER:
                contact.setdefault(buyer, set()).add(supplier)
                if supplier == a:
                    asked.setdefault(buyer, set()).add(supplier)
    buyers = [
        BuyerDemand(
            organisation=rows[b.buyer],
            qualified=b.qualified,
            relevant=b.relevant,
            requested_it=len(asked.get(rows[b.buyer].id, ())),
            in_contact=len(contact.get(rows[b.buyer].id, ())),
        )
        for b in seen.buyers
    ]
    buyers.sort(key=lambda d: (d.qualified, d.relevant, d.organisation.ext_id))
    return MarketView(
        buyers=buyers,
        certifications=[
            CertificationSupply(
                certification=c.certification, required_by=c.required_by, held_by=c.held_by
            )
            for c in seen.certifications
        ],
        suppliers=sum(1 for p in profiles if p.role is Role.SUPPLIER),
    )
