"""Schedule versions: create from a solve, review (summary, grid, agendas), move/pin, publish, diff, export."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from sqlmodel import Session, col, func, select

from scheduler import domain
from scheduler.check import check_schedule
from scheduler.formats import parse_schedule
from web import models as m
from web.i18n import _
from web.models import VersionStatus, utcnow
from web.portal.notify import on_publish
from web.services.events import event_from_db

SCHEDULE_FORMAT = "b2b-schedule/1"


def versions(session: Session, event_id: int) -> list[m.ScheduleVersion]:
    query = select(m.ScheduleVersion).where(m.ScheduleVersion.event_id == event_id)
    return list(session.exec(query.order_by(col(m.ScheduleVersion.number).desc())))


def published_version(session: Session, event_id: int) -> m.ScheduleVersion | None:
    query = select(m.ScheduleVersion).where(
        m.ScheduleVersion.event_id == event_id,
        m.ScheduleVersion.status == VersionStatus.PUBLISHED.value,
    )
    return session.exec(query).first()


def latest_version(session: Session, event_id: int) -> m.ScheduleVersion | None:
    return next(iter(versions(session, event_id)), None)


def get_version(session: Session, event_id: int, number: int) -> m.ScheduleVersion | None:
    query = select(m.ScheduleVersion).where(
        m.ScheduleVersion.event_id == event_id, m.ScheduleVersion.number == number
    )
    return session.exec(query).first()


def meetings_of(session: Session, version_id: int) -> list[m.Meeting]:
    query = select(m.Meeting).where(m.Meeting.version_id == version_id)
    return list(session.exec(query.order_by(col(m.Meeting.start), col(m.Meeting.table_ext))))


def create_version(
    session: Session, event_id: int, event: domain.Event, schedule: domain.Schedule, *,
    source: str, pinned: set[str] | None = None, note: str = "", commit: bool = True,
) -> m.ScheduleVersion:  # fmt: skip
    """Store a schedule as a new draft version (numbered after the newest)."""
    number = (
        session.exec(
            select(func.max(m.ScheduleVersion.number)).where(m.ScheduleVersion.event_id == event_id)
        ).one()
        or 0
    ) + 1
    stats: dict[str, Any] = {}
    if schedule.stats is not None:
        s = schedule.stats
        stats = {
            "meetings": s.meetings, "weight": s.weight, "weight_bound": s.weight_bound, "breaks": s.breaks,
            "breaks_bound": s.breaks_bound, "solve_seconds": round(s.solve_seconds, 2), "status": s.status.value,
            "participants_without_meeting": s.participants_without_meeting, "message": s.message,
        }  # fmt: skip
    version = m.ScheduleVersion(
        event_id=event_id, number=number, source=source, note=note, stats=stats,
        unscheduled=[{"request": u.request_id, "reason": u.reason} for u in schedule.unscheduled],
    )  # fmt: skip
    session.add(version)
    session.flush()
    assert version.id is not None
    requests = {
        r.ext_id: r
        for r in session.exec(select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id))
    }
    pinned = pinned or set()
    for meeting in schedule.meetings:
        slot = event.slots[meeting.slot_idx]
        row = requests.get(meeting.request_id)
        session.add(
            m.Meeting(
                version_id=version.id,
                request_id=row.id if row else None,
                request_ext=meeting.request_id,
                from_id=row.from_id if row else None,
                to_id=row.to_id if row else None,
                start=slot.start,
                end=slot.end,
                table_ext=meeting.table_id,
                pinned=meeting.request_id in pinned,
            )
        )
    if commit:
        session.commit()
        session.refresh(version)
    else:
        session.flush()
    return version


def version_doc(session: Session, version: m.ScheduleVersion, event_name: str) -> dict[str, Any]:
    """The `b2b-schedule/1` document of a version."""
    assert version.id is not None
    doc: dict[str, Any] = {
        "format": SCHEDULE_FORMAT,
        "event": event_name,
        "meetings": [
            {
                "request": x.request_ext,
                "start": x.start.strftime("%Y-%m-%dT%H:%M"),
                "table": x.table_ext,
            }
            for x in meetings_of(session, version.id)
        ],
        "unscheduled": list(version.unscheduled or []),
    }
    if version.stats:
        doc["stats"] = {k: v for k, v in version.stats.items() if v is not None}
    return doc


def pins_of(session: Session, version_id: int) -> tuple[dict[str, datetime], dict[str, Any] | None]:
    """Pinned meetings of a version (request ext_id -> slot start) and its schedule document."""
    version = session.get(m.ScheduleVersion, version_id)
    if version is None:
        return {}, None
    event = session.get(m.Event, version.event_id)
    assert version.id is not None and event is not None
    pins = {x.request_ext: x.start for x in meetings_of(session, version.id) if x.pinned}
    return pins, version_doc(session, version, event.name)


def domain_schedule(
    session: Session, version: m.ScheduleVersion, event: domain.Event
) -> domain.Schedule:
    event_row = session.get(m.Event, version.event_id)
    assert event_row is not None
    doc = version_doc(session, version, event_row.name)
    doc.pop("stats", None)
    return parse_schedule(doc, event)


# --- review --------------------------------------------------------------------------------


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


def summary(session: Session, version: m.ScheduleVersion) -> Summary:
    full = event_from_db(session, version.event_id)
    solver_event = event_from_db(session, version.event_id, for_solver=True)
    schedule = _safe_schedule(session, version, full)
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


def _safe_schedule(
    session: Session, version: m.ScheduleVersion, event: domain.Event
) -> domain.Schedule:
    """The version as a domain schedule, dropping meetings whose request or slot is gone."""
    assert version.id is not None
    slots = event.slot_by_start()
    requests = event.request_by_id()
    meetings = tuple(
        domain.Meeting(request_id=x.request_ext, slot_idx=slots[x.start].idx, table_id=x.table_ext)
        for x in meetings_of(session, version.id)
        if x.start in slots and x.request_ext in requests
    )
    return domain.Schedule(event_name=event.name, meetings=meetings)


@dataclass
class Grid:
    slots: list[domain.Slot]
    tables: list[str]
    cells: dict[tuple[str, datetime], m.Meeting]
    names: dict[int, str]


def grid(session: Session, version: m.ScheduleVersion) -> Grid:
    assert version.id is not None
    event_id = version.event_id
    full = event_from_db(session, event_id)
    meetings = meetings_of(session, version.id)
    tables = [t.id for t in full.tables]
    for x in meetings:
        if x.table_ext not in tables:
            tables.append(x.table_ext)
    names = {
        p.id: p.ext_id
        for p in session.exec(select(m.Participant).where(m.Participant.event_id == event_id))
        if p.id
    }
    return Grid(
        slots=list(full.slots),
        tables=tables,
        cells={(x.table_ext, x.start): x for x in meetings},
        names=names,
    )


def agenda(
    session: Session, version: m.ScheduleVersion, participant_id: int
) -> list[tuple[m.Meeting, m.Participant | None]]:
    assert version.id is not None
    rows = []
    for x in meetings_of(session, version.id):
        if participant_id in (x.from_id, x.to_id):
            other_id = x.to_id if x.from_id == participant_id else x.from_id
            rows.append((x, session.get(m.Participant, other_id) if other_id else None))
    return rows


# --- edits ----------------------------------------------------------------------------------


def editable_copy(session: Session, version: m.ScheduleVersion) -> m.ScheduleVersion:
    """The version itself if it is a draft, else a new draft copy of it (published stays intact)."""
    if version.status == VersionStatus.DRAFT.value:
        return version
    assert version.id is not None
    number = (
        session.exec(
            select(func.max(m.ScheduleVersion.number)).where(
                m.ScheduleVersion.event_id == version.event_id
            )
        ).one()
        or 0
    ) + 1
    copy = m.ScheduleVersion(
        event_id=version.event_id, number=number, source="edit", stats=dict(version.stats or {}),
        unscheduled=list(version.unscheduled or []), note=_("copy of version {n}").format(n=version.number),
    )  # fmt: skip
    session.add(copy)
    session.flush()
    for x in meetings_of(session, version.id):
        data = x.model_dump(exclude={"id", "version_id"})
        session.add(m.Meeting(version_id=copy.id, **data))
    session.flush()
    return copy


def move_meeting(
    session: Session, version: m.ScheduleVersion, meeting_id: int, start: datetime, table: str
) -> tuple[m.ScheduleVersion | None, list[str]]:
    """Move (and pin) a meeting, checked against every rule; returns (version, problems)."""
    meeting = session.get(m.Meeting, meeting_id)
    if meeting is None or meeting.version_id != version.id:
        return None, [_("No such meeting in this version.")]
    full = event_from_db(session, version.event_id)
    slots = full.slot_by_start()
    if start not in slots:
        return None, [
            _("{t} is not the start of a slot.").format(t=start.strftime("%Y-%m-%d %H:%M"))
        ]
    if table not in {t.id for t in full.tables}:
        return None, [_("Unknown table “{t}”.").format(t=table)]
    before = _safe_schedule(session, version, full)
    moved = tuple(
        domain.Meeting(request_id=x.request_id, slot_idx=slots[start].idx, table_id=table)
        if x.request_id == meeting.request_ext
        else x
        for x in before.meetings
    )
    old = set(check_schedule(full, before).violations)
    new = [
        v
        for v in check_schedule(
            full, domain.Schedule(event_name=full.name, meetings=moved)
        ).violations
        if v not in old
    ]
    if new:
        return None, new
    target = editable_copy(session, version)
    row = meeting
    if target.id != version.id:
        row = session.exec(
            select(m.Meeting).where(
                m.Meeting.version_id == target.id, m.Meeting.request_ext == meeting.request_ext
            )
        ).one()
    row.start, row.end, row.table_ext, row.pinned = start, slots[start].end, table, True
    session.add(row)
    _refresh_stats(session, target, full)
    session.commit()
    session.refresh(target)
    return target, []


def toggle_pin(
    session: Session, version: m.ScheduleVersion, meeting_id: int
) -> m.ScheduleVersion | None:
    meeting = session.get(m.Meeting, meeting_id)
    if meeting is None or meeting.version_id != version.id:
        return None
    target = editable_copy(session, version)
    if target.id != version.id:
        meeting = session.exec(
            select(m.Meeting).where(
                m.Meeting.version_id == target.id, m.Meeting.request_ext == meeting.request_ext
            )
        ).one()
    meeting.pinned = not meeting.pinned
    session.add(meeting)
    session.commit()
    session.refresh(target)
    return target


def _refresh_stats(session: Session, version: m.ScheduleVersion, full: domain.Event) -> None:
    metrics = check_schedule(full, _safe_schedule(session, version, full)).metrics
    version.stats = dict(version.stats or {}) | {
        "meetings": metrics.meetings, "weight": metrics.weight, "breaks": metrics.breaks,
        "participants_without_meeting": metrics.participants_without_meeting,
        "status": "edited",  # a hand edit voids the solver's optimality claim; bounds still hold
    }  # fmt: skip
    version.source = "edit"
    session.add(version)


def publish(session: Session, version: m.ScheduleVersion) -> None:
    """Make this version the official schedule; the previously published one is retired."""
    previous = published_version(session, version.event_id)
    if previous is not None and previous.id == version.id:
        return
    if previous is not None:
        previous.status = VersionStatus.RETIRED.value
        session.add(previous)
        session.flush()
    version.status = VersionStatus.PUBLISHED.value
    version.published_at = utcnow()
    session.add(version)
    session.flush()
    assert version.id is not None
    on_publish(session, version.event_id, previous.id if previous else None, version.id)
    session.commit()


@dataclass
class Diff:
    added: list[m.Meeting]
    dropped: list[m.Meeting]
    moved: list[tuple[m.Meeting, m.Meeting]]


def diff(session: Session, a: m.ScheduleVersion, b: m.ScheduleVersion) -> Diff:
    """What changed from version a to version b (by request)."""
    assert a.id is not None and b.id is not None
    old = {x.request_ext: x for x in meetings_of(session, a.id)}
    new = {x.request_ext: x for x in meetings_of(session, b.id)}
    return Diff(
        added=[new[k] for k in sorted(new.keys() - old.keys())],
        dropped=[old[k] for k in sorted(old.keys() - new.keys())],
        moved=[
            (old[k], new[k])
            for k in sorted(old.keys() & new.keys())
            if (old[k].start, old[k].table_ext) != (new[k].start, new[k].table_ext)
        ],
    )


# --- exports --------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "start",
    "end",
    "table",
    "request",
    "from_id",
    "from_name",
    "from_organisation",
    "to_id",
    "to_name",
    "to_organisation",
)


def export_rows(session: Session, version: m.ScheduleVersion) -> list[list[str]]:
    assert version.id is not None
    people = {
        p.id: p
        for p in session.exec(
            select(m.Participant).where(m.Participant.event_id == version.event_id)
        )
    }
    orgs = {
        o.id: o.name
        for o in session.exec(
            select(m.Organisation).where(m.Organisation.event_id == version.event_id)
        )
    }
    rows: list[list[str]] = []
    for x in meetings_of(session, version.id):
        row = [
            x.start.strftime("%Y-%m-%d %H:%M"),
            x.end.strftime("%H:%M"),
            x.table_ext,
            x.request_ext,
        ]
        for pid in (x.from_id, x.to_id):
            p = people.get(pid) if pid else None
            row += [p.ext_id, p.name, orgs.get(p.organisation_id, "")] if p else ["", "", ""]
        rows.append(row)
    return rows


def export_csv(session: Session, version: m.ScheduleVersion) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows(export_rows(session, version))
    return out.getvalue().encode("utf-8-sig")


def export_xlsx(session: Session, version: m.ScheduleVersion) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"version {version.number}"
    sheet.append(list(EXPORT_COLUMNS))
    for row in export_rows(session, version):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def count_by_participant(session: Session, version_id: int) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for x in meetings_of(session, version_id):
        for pid in (x.from_id, x.to_id):
            if pid:
                counts[pid] += 1
    return counts
