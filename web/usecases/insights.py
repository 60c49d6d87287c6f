"""Insights for an event's organisers and sponsors: demand against what the schedule holds.

Everything is counted from the event's rows and one schedule version: the published one if
there is one, else the newest. Labels are data (sector names, countries, participant names,
slot times, reason kinds); the captions around them are translated by the page.

- "requested" in the per-sector, per-country and per-buyer counts means the requests the
  solver schedules (accepted or forced, `mapper.solver_requests`); the funnel shows how
  many of all requests got that far.
- A request counts under its supplier's sectors and its buyer's country: what is sought,
  and where the demand comes from.
- "held" counts the meetings of the published release that participants said took place
  (`outcomes.Held.held`: a side answered that it did, and no side that it did not); the
  meetings nobody answered for yet are counted apart (`Answers`), never guessed. Without
  a published version there is no "held" step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, select

from scheduler import domain
from scheduler.explain import ReasonKind, reason_kind
from web import models as m
from web.models import VersionStatus
from web.usecases import mapper, outcomes, versions

TOP_BUYERS = 15  # buyers drawn one by one; the others are summed in one line
EXAMPLES = 5  # request ids shown beside a reason kind


@dataclass(frozen=True)
class Basis:
    """The version the charts are drawn from."""

    number: int
    published: bool  # False: the newest version, as none is published


@dataclass(frozen=True)
class Stage:
    """One step of the request funnel."""

    code: str  # "requested" | "accepted" | "scheduled" | "held"
    count: int


@dataclass(frozen=True)
class Answers:
    """The published meetings by what their participants answered (`outcomes`)."""

    meetings: int
    held: int  # a side said it took place, no side that it did not
    not_held: int  # a side said it did not take place
    unanswered: int  # no answer from either side yet


@dataclass(frozen=True)
class Demand:
    """Requests the solver schedules against meetings the version holds, under one label."""

    label: str  # a sector or country as entered; "" when the organisation gives none
    requested: int
    scheduled: int


@dataclass(frozen=True)
class Use:
    """One row of the heat map: how much of a capacity each slot uses."""

    resource: str | None  # None: tables; else a resource name ("interpreter:ko")
    capacity: int  # available in every slot
    used: tuple[int, ...]  # per slot, in the order of `Insights.slots`


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    count: int
    examples: tuple[str, ...]  # the first few request ids


@dataclass(frozen=True)
class BuyerLoad:
    participant: str  # ext id
    label: str  # "name (organisation)"
    requested: int
    scheduled: int
    possible: int  # the most meetings they can hold: free slots, capped by max_meetings

    @property
    def over_requested(self) -> bool:
        return self.requested > self.possible


@dataclass(frozen=True)
class OtherBuyers:
    """The buyers after the top ones, summed."""

    count: int
    requested: int
    scheduled: int
    over_requested: int


@dataclass(frozen=True)
class CertificationGap:
    certification: str
    buyers_requiring: int  # buyer organisations that look for it
    suppliers_holding: int  # supplier organisations that hold it


@dataclass(frozen=True)
class Insights:
    basis: Basis | None  # None: no version yet, demand only
    funnel: tuple[Stage, ...]
    answers: Answers | None  # with a published version: what its "held" step rests on
    sectors: tuple[Demand, ...]
    countries: tuple[Demand, ...]
    slots: tuple[str, ...]  # slot labels ("08:30", or "19/11 08:30" over several days)
    use: tuple[Use, ...]  # tables first, then each resource
    reasons: tuple[Reason, ...]  # most frequent first
    buyers: tuple[BuyerLoad, ...]  # most requested first, at most TOP_BUYERS
    other_buyers: OtherBuyers | None
    certifications: tuple[CertificationGap, ...]
    buyer_organisations: int
    supplier_organisations: int

    @property
    def unscheduled(self) -> int:
        return sum(r.count for r in self.reasons)

    @property
    def over_requested(self) -> int:
        rest = self.other_buyers.over_requested if self.other_buyers else 0
        return sum(b.over_requested for b in self.buyers) + rest


def chosen_version(db: Session, event_id: int) -> m.ScheduleVersion | None:
    """The published version, else the newest one, else None."""
    return versions.published_version(db, event_id) or versions.latest_version(db, event_id)


def insights(db: Session, event_id: int, *, top: int = TOP_BUYERS) -> Insights:
    event = mapper.event_of(db, event_id)
    version = chosen_version(db, event_id)
    rows = list(db.exec(select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id)))
    solver_ids = {r.ext_id for r in mapper.solver_requests(rows)}
    wanted = [r for r in event.requests if r.id in solver_ids]
    schedule = mapper.schedule_of(db, version, event) if version is not None else None
    scheduled = _requests_of(event, schedule) if schedule is not None else []
    sides = _Sides(event)
    funnel = [Stage("requested", len(rows)), Stage("accepted", len(wanted))]
    if version is not None:
        funnel.append(Stage("scheduled", len(scheduled)))
    answers = _answers(db, event_id) if _is_published(version) else None
    if answers is not None:
        funnel.append(Stage("held", answers.held))
    buyers, other = _buyer_loads(event, sides, wanted, scheduled, top)
    return Insights(
        basis=Basis(version.number, _is_published(version)) if version is not None else None,
        funnel=tuple(funnel),
        answers=answers,
        sectors=_demand(wanted, scheduled, sides.sectors),
        countries=_demand(wanted, scheduled, sides.country),
        slots=_slot_labels(event.slots),
        use=_use(event, schedule) if schedule is not None else (),
        reasons=_reasons(schedule) if schedule is not None else (),
        buyers=buyers,
        other_buyers=other,
        certifications=_certifications(event),
        buyer_organisations=sum(o.role == "buyer" for o in event.organisations),
        supplier_organisations=sum(o.role == "supplier" for o in event.organisations),
    )


def _answers(db: Session, event_id: int) -> Answers | None:
    found = outcomes.meetings_with_answers(db, event_id)
    if found is None:
        return None
    meetings = found[1]
    return Answers(
        meetings=len(meetings),
        held=sum(h.held for h in meetings),
        not_held=sum(h.not_held for h in meetings),
        unanswered=sum(not h.answered for h in meetings),
    )


def _is_published(version: m.ScheduleVersion | None) -> bool:
    return version is not None and version.status == VersionStatus.PUBLISHED.value


def _requests_of(event: domain.Event, schedule: domain.Schedule) -> list[domain.MeetingRequest]:
    by_id = event.request_by_id()
    return [by_id[x.request_id] for x in schedule.meetings]


class _Sides:
    """Who is the buyer and who the supplier of a request, and their organisations."""

    def __init__(self, event: domain.Event) -> None:
        orgs = {o.id: o for o in event.organisations}
        self.org_of = {
            p.id: orgs[p.organisation] for p in event.participants if p.organisation in orgs
        }

    def _side(self, request: domain.MeetingRequest, role: str) -> domain.Organisation | None:
        for pid in request.pair:
            org = self.org_of.get(pid)
            if org is not None and org.role == role:
                return org
        return None

    def buyer(self, request: domain.MeetingRequest) -> str | None:
        for pid in request.pair:
            org = self.org_of.get(pid)
            if org is not None and org.role == "buyer":
                return pid
        return None

    def sectors(self, request: domain.MeetingRequest) -> tuple[str, ...]:
        org = self._side(request, "supplier")
        return tuple(dict.fromkeys(org.sectors)) if org is not None and org.sectors else ("",)

    def country(self, request: domain.MeetingRequest) -> tuple[str, ...]:
        org = self._side(request, "buyer")
        return (org.country or "",) if org is not None else ("",)


def _demand(
    wanted: list[domain.MeetingRequest],
    scheduled: list[domain.MeetingRequest],
    labels_of: Callable[[domain.MeetingRequest], tuple[str, ...]],
) -> tuple[Demand, ...]:
    asked = Counter(label for r in wanted for label in labels_of(r))
    held = Counter(label for r in scheduled for label in labels_of(r))
    order = sorted(asked.keys() | held.keys(), key=lambda k: (-asked[k], -held[k], k == "", k))
    return tuple(Demand(label, asked[label], held[label]) for label in order)


def _slot_labels(slots: tuple[domain.Slot, ...]) -> tuple[str, ...]:
    several_days = len({s.day for s in slots}) > 1
    return tuple(s.start.strftime("%d/%m %H:%M" if several_days else "%H:%M") for s in slots)


def _use(event: domain.Event, schedule: domain.Schedule) -> tuple[Use, ...]:
    by_id = event.request_by_id()
    n = len(event.slots)
    tables = [0] * n
    resources = {name: [0] * n for name, _capacity in event.resources}
    for meeting in schedule.meetings:
        tables[meeting.slot_idx] += 1
        for name in by_id[meeting.request_id].requires:
            if name in resources:
                resources[name][meeting.slot_idx] += 1
    return (
        Use(None, len(event.tables), tuple(tables)),
        *(Use(name, capacity, tuple(resources[name])) for name, capacity in event.resources),
    )


def _reasons(schedule: domain.Schedule) -> tuple[Reason, ...]:
    held = {x.request_id for x in schedule.meetings}
    by_kind: dict[ReasonKind, list[str]] = {}
    for u in schedule.unscheduled:
        if u.request_id not in held:  # moved in by hand since the solve
            by_kind.setdefault(reason_kind(u.reason), []).append(u.request_id)
    order = sorted(by_kind.items(), key=lambda item: (-len(item[1]), item[0].value))
    return tuple(Reason(kind, len(ids), tuple(sorted(ids)[:EXAMPLES])) for kind, ids in order)


def _free_slots(person: domain.Participant, event: domain.Event) -> int:
    return sum(
        (person.available is None or s.session_id in person.available)
        and not any(u.overlaps(s.start, s.end) for u in person.unavailable)
        for s in event.slots
    )


def _buyer_loads(
    event: domain.Event,
    sides: _Sides,
    wanted: list[domain.MeetingRequest],
    scheduled: list[domain.MeetingRequest],
    top: int,
) -> tuple[tuple[BuyerLoad, ...], OtherBuyers | None]:
    asked = Counter(sides.buyer(r) for r in wanted)
    held = Counter(sides.buyer(r) for r in scheduled)
    loads = []
    for person in event.participants:
        org = sides.org_of.get(person.id)
        if org is None or org.role != "buyer":
            continue
        possible = _free_slots(person, event)
        if person.max_meetings is not None:
            possible = min(possible, person.max_meetings)
        label = f"{person.name or person.id} ({org.name})"
        loads.append(BuyerLoad(person.id, label, asked[person.id], held[person.id], possible))
    loads.sort(key=lambda b: (-b.requested, -b.scheduled, b.participant))
    shown, rest = loads[:top], loads[top:]
    other = (
        OtherBuyers(
            count=len(rest),
            requested=sum(b.requested for b in rest),
            scheduled=sum(b.scheduled for b in rest),
            over_requested=sum(b.over_requested for b in rest),
        )
        if rest
        else None
    )
    return tuple(shown), other


def _certifications(event: domain.Event) -> tuple[CertificationGap, ...]:
    required: Counter[str] = Counter()
    held: Counter[str] = Counter()
    for org in event.organisations:
        if org.role == "buyer":
            looking_for = mapper.normalise_looking_for(org.extra.get("looking_for"))
            required.update(dict.fromkeys(looking_for["certifications"], 1))
        elif org.role == "supplier":
            held.update(dict.fromkeys(org.certifications, 1))
    order = sorted(required, key=lambda c: (-required[c], held[c], c))
    return tuple(CertificationGap(c, required[c], held[c]) for c in order)
