"""Meeting requests, from organisers and participants alike: every rule about them lives here.

Priorities, ids, pairs (one request per pair, either direction), sides (buyers meet suppliers),
the statuses that reach the solver, the participants' limits and deadline, mutual requests;
the organiser's form, CSV import (all-or-nothing, idempotent by id) and search; the
participant's send / answer / withdraw; the organiser's bulk creation from suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import true, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, or_, select

from scheduler.domain import DEFAULT_PRIORITY, PRIORITY_WEIGHTS
from web import models as m
from web.models import RequestStatus
from web.usecases import search as names
from web.usecases.availability import event_time
from web.usecases.errors import Invalid, Msg, NotFound
from web.usecases.inputs import is_single_line, multi_line
from web.usecases.registrations import ImportReport, RowProblem, read_table, split_list

PRIORITIES = tuple(sorted(PRIORITY_WEIGHTS))  # 1 nice to have, 2, 3 must see
DEFAULT_REQUEST_LIMIT = 20  # requests a participant may send when the event sets no limit
MUTUAL = "mutual"  # MeetingRequest.created_by when both sides asked (kept as one request)

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
REQUIRED = ("from", "to")
TRUE = {"1", "true", "yes", "y", "x"}


@dataclass
class Lookup:
    people: dict[str, int]
    sessions: set[str]
    resources: set[str]
    existing: dict[str, m.MeetingRequest]
    pairs: dict[frozenset[int], str]
    roles: dict[int, str]  # participant row id -> "buyer" | "supplier" | ""


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
        roles=roles_of(session, event_id),
    )


def roles_of(db: Session, event_id: int) -> dict[int, str]:
    """Participant row id -> the side of their organisation ("" when it has none)."""
    rows = db.exec(
        select(m.Participant.id, m.Organisation.role)
        .join(m.Organisation, col(m.Participant.organisation_id) == m.Organisation.id, isouter=True)
        .where(m.Participant.event_id == event_id)
    )
    return {pid: role or "" for pid, role in rows}


def may_meet(role_a: str | None, role_b: str | None) -> bool:
    """Buyers meet suppliers: someone with a side meets only the other side (people without
    a side, as in the research instances, meet anyone without one)."""
    return other_role(role_a or "") in (None, role_b or None) and other_role(role_b or "") in (
        None,
        role_a or None,
    )


def validate(
    raw: dict[str, str], line: int, known: Lookup, problems: list[RowProblem]
) -> dict[str, Any] | None:
    start = len(problems)
    v = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    v["note"] = multi_line(v["note"])

    def bad(column: str, reason: Msg) -> None:
        problems.append(RowProblem(line, column, reason))

    for column in COLUMNS:
        if column != "note" and not is_single_line(v[column]):
            bad(column, Msg("form.one_line"))
    out: dict[str, Any] = {"ext_id": v["id"]}
    for key in ("from", "to"):
        if not v[key]:
            bad(key, Msg("form.required"))
        elif v[key] not in known.people:
            bad(key, Msg("request.unknown_participant", id=v[key]))
        out[key + "_id"] = known.people.get(v[key])
    if v["from"] and v["from"] == v["to"]:
        bad("to", Msg("request.self"))
    out["priority"] = parse_priority(v["priority"] or str(DEFAULT_PRIORITY))
    if out["priority"] is None:
        bad("priority", Msg("request.bad_priority"))
    out["required"] = v["required"].lower() in TRUE
    out["sessions"] = split_list(v["sessions"]) or None
    for sid in out["sessions"] or ():
        if sid not in known.sessions:
            bad("sessions", Msg("form.unknown_session", id=sid))
    out["requires"] = split_list(v["requires"])
    for name in out["requires"]:
        if name not in known.resources:
            bad("requires", Msg("request.unknown_resource", name=name))
    out["status"] = (v["status"] or "accepted").lower()
    if out["status"] not in {s.value for s in m.RequestStatus}:
        bad("status", Msg("request.bad_status"))
    out["note"] = v["note"]
    out["forced"] = (raw.get("forced") or "").strip().lower() in TRUE
    if len(problems) == start and out["from_id"] and out["to_id"]:
        roles = known.roles.get(out["from_id"]), known.roles.get(out["to_id"])
        if not may_meet(*roles):
            bad("to", Msg("request.same_side"))
        other = known.pairs.get(frozenset((out["from_id"], out["to_id"])))
        if other is not None and other != (out["ext_id"] or other):
            bad("to", Msg("request.pair_taken", id=other))
        if not out["ext_id"]:
            out["ext_id"] = other or ""
    return out if len(problems) == start else None


def parse_priority(raw: str) -> int | None:
    """A priority typed by a person (" 3 " is 3); None unless it is one of PRIORITIES."""
    value = raw.strip()
    return int(value) if value in {str(p) for p in PRIORITIES} else None


def next_request_id(db: Session, event_id: int) -> str:
    """A new request id of the event ("R00042"), the same way for every entry path.

    Taking a number updates the event's counter first, which locks the event row until the
    caller's transaction ends: a second caller waits, then sees the first one's request, so
    two requests created at the same moment never get the same id."""
    bump = (
        update(m.Event)
        .where(col(m.Event.id) == event_id)
        .values(request_seq=col(m.Event.request_seq) + 1)
        .returning(col(m.Event.request_seq))
    )
    number = int(db.execute(bump).scalar_one())
    taken = _taken(db, event_id, f"R{number:05d}")
    if taken:  # ids imported from files: continue after the highest "R" number in use
        used = [int(x[1:]) for x in taken if x[:1] == "R" and x[1:].isdigit()]
        number = max([number, *used]) + 1
        db.execute(update(m.Event).where(col(m.Event.id) == event_id).values(request_seq=number))
    return f"R{number:05d}"


def _taken(db: Session, event_id: int, ext_id: str) -> set[str]:
    """Every id of the event if `ext_id` is one of them, else nothing."""
    query = select(m.MeetingRequest.ext_id).where(m.MeetingRequest.event_id == event_id)
    if db.exec(query.where(m.MeetingRequest.ext_id == ext_id)).first() is None:
        return set()
    return set(db.exec(query))


def save(
    session: Session,
    event_id: int,
    values: dict[str, Any],
    known: Lookup,
    row: m.MeetingRequest | None = None,
) -> str:
    """Create or update one validated request (a blank id gets `next_request_id`); returns
    "created", "updated" or "unchanged". Not committed."""
    if not values["ext_id"]:
        values["ext_id"] = next_request_id(session, event_id)
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
    rows, report.problems = read_table(data, filename, COLUMNS, REQUIRED)
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
            report.problems.append(RowProblem(line, "id", Msg("import.duplicate", n=seen[key])))
            continue
        pair = frozenset((values["from_id"], values["to_id"]))
        if pair in pair_lines:  # the same two participants, in either direction
            report.problems.append(
                RowProblem(line, "to", Msg("import.duplicate", n=pair_lines[pair]))
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
    """One page of the event's requests matching the filters (page clamped to 1..pages).

    `who`: a participant's id finds their requests; any other text finds the requests of
    everyone whose name, e-mail, id or organisation's name contains it (web.usecases.search)."""
    a, b = aliased(m.Participant), aliased(m.Participant)
    query = (
        select(m.MeetingRequest, a, b)
        .join(a, col(m.MeetingRequest.from_id) == a.id)
        .join(b, col(m.MeetingRequest.to_id) == b.id)
        .where(m.MeetingRequest.event_id == event_id)
    )
    if status:
        query = query.where(m.MeetingRequest.status == status)
    if priority.strip():  # one of PRIORITIES; any other value matches nothing
        query = query.where(m.MeetingRequest.priority == (parse_priority(priority) or 0))
    if who.strip():
        query = query.where(_either_side(session, event_id, who.strip(), a, b))
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


def _either_side(
    session: Session, event_id: int, who: str, a: type[m.Participant], b: type[m.Participant]
) -> Any:
    """Requests from or to the participant whose id is `who`, else from or to anyone `who`
    names: an id is exact, so "B001-1" is not also "B001-10"."""
    ids = session.exec(
        select(m.Participant.id).where(
            m.Participant.event_id == event_id, func.lower(m.Participant.ext_id) == who.lower()
        )
    ).all()
    if ids:
        return col(a.id).in_(ids) | col(b.id).in_(ids)
    found = names.matches(who, col(m.Participant.search_key), col(m.Organisation.search_key))
    named = (
        select(m.Participant.id)
        .join(m.Organisation, col(m.Participant.organisation_id) == m.Organisation.id, isouter=True)
        .where(m.Participant.event_id == event_id, found if found is not None else true())
    )
    return col(a.id).in_(named) | col(b.id).in_(named)


# --- the organiser's form ----------------------------------------------------------------------


def get_request(db: Session, event_id: int, request_id: int) -> m.MeetingRequest:
    row = db.get(m.MeetingRequest, request_id)
    if row is None or row.event_id != event_id:
        raise NotFound(Msg("request.not_found"))
    return row


def blank_form() -> dict[str, str]:
    return {c: "" for c in COLUMNS} | {"priority": str(DEFAULT_PRIORITY), "status": "accepted"}


def form_values(db: Session, row: m.MeetingRequest) -> dict[str, str]:
    """A request as the strings of the form / an import row."""
    a, b = db.get(m.Participant, row.from_id), db.get(m.Participant, row.to_id)
    return {
        "id": row.ext_id,
        "from": a.ext_id if a else "",
        "to": b.ext_id if b else "",
        "priority": str(row.priority),
        "required": "true" if row.required else "",
        "sessions": "; ".join(row.sessions or []),
        "requires": "; ".join(row.requires or []),
        "status": row.status,
        "note": row.note,
        "forced": "true" if row.forced else "",
    }


def save_request(
    db: Session, event_id: int, row: m.MeetingRequest | None, values: dict[str, str]
) -> None:
    """Create (`row` None) or update a request from form values; raises Invalid per field."""
    known = lookup(db, event_id)
    if row is not None:
        values = values | {"id": row.ext_id}
    problems: list[RowProblem] = []
    parsed = validate(values, 0, known, problems)
    if parsed is None:
        raise Invalid(Msg("form.correct_fields"), {p.column: p.reason for p in problems})
    if row is None and parsed["ext_id"] in known.existing:
        parsed["ext_id"] = ""  # a new request never overwrites another one
    save(db, event_id, parsed, known, row)
    db.commit()


# --- participants' requests ----------------------------------------------------------------------


def role_of(db: Session, person: m.Participant) -> str:
    org = db.get(m.Organisation, person.organisation_id) if person.organisation_id else None
    return (org.role or "") if org else ""


def other_role(role: str) -> str | None:
    """The side a participant of `role` meets (buyers meet suppliers); None: anyone."""
    return {"buyer": "supplier", "supplier": "buyer"}.get(role)


def request_limit(event: m.Event) -> int:
    return event.max_requests_per_participant or DEFAULT_REQUEST_LIMIT


def requests_closed(event: m.Event) -> bool:
    if event.request_deadline is None:
        return False
    now_local = event_time(datetime.now(UTC), event.timezone)
    return now_local > event.request_deadline


@dataclass
class RequestRow:
    request: m.MeetingRequest
    other: m.Participant
    other_org: m.Organisation | None
    incoming: bool
    mutual: bool


def my_requests(db: Session, me: m.Participant) -> list[RequestRow]:
    rows = list(
        db.exec(
            select(m.MeetingRequest)
            .where(
                m.MeetingRequest.event_id == me.event_id,
                or_(m.MeetingRequest.from_id == me.id, m.MeetingRequest.to_id == me.id),
            )
            .order_by(col(m.MeetingRequest.created_at), col(m.MeetingRequest.id))
        )
    )
    pairs = {(r.from_id, r.to_id) for r in rows}
    out = []
    for r in rows:
        incoming = r.to_id == me.id
        other = db.get(m.Participant, r.from_id if incoming else r.to_id)
        if other is None:
            continue
        org = db.get(m.Organisation, other.organisation_id) if other.organisation_id else None
        mutual = r.created_by == MUTUAL or (r.to_id, r.from_id) in pairs
        out.append(RequestRow(r, other, org, incoming, mutual))
    return out


def send_request(db: Session, me: m.Participant, to_id: int, priority: int, note: str) -> None:
    """Create a pending request from me (or accept theirs if they asked me first); raises
    Invalid saying why when it cannot be sent."""
    note = multi_line(note)
    event = db.get(m.Event, me.event_id)
    if event is None:
        raise NotFound(Msg("event.not_found"))
    if requests_closed(event):
        raise Invalid(Msg("request.closed"))
    other = db.get(m.Participant, to_id)
    if other is None or other.event_id != me.event_id or other.id == me.id:
        raise Invalid(Msg("participant.not_found"))
    if not may_meet(role_of(db, me), role_of(db, other)):
        raise Invalid(Msg("participant.not_found"))  # the catalogue shows only the other side
    if priority not in PRIORITIES:
        raise Invalid(Msg("request.choose_priority"))
    mine = db.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == me.event_id, m.MeetingRequest.from_id == me.id
        )
    ).all()
    if any(r.to_id == to_id for r in mine):
        raise Invalid(Msg("request.already_asked"))
    reverse = db.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == me.event_id,
            m.MeetingRequest.from_id == to_id,
            m.MeetingRequest.to_id == me.id,
        )
    ).first()
    if reverse is not None:
        # Mutual: one meeting, not two. Asking back accepts their request, at the higher priority.
        reverse.status = RequestStatus.ACCEPTED.value
        reverse.priority = max(reverse.priority, priority)
        if note.strip():
            reverse.note = (reverse.note + " / " if reverse.note else "") + note.strip()[:500]
        reverse.created_by = MUTUAL
        db.add(reverse)
        db.commit()
        return
    if len(mine) >= request_limit(event):
        raise Invalid(Msg("request.limit_reached"))
    db.add(
        m.MeetingRequest(
            event_id=event.id,
            ext_id=next_request_id(db, event.id),
            from_id=me.id,
            to_id=to_id,
            priority=priority,
            note=note.strip()[:500],
            status=RequestStatus.PENDING.value,
            created_by="participant",
        )
    )
    db.commit()


def answer_request(db: Session, me: m.Participant, ext_id: str, accept: bool) -> None:
    """Accept or decline a request addressed to me. Refused after the deadline; NotFound if
    there is no such request to me or the organiser forced it (only they change it)."""
    event = db.get(m.Event, me.event_id)
    if event is not None and requests_closed(event):
        raise Invalid(Msg("request.closed"))
    r = db.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == me.event_id,
            m.MeetingRequest.ext_id == ext_id,
            m.MeetingRequest.to_id == me.id,
        )
    ).first()
    if r is None or r.forced:  # a forced request goes to the solver whatever its status
        raise NotFound(Msg("request.not_found"))
    r.status = (RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED).value
    db.add(r)
    db.commit()


def withdraw_request(db: Session, me: m.Participant, ext_id: str) -> None:
    """Delete a still-pending request I sent; NotFound if there is no such request."""
    r = db.exec(
        select(m.MeetingRequest).where(
            m.MeetingRequest.event_id == me.event_id,
            m.MeetingRequest.ext_id == ext_id,
            m.MeetingRequest.from_id == me.id,
            m.MeetingRequest.status == RequestStatus.PENDING.value,
        )
    ).first()
    if r is None:
        raise NotFound(Msg("request.not_found"))
    db.delete(r)
    db.commit()


# --- the organiser's bulk creation -----------------------------------------------------------------


def create_suggested(db: Session, event_id: int, pairs: list[tuple[int, int]]) -> int:
    """Turn chosen (buyer id, supplier id) suggestions into accepted organiser requests."""
    existing = {
        frozenset((r.from_id, r.to_id))
        for r in db.exec(select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id))
    }
    roles = roles_of(db, event_id)
    created = 0
    for buyer_id, supplier_id in pairs:
        a, b = db.get(m.Participant, buyer_id), db.get(m.Participant, supplier_id)
        if a is None or b is None or a.event_id != event_id or b.event_id != event_id:
            continue
        if frozenset((buyer_id, supplier_id)) in existing or buyer_id == supplier_id:
            continue
        if not may_meet(roles.get(buyer_id), roles.get(supplier_id)):
            continue
        db.add(
            m.MeetingRequest(
                event_id=event_id,
                ext_id=next_request_id(db, event_id),
                from_id=buyer_id,
                to_id=supplier_id,
                priority=DEFAULT_PRIORITY,
                status=RequestStatus.ACCEPTED.value,
                created_by="organiser",
                note="suggested",
            )
        )
        db.flush()
        existing.add(frozenset((buyer_id, supplier_id)))
        created += 1
    db.commit()
    return created
