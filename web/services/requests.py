"""Meeting requests: search, form validation, CSV import (all-or-nothing, idempotent by id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from web import models as m
from web.i18n import _
from web.services.registrations import ImportReport, RowProblem, read_table, split_list

COLUMNS = (
    "id",
    "from",
    "to",
    "priority",
    "required",
    "sessions",
    "requires",
    "status",
    "note",
    "forced",
)
TRUE = {"1", "true", "yes", "y", "x"}


@dataclass
class Lookup:
    people: dict[str, int]
    sessions: set[str]
    resources: set[str]
    existing: dict[str, m.MeetingRequest]
    pairs: dict[frozenset[int], str]


def lookup(session: Session, event_id: int) -> Lookup:
    people = {
        p.ext_id: p.id
        for p in session.exec(select(m.Participant).where(m.Participant.event_id == event_id))
    }
    requests = {
        r.ext_id: r
        for r in session.exec(select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id))
    }
    return Lookup(
        people={k: v for k, v in people.items() if v is not None},
        sessions={
            s.ext_id
            for s in session.exec(select(m.EventSession).where(m.EventSession.event_id == event_id))
        },
        resources={
            r.name for r in session.exec(select(m.Resource).where(m.Resource.event_id == event_id))
        },
        existing=requests,
        pairs={frozenset((r.from_id, r.to_id)): r.ext_id for r in requests.values()},
    )


def validate(
    raw: dict[str, str], line: int, known: Lookup, problems: list[RowProblem]
) -> dict[str, Any] | None:
    start = len(problems)
    v = {k: (raw.get(k) or "").strip() for k in COLUMNS}

    def bad(column: str, reason: str) -> None:
        problems.append(RowProblem(line, column, reason))

    out: dict[str, Any] = {"ext_id": v["id"]}
    for key in ("from", "to"):
        if not v[key]:
            bad(key, _("required"))
        elif v[key] not in known.people:
            bad(key, _("unknown participant “{id}”").format(id=v[key]))
        out[key + "_id"] = known.people.get(v[key])
    if v["from"] and v["from"] == v["to"]:
        bad("to", _("a participant cannot meet itself"))
    try:
        out["priority"] = int(v["priority"] or 2)
        if out["priority"] not in (1, 2, 3):
            raise ValueError
    except ValueError:
        bad("priority", _("must be 1, 2 or 3"))
    out["required"] = v["required"].lower() in TRUE
    out["sessions"] = split_list(v["sessions"]) or None
    for sid in out["sessions"] or ():
        if sid not in known.sessions:
            bad("sessions", _("unknown session “{id}”").format(id=sid))
    out["requires"] = split_list(v["requires"])
    for name in out["requires"]:
        if name not in known.resources:
            bad("requires", _("unknown resource “{name}”").format(name=name))
    out["status"] = (v["status"] or "accepted").lower()
    if out["status"] not in {s.value for s in m.RequestStatus}:
        bad("status", _("must be pending, accepted or declined"))
    out["note"] = v["note"]
    out["forced"] = (raw.get("forced") or "").strip().lower() in TRUE
    if len(problems) == start and out["from_id"] and out["to_id"]:
        other = known.pairs.get(frozenset((out["from_id"], out["to_id"])))
        if other is not None and other != (out["ext_id"] or other):
            bad("to", _("this pair is already requested in {id}").format(id=other))
        if not out["ext_id"]:
            out["ext_id"] = other or ""
    return out if len(problems) == start else None


def next_ext_id(session: Session, event_id: int, taken: set[str]) -> str:
    number = len(taken) + 1
    while f"R{number:05d}" in taken:
        number += 1
    return f"R{number:05d}"


def save(
    session: Session,
    event_id: int,
    values: dict[str, Any],
    known: Lookup,
    row: m.MeetingRequest | None = None,
) -> str:
    if not values["ext_id"]:
        values["ext_id"] = next_ext_id(session, event_id, set(known.existing))
    row = row or known.existing.get(values["ext_id"])
    fields = {
        k: values[k]
        for k in (
            "ext_id",
            "from_id",
            "to_id",
            "priority",
            "required",
            "sessions",
            "requires",
            "status",
            "note",
            "forced",
        )
    }
    if row is None:
        row = m.MeetingRequest(event_id=event_id, created_by="organiser", **fields)
        session.add(row)
        known.existing[row.ext_id] = row
        known.pairs[frozenset((row.from_id, row.to_id))] = row.ext_id
        return "created"
    changed = False
    for key, value in fields.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    session.add(row)
    return "updated" if changed else "unchanged"


def import_requests(session: Session, event_id: int, data: bytes, filename: str) -> ImportReport:
    report = ImportReport()
    rows, report.problems = read_table(data, filename)
    if report.problems:
        return report
    known = lookup(session, event_id)
    valid = []
    seen: dict[str, int] = {}
    pair_lines: dict[frozenset[int | None], int] = {}
    for raw in rows:
        line = int(raw["__line__"])
        values = validate(raw, line, known, report.problems)
        if values is None:
            continue
        key = values["ext_id"] or f"{values['from_id']}-{values['to_id']}"
        if key in seen:
            report.problems.append(
                RowProblem(line, "id", _("duplicate of line {n}").format(n=seen[key]))
            )
            continue
        pair = frozenset((values["from_id"], values["to_id"]))
        if pair in pair_lines:  # the same two participants, in either direction
            report.problems.append(
                RowProblem(line, "to", _("duplicate of line {n}").format(n=pair_lines[pair]))
            )
            continue
        seen[key] = line
        pair_lines[pair] = line
        valid.append(values)
    if report.problems:
        return report
    for values in valid:
        outcome = save(session, event_id, values, known)
        setattr(report, outcome, getattr(report, outcome) + 1)
    session.commit()
    return report


@dataclass
class RequestPage:
    rows: list[tuple[m.MeetingRequest, m.Participant, m.Participant]]
    total: int
    page: int
    pages: int


def search(
    session: Session,
    event_id: int,
    status: str = "",
    priority: str = "",
    who: str = "",
    unscheduled: bool = False,
    page: int = 1,
    size: int = 25,
) -> RequestPage:
    """One page of the event's requests matching the filters (page clamped to 1..pages)."""
    a, b = aliased(m.Participant), aliased(m.Participant)
    query = (
        select(m.MeetingRequest, a, b)
        .join(a, col(m.MeetingRequest.from_id) == a.id)
        .join(b, col(m.MeetingRequest.to_id) == b.id)
        .where(m.MeetingRequest.event_id == event_id)
    )
    if status:
        query = query.where(m.MeetingRequest.status == status)
    if priority.strip():  # 1, 2 or 3; any other value matches nothing
        wanted = int(priority) if priority.strip() in ("1", "2", "3") else 0
        query = query.where(m.MeetingRequest.priority == wanted)
    if who.strip():
        query = query.where((a.ext_id == who.strip()) | (b.ext_id == who.strip()))
    if unscheduled:  # not placed in the newest schedule version
        newest = session.exec(
            select(m.ScheduleVersion.id)
            .where(m.ScheduleVersion.event_id == event_id)
            .order_by(col(m.ScheduleVersion.number).desc())
        ).first()
        if newest is not None:
            placed = select(m.Meeting.request_ext).where(m.Meeting.version_id == newest)
            query = query.where(col(m.MeetingRequest.ext_id).not_in(placed))
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    size = max(1, size)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = session.exec(
        query.order_by(col(m.MeetingRequest.ext_id)).offset((page - 1) * size).limit(size)
    ).all()
    return RequestPage(rows=list(rows), total=total, page=page, pages=pages)
