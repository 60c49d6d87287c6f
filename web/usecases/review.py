"""Reviewing a version: summary against the current set-up, master grid, one person's agenda."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, select

from scheduler import domain
from scheduler.check import check_schedule
from web import models as m
from web.usecases import mapper


@dataclass
class Summary:
    meetings: int
    weight: int
    requested_weight: int
    weight_bound: int | None
    breaks: int
    participants_without_meeting: int
    people_without_meeting: list[str]
    per_buyer: list[tuple[str, str, int]]
    per_sector: list[tuple[str, int]]
    violations: tuple[str, ...]
    status: str
    unscheduled: list[dict[str, str]] = field(default_factory=list)

    @property
    def weight_pct(self) -> float:
        return 100.0 * self.weight / self.requested_weight if self.requested_weight else 100.0

    @property
    def bound_pct(self) -> float | None:
        return 100.0 * self.weight / self.weight_bound if self.weight_bound else None


def summary(db: Session, version: m.ScheduleVersion) -> Summary:
    full = mapper.event_of(db, version.event_id)
    solver_event = mapper.event_of(db, version.event_id, for_solver=True)
    schedule = mapper.schedule_of(db, version, full)
    result = check_schedule(full, schedule)
    requests = full.request_by_id()
    busy: Counter[str] = Counter()
    for meeting in schedule.meetings:
        r = requests.get(meeting.request_id)
        if r:
            busy[r.from_id] += 1
            busy[r.to_id] += 1
    people = full.participant_by_id()
    orgs = {o.id: o for o in full.organisations}
    wanted = {p for r in solver_event.requests for p in r.pair}
    per_buyer = []
    sector_count: Counter[str] = Counter()
    for pid, person in people.items():
        org = orgs.get(person.organisation or "")
        if org and org.role == "buyer":
            per_buyer.append((pid, f"{person.name or pid} ({org.name})", busy[pid]))
        if org:
            for sector in org.sectors:
                sector_count[sector] += busy[pid]
    return Summary(
        meetings=result.metrics.meetings,
        weight=result.metrics.weight,
        requested_weight=sum(r.weight for r in solver_event.requests),
        weight_bound=(version.stats or {}).get("weight_bound"),
        breaks=result.metrics.breaks,
        participants_without_meeting=result.metrics.participants_without_meeting,
        people_without_meeting=sorted(p for p in wanted if busy[p] == 0),
        per_buyer=sorted(per_buyer),
        per_sector=sorted(sector_count.items()),
        violations=result.violations,
        status=(version.stats or {}).get("status", version.source),
        unscheduled=list(version.unscheduled or []),
    )


@dataclass
class Grid:
    slots: list[domain.Slot]
    tables: list[str]
    cells: dict[tuple[str, datetime], m.Meeting]
    names: dict[int, str]


def grid(db: Session, version: m.ScheduleVersion) -> Grid:
    full = mapper.event_of(db, version.event_id)
    meetings = mapper.meetings_of(db, version.id)
    tables = [t.id for t in full.tables]
    for x in meetings:
        if x.table_ext not in tables:
            tables.append(x.table_ext)
    names = {
        p.id: p.ext_id
        for p in db.exec(select(m.Participant).where(m.Participant.event_id == version.event_id))
    }
    return Grid(
        slots=list(full.slots),
        tables=tables,
        cells={(x.table_ext, x.start): x for x in meetings},
        names=names,
    )


def participant_names(db: Session, event_id: int) -> dict[int, str]:
    """Row id -> "ext_id name" of every participant (for lists of meetings)."""
    query = select(m.Participant).where(m.Participant.event_id == event_id)
    return {p.id: f"{p.ext_id} {p.name}" for p in db.exec(query)}


def agenda(
    db: Session, version: m.ScheduleVersion, participant: m.Participant
) -> list[tuple[m.Meeting, m.Participant | None]]:
    """One participant's meetings in a version, with the other side of each."""
    rows = []
    for x in mapper.meetings_of(db, version.id):
        if participant.id in (x.from_id, x.to_id):
            other_id = x.to_id if x.from_id == participant.id else x.from_id
            rows.append((x, db.get(m.Participant, other_id) if other_id else None))
    return rows


@dataclass
class MoveChoices:
    slots: tuple[domain.Slot, ...]
    tables: list[str]


def move_choices(db: Session, event_id: int) -> MoveChoices:
    """Where a meeting can be moved to: every slot and table of the current set-up."""
    full = mapper.event_of(db, event_id)
    return MoveChoices(slots=full.slots, tables=[t.id for t in full.tables])
