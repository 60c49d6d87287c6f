"""Reviewing a version: summary against the current set-up, what the solver proved, the
unscheduled requests by kind of reason (a page at a time), master grid, one person's agenda."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from scheduler import domain
from scheduler.check import check_schedule
from scheduler.explain import ReasonKind, reason_kind
from scheduler.walkin import walk_in_slots
from web import models as m
from web.usecases import mapper, reasons
from web.usecases.errors import Msg, NotFound


@dataclass
class Summary:
    meetings: int
    weight: int
    requested_weight: int
    breaks: int
    participants_without_meeting: int
    people_without_meeting: list[str]
    per_buyer: list[tuple[str, str, int]]
    per_sector: list[tuple[str, int]]
    violations: tuple[Msg, ...]
    status: str
    proof: Proof | None
    unscheduled: int  # requests the version leaves out (and no hand edit put in since)
    groups: tuple[ReasonGroup, ...]
    # meetings of the version at times or for requests the set-up no longer has (it changed
    # since the version was made): not in these numbers nor in the grid
    lost: int = 0

    @property
    def weight_pct(self) -> float:
        return 100.0 * self.weight / self.requested_weight if self.requested_weight else 100.0


def summary(
    db: Session,
    version: m.ScheduleVersion,
    size: int,
    open_kind: str = "",
    page: int = 1,
) -> Summary:
    """The version against the current set-up; each group of unscheduled requests at its
    first page of `size`, the group `open_kind` at `page`."""
    full = mapper.event_of(db, version.event_id)
    solver_event = mapper.event_of(db, version.event_id, for_solver=True)
    schedule = mapper.schedule_of(db, version, full)
    lost = len(mapper.meetings_of(db, version.id)) - len(schedule.meetings)
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
    unscheduled, groups = _unscheduled(db, version, size, open_kind, page)
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
        breaks=result.metrics.breaks,
        participants_without_meeting=result.metrics.participants_without_meeting,
        people_without_meeting=sorted(p for p in wanted if busy[p] == 0),
        per_buyer=sorted(per_buyer),
        per_sector=sorted(sector_count.items()),
        violations=tuple(reasons.violation(v) for v in result.violations),
        status=(version.stats or {}).get("status", version.source),
        proof=proof(version.stats or {}),
        unscheduled=unscheduled,
        groups=groups,
        lost=lost,
    )


class Proven(enum.StrEnum):
    """What the solver proved about one level of the objective."""

    OPTIMAL = "optimal"  # no schedule does better
    BOUNDED = "bounded"  # a bound is proven, and the schedule has not reached it
    UNPROVEN = "unproven"  # no bound
    # breaks only: their bound is among schedules of the best weight, so it says nothing of
    # this schedule until its weight is proven the best
    AFTER_WEIGHT = "after_weight"


@dataclass(frozen=True)
class Level:
    value: int
    bound: int | None  # weight: at most this; breaks: at least this
    proven: Proven


@dataclass(frozen=True)
class Proof:
    weight: Level
    breaks: Level
    edited: bool  # moved by hand since the solve: the bounds hold, no claim of the solver's


def proof(stats: Mapping[str, Any]) -> Proof | None:
    """What a version's stored statistics prove, level by level (weight first, then breaks:
    the solver's lexicographic objective); None without statistics (a hand-made import)."""
    if "weight" not in stats:
        return None
    status = stats.get("status")
    weight, weight_bound = int(stats["weight"]), stats.get("weight_bound")
    breaks, breaks_bound = int(stats.get("breaks", 0)), stats.get("breaks_bound")
    if status == domain.SolveStatus.OPTIMAL.value:
        return Proof(
            Level(weight, weight, Proven.OPTIMAL), Level(breaks, breaks, Proven.OPTIMAL), False
        )
    if weight_bound is None:
        weight_level = Level(weight, None, Proven.UNPROVEN)
    else:
        best = weight >= weight_bound
        weight_level = Level(weight, weight_bound, Proven.OPTIMAL if best else Proven.BOUNDED)
    if weight_level.proven != Proven.OPTIMAL:
        breaks_level = Level(breaks, breaks_bound, Proven.AFTER_WEIGHT)
    elif breaks_bound is None:
        breaks_level = Level(breaks, None, Proven.UNPROVEN)
    else:
        fewest = breaks <= breaks_bound
        breaks_level = Level(breaks, breaks_bound, Proven.OPTIMAL if fewest else Proven.BOUNDED)
    return Proof(weight_level, breaks_level, status == "edited")


@dataclass(frozen=True)
class Side:
    """One participant of an unscheduled request: `id` is None when they were removed."""

    id: int | None
    ext_id: str
    name: str


@dataclass(frozen=True)
class Left:
    """An unscheduled request: `id` is its row (None when it was deleted since)."""

    request: str
    id: int | None
    sides: tuple[Side, ...]
    reason: Msg


@dataclass(frozen=True)
class ReasonGroup:
    kind: ReasonKind
    label: Msg
    count: int
    page: int
    pages: int
    items: tuple[Left, ...]


KIND_LABELS: dict[ReasonKind, Msg] = {
    ReasonKind.MEETING_LIMIT: Msg("kind.meeting_limit"),
    ReasonKind.BUSY: Msg("kind.busy"),
    ReasonKind.AVAILABILITY: Msg("kind.availability"),
    ReasonKind.RESOURCE: Msg("kind.resource"),
    ReasonKind.POOLED_TABLES: Msg("kind.pooled_tables"),
    ReasonKind.HOST_TABLES: Msg("kind.host_tables"),
    ReasonKind.ORDER: Msg("kind.order"),
    ReasonKind.BREAKS: Msg("kind.breaks"),
    ReasonKind.SEARCH: Msg("kind.search"),
    ReasonKind.OTHER: Msg("kind.other"),
}


def _by_kind(db: Session, version: m.ScheduleVersion) -> dict[ReasonKind, list[tuple[str, str]]]:
    """(request, reason) of every request the version leaves out, by kind of reason, the
    largest kind first; a request moved into the schedule by hand since is not left out."""
    held = set(db.exec(select(m.Meeting.request_ext).where(m.Meeting.version_id == version.id)))
    kinds: dict[ReasonKind, list[tuple[str, str]]] = {}
    for u in version.unscheduled or ():
        if u["request"] not in held:
            reason = u.get("reason", "")
            kinds.setdefault(reason_kind(reason), []).append((u["request"], reason))
    ordered = sorted(kinds.items(), key=lambda item: (-len(item[1]), item[0].value))
    return {kind: sorted(items) for kind, items in ordered}


def _unscheduled(
    db: Session, version: m.ScheduleVersion, size: int, open_kind: str, page: int
) -> tuple[int, tuple[ReasonGroup, ...]]:
    """How many requests the version leaves out, and their groups."""
    kinds = _by_kind(db, version)
    groups = tuple(
        _group(db, version, kind, items, size, page if kind.value == open_kind else 1)
        for kind, items in kinds.items()
    )
    return sum(len(items) for items in kinds.values()), groups


def unscheduled_group(
    db: Session, version: m.ScheduleVersion, kind: str, page: int, size: int
) -> ReasonGroup:
    """One page (of `size`) of the version's unscheduled requests of one kind of reason;
    an empty group for a kind it has none of."""
    try:
        known = ReasonKind(kind)
    except ValueError:
        raise NotFound(Msg("version.no_such_reason")) from None
    return _group(db, version, known, _by_kind(db, version).get(known, []), size, page)


def _group(
    db: Session,
    version: m.ScheduleVersion,
    kind: ReasonKind,
    items: list[tuple[str, str]],
    size: int,
    page: int,
) -> ReasonGroup:
    size = max(1, size)
    pages = max(1, -(-len(items) // size))
    page = min(max(1, page), pages)
    shown = items[(page - 1) * size : page * size]
    rows = {
        r.ext_id: r
        for r in db.exec(
            select(m.MeetingRequest).where(
                m.MeetingRequest.event_id == version.event_id,
                col(m.MeetingRequest.ext_id).in_([rid for rid, _reason in shown]),
            )
        )
    }
    ids = {pid for r in rows.values() for pid in (r.from_id, r.to_id)}
    people = {p.id: p for p in db.exec(select(m.Participant).where(col(m.Participant.id).in_(ids)))}

    def side(pid: int) -> Side:
        person = people[pid]
        return Side(person.id, person.ext_id, person.name)

    left = tuple(
        Left(
            request=rid,
            id=rows[rid].id if rid in rows else None,
            sides=(side(rows[rid].from_id), side(rows[rid].to_id)) if rid in rows else (),
            reason=reasons.reason(reason),
        )
        for rid, reason in shown
    )
    return ReasonGroup(kind, KIND_LABELS[kind], len(items), page, pages, left)


@dataclass(frozen=True)
class Cell:
    """A meeting in the grid: both sides by a compact label (the organisation's name, else
    the person's), and in full for the tooltip."""

    meeting: m.Meeting
    left: str
    right: str
    title: str


@dataclass
class Grid:
    slots: list[domain.Slot]
    tables: list[str]
    cells: dict[tuple[str, datetime], Cell]


def grid(db: Session, version: m.ScheduleVersion) -> Grid:
    full = mapper.event_of(db, version.event_id)
    meetings = mapper.meetings_of(db, version.id)
    tables = [t.id for t in full.tables]
    for x in meetings:
        if x.table_ext not in tables:
            tables.append(x.table_ext)
    short: dict[int, str] = {}
    whole: dict[int, str] = {}
    rows = db.exec(
        select(m.Participant.id, m.Participant.ext_id, m.Participant.name, m.Organisation.name)
        .join(m.Organisation, col(m.Participant.organisation_id) == m.Organisation.id, isouter=True)
        .where(m.Participant.event_id == version.event_id)
    )
    for pid, ext_id, name, org in rows:
        short[pid] = org or name or ext_id
        person = name or ext_id
        whole[pid] = f"{person} ({org}), {ext_id}" if org else f"{person}, {ext_id}"

    def cell(x: m.Meeting) -> Cell:
        a, b = whole.get(x.from_id or 0, "?"), whole.get(x.to_id or 0, "?")
        return Cell(
            x,
            short.get(x.from_id or 0, "?"),
            short.get(x.to_id or 0, "?"),
            f"{x.request_ext}: {a} – {b}",
        )

    return Grid(
        slots=list(full.slots),
        tables=tables,
        cells={(x.table_ext, x.start): cell(x) for x in meetings},
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


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A meeting as the move page names it: both sides and where it is."""

    request_ext: str
    between: tuple[str, str]  # "Name (Organisation)" of the requester and the other side
    suggestions: tuple[tuple[datetime, str], ...]  # (start, table) free for it, nearest first


def meeting_view(
    db: Session, version: m.ScheduleVersion, meeting: m.Meeting, limit: int = 6
) -> MeetingView:
    """Who meets, and the nearest times and tables where the meeting could move with every
    rule kept (the rest of the version as it is)."""
    full = mapper.event_of(db, version.event_id)
    people = full.participant_by_id()
    orgs = full.organisation_by_id()

    def label(pid: str) -> str:
        person = people.get(pid)
        if person is None:
            return pid
        org = orgs.get(person.organisation or "")
        name = person.name or person.id
        return f"{name} ({org.name})" if org else name

    request = full.request_by_id().get(meeting.request_ext)
    if request is None:  # deleted since the version was made: nowhere to move it
        return MeetingView(meeting.request_ext, (meeting.request_ext, ""), ())
    schedule = mapper.schedule_of(db, version, full)
    others = replace(
        schedule,
        meetings=tuple(x for x in schedule.meetings if x.request_id != meeting.request_ext),
    )
    free = walk_in_slots(
        full, others, request.from_id, request.to_id, request_id=request.id, limit=len(full.slots)
    ).slots
    near = sorted(
        (x for x in free if (x.start, x.table_id) != (meeting.start, meeting.table_ext)),
        key=lambda x: (abs(x.start - meeting.start), x.start),
    )
    return MeetingView(
        request_ext=meeting.request_ext,
        between=(label(request.from_id), label(request.to_id)),
        suggestions=tuple((x.start, x.table_id) for x in near[:limit]),
    )


def move_choices(db: Session, event_id: int) -> MoveChoices:
    """Where a meeting can be moved to: every slot and table of the current set-up."""
    full = mapper.event_of(db, event_id)
    return MoveChoices(slots=full.slots, tables=[t.id for t in full.tables])
