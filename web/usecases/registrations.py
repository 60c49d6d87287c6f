"""Registrations: one row = a participant and their organisation; form, CSV and XLSX import.

Imports are all-or-nothing: every row is validated first, every bad row is reported with its
line, column and reason, and nothing is written unless all rows are good. Rows are matched by
`participant_id`, so re-importing the same file creates and changes nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from sqlmodel import Session, col, func, select

from scheduler.domain import TimeRange
from web import models as m
from web.usecases import search
from web.usecases.availability import parse_range
from web.usecases.errors import Invalid, Msg, NotFound
from web.usecases.inputs import email_address, is_single_line, multi_line
from web.usecases.mapper import sessions_of, time_ranges

COLUMNS = (
    "participant_id",
    "name",
    "email",
    "organisation_id",
    "organisation_name",
    "role",
    "country",
    "sectors",
    "products",
    "certifications",
    "languages",
    "sessions",
    "unavailable",
    "max_meetings",
    "host_table",
    "description",
    "looking_for_sectors",
    "looking_for_certifications",
    "looking_for_products",
    "looking_for_countries",
)
# what an organisation looks for in the other side: the `looking_for_<key>` columns
LOOKING_FOR = ("sectors", "certifications", "products", "countries")
REQUIRED = ("participant_id", "name", "organisation_id", "role")  # columns and values
MULTI_LINE = {"description"}
MAX_MEETINGS = 10_000  # a participant's max_meetings above this is surely a typo
LIST_COLUMNS = {
    "sectors",
    "products",
    "certifications",
    "languages",
    "sessions",
    "looking_for_sectors",
    "looking_for_certifications",
    "looking_for_products",
    "looking_for_countries",
}
EXAMPLE = {
    "participant_id": "S001-1",
    "name": "Nguyen Van An",
    "email": "an@example.vn",
    "organisation_id": "S001",
    "organisation_name": "Soc Son Packaging JSC",
    "role": "supplier",
    "country": "VN",
    "sectors": "packaging; medical-devices",
    "products": "sterile packaging",
    "certifications": "ISO 9001",
    "languages": "vi; en",
    "sessions": "",
    "unavailable": "2026-11-19T09:30/2026-11-19T10:10",
    "max_meetings": "8",
    "host_table": "",
    "description": "",
    "looking_for_sectors": "",
    "looking_for_certifications": "",
    "looking_for_products": "",
    "looking_for_countries": "",
}

MAX_UPLOAD_BYTES = 10 * 2**20  # an import file larger than this is refused unread
MAX_ROWS = 20_000  # rows of one import file (a large fair has a few thousand people)
MAX_LISTED_PROBLEMS = 200  # problems shown of a refused import (all are counted)


def split_list(value: str) -> list[str]:
    return [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]


@dataclass
class RowProblem:
    line: int
    column: str
    reason: Msg


@dataclass
class Registration:
    """A validated row."""

    participant_id: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    problems: list[RowProblem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    organisations_created: int = 0

    @property
    def listed(self) -> list[RowProblem]:
        """The problems worth a page: the first MAX_LISTED_PROBLEMS."""
        return self.problems[:MAX_LISTED_PROBLEMS]

    @property
    def unlisted(self) -> int:
        return max(0, len(self.problems) - MAX_LISTED_PROBLEMS)


def validate_row(
    raw: dict[str, str],
    line: int,
    session_ids: set[str],
    problems: list[RowProblem],
    timezone: str,
) -> Registration | None:
    """Parse one row (strings) into typed values; append problems and return None if bad.
    Unavailable ranges are read as the portal reads them, in the event's zone `timezone`."""
    start = len(problems)
    v = {k: (raw.get(k) or "").strip() for k in COLUMNS}
    v["description"] = multi_line(v["description"])

    def bad(column: str, reason: Msg) -> None:
        problems.append(RowProblem(line, column, reason))

    for column in COLUMNS:
        if column not in MULTI_LINE and not is_single_line(v[column]):
            bad(column, Msg("form.one_line"))
    for column in REQUIRED:
        if not v[column]:
            bad(column, Msg("form.required"))
    if " " in v["participant_id"]:
        bad("participant_id", Msg("registration.no_spaces"))
    email = email_address(v["email"]) if v["email"] else ""
    if email is None:
        bad("email", Msg("registration.bad_email"))
    if v["role"] and v["role"].lower() not in ("buyer", "supplier"):
        bad("role", Msg("registration.bad_role"))
    out: dict[str, Any] = {k: split_list(v[k]) if k in LIST_COLUMNS else v[k] for k in COLUMNS}
    out["email"] = email
    out["role"] = v["role"].lower() or None
    for sid in out["sessions"]:
        if sid not in session_ids:
            bad("sessions", Msg("form.unknown_session", id=sid))
    ranges: list[TimeRange] = []
    for piece in split_list(v["unavailable"]):
        parsed = parse_range(piece, timezone)
        if isinstance(parsed, Msg):
            bad("unavailable", Msg("registration.bad_range", v=piece))
        else:
            ranges.append(parsed)
    out["unavailable"] = time_ranges(ranges)
    out["max_meetings"] = None
    if v["max_meetings"]:
        try:
            out["max_meetings"] = int(v["max_meetings"])
            if out["max_meetings"] < 0:
                raise ValueError
        except ValueError:
            bad("max_meetings", Msg("registration.bad_max_meetings"))
        else:
            if out["max_meetings"] > MAX_MEETINGS:  # also keeps it within a database integer
                bad("max_meetings", Msg("form.number_range", low=0, high=MAX_MEETINGS))
    if len(problems) > start:
        return None
    return Registration(participant_id=v["participant_id"], values=out)


DELIMITERS = (",", ";", "\t")  # comma first: it wins a tie


def _delimiter(first_line: str, known: tuple[str, ...]) -> str:
    """The separator that makes the most column names of the header known ones (a file
    saved by a spreadsheet set to a European locale uses semicolons)."""

    def score(delimiter: str) -> int:
        names = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(name.strip().lower() in known for name in names)

    return max(DELIMITERS, key=score)


def read_table(
    data: bytes, filename: str, known: tuple[str, ...], required: tuple[str, ...]
) -> tuple[list[dict[str, str]], list[RowProblem]]:
    """Rows of a CSV or XLSX upload as dicts (line numbers start at 2, after the header).
    The header must name only `known` columns, each once, and every `required` one; each
    problem with it names the column. A CSV's separator is detected from its header.
    Give it at most MAX_UPLOAD_BYTES + 1 bytes: a longer file is refused unread."""
    if len(data) > MAX_UPLOAD_BYTES:
        return [], [RowProblem(1, "", Msg("import.too_large", mb=MAX_UPLOAD_BYTES // 2**20))]
    rows: list[list[str]] = []
    if filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            for r in sheet.iter_rows(values_only=True):
                rows.append(["" if c is None else str(c) for c in r])
                if len(rows) > MAX_ROWS:
                    break
        except Exception:  # openpyxl raises many kinds on a broken file
            return [], [RowProblem(1, "", Msg("import.bad_xlsx"))]
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [RowProblem(1, "", Msg("import.not_utf8"))]
        first = text.splitlines()[0] if text.strip() else ""
        reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first, known))
        try:
            for row in reader:
                rows.append(row)
                if len(rows) > MAX_ROWS:
                    break
        except csv.Error as error:  # e.g. a field longer than the csv module's limit
            return [], [RowProblem(reader.line_num, "", Msg("import.bad_csv", e=str(error)))]
    if len(rows) > MAX_ROWS:
        return [], [RowProblem(MAX_ROWS + 1, "", Msg("import.too_many_rows", n=MAX_ROWS))]
    if not rows:
        return [], [RowProblem(1, "", Msg("import.empty"))]
    header = [h.strip().lower() for h in rows[0]]
    problems = _header_problems(header, rows[1:], known, required)
    if problems:
        return [], problems
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {h: cell for h, cell in zip(header, row, strict=False) if h}
        out.append({"__line__": str(number), **cells})
    return out, []


def _header_problems(
    header: list[str], body: list[list[str]], known: tuple[str, ...], required: tuple[str, ...]
) -> list[RowProblem]:
    problems = []
    for index, name in enumerate(header):
        if not name:  # a column without a name is fine while it is empty
            if any(index < len(row) and row[index].strip() for row in body):
                problems.append(RowProblem(1, "", Msg("import.unnamed_column", n=index + 1)))
        elif name not in known:
            problems.append(RowProblem(1, name, Msg("import.unknown_column", name=name)))
        elif header.index(name) != index:
            problems.append(RowProblem(1, name, Msg("import.column_twice", name=name)))
    for name in required:
        if name not in header:
            problems.append(RowProblem(1, name, Msg("import.missing_column", name=name)))
    return problems


def import_registrations(
    session: Session, event_id: int, data: bytes, filename: str
) -> ImportReport:
    report = ImportReport()
    rows, report.problems = read_table(data, filename, COLUMNS, REQUIRED)
    if report.problems:
        return report
    if not rows:
        report.problems.append(RowProblem(1, "", Msg("import.no_rows")))
        return report
    session_ids = {s.ext_id for s in sessions_of(session, event_id)}
    seen: dict[str, int] = {}
    valid: list[Registration] = []
    for raw in rows:
        line = int(raw["__line__"])
        reg = validate_row(raw, line, session_ids, report.problems, _timezone(session, event_id))
        if reg is None:
            continue
        if reg.participant_id in seen:
            report.problems.append(
                RowProblem(
                    line,
                    "participant_id",
                    Msg("import.duplicate", n=seen[reg.participant_id]),
                )
            )
            continue
        seen[reg.participant_id] = line
        valid.append(reg)
    tables = _table_problems(session, event_id, valid, rows)
    report.problems.extend(tables)
    if report.problems:
        return report
    try:
        for reg in valid:
            outcome, org_created = save_registration(session, event_id, reg)
            report.organisations_created += org_created
            setattr(report, outcome, getattr(report, outcome) + 1)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


def _table_problems(
    session: Session, event_id: int, regs: list[Registration], rows: list[dict[str, str]]
) -> list[RowProblem]:
    problems = []
    tables = {
        t.ext_id: t
        for t in session.exec(select(m.EventTable).where(m.EventTable.event_id == event_id))
    }
    people = {
        p.id: p.ext_id
        for p in session.exec(select(m.Participant).where(m.Participant.event_id == event_id))
    }
    claimed: dict[str, str] = {}
    lines = {r.get("participant_id", "").strip(): r["__line__"] for r in rows}
    for reg in regs:
        name = reg.values["host_table"]
        if not name:
            continue
        table = tables.get(name)
        owner = people.get(table.host_id) if table and table.host_id else None
        if table is not None and table.host_id is None:
            problems.append(
                RowProblem(
                    int(lines[reg.participant_id]),
                    "host_table",
                    Msg("registration.pooled_table", t=name),
                )
            )
        elif owner and owner != reg.participant_id:
            problems.append(
                RowProblem(
                    int(lines[reg.participant_id]),
                    "host_table",
                    Msg("registration.table_hosted", t=name, p=owner),
                )
            )
        elif name in claimed:
            problems.append(
                RowProblem(
                    int(lines[reg.participant_id]),
                    "host_table",
                    Msg("registration.table_claimed", t=name, p=claimed[name]),
                )
            )
        claimed[name] = reg.participant_id
    return problems


def save_registration(session: Session, event_id: int, reg: Registration) -> tuple[str, int]:
    """Upsert the organisation and the participant; returns ("created"|"updated"|"unchanged", orgs created)."""
    v = reg.values
    org = session.exec(
        select(m.Organisation).where(
            m.Organisation.event_id == event_id, m.Organisation.ext_id == v["organisation_id"]
        )
    ).first()
    org_created = 0
    org_values: dict[str, Any] = {
        "name": v["organisation_name"] or (org.name if org else v["organisation_id"]),
        "role": v["role"] if v["role"] else (org.role if org else None),
        "country": v["country"] or (org.country if org else None),
        "sectors": v["sectors"] or (org.sectors if org else []),
        "products": v["products"] or (org.products if org else []),
        "certifications": v["certifications"] or (org.certifications if org else []),
        "description": v["description"] or (org.description if org else ""),
    }
    looking = dict(org.looking_for) if org and org.looking_for else {}
    for key in LOOKING_FOR:
        if v["looking_for_" + key]:
            looking[key] = v["looking_for_" + key]
    org_values["looking_for"] = looking
    languages = sorted(set(org.languages if org else []) | set(v["languages"]))
    org_values["languages"] = languages
    changed = False
    if org is None:
        org = m.Organisation(event_id=event_id, ext_id=v["organisation_id"], **org_values)
        org_created = 1
        session.add(org)
        session.flush()
    else:
        changed |= _assign(org, org_values)
        session.add(org)
    person = session.exec(
        select(m.Participant).where(
            m.Participant.event_id == event_id, m.Participant.ext_id == reg.participant_id
        )
    ).first()
    person_values: dict[str, Any] = {
        "organisation_id": org.id,
        "name": v["name"],
        "email": v["email"],
        "languages": v["languages"],
        "available": v["sessions"] or None,
        "unavailable": v["unavailable"],
        "max_meetings": v["max_meetings"],
    }
    if person is None:
        person = m.Participant(event_id=event_id, ext_id=reg.participant_id, **person_values)
        session.add(person)
        session.flush()
        outcome = "created"
    else:
        changed |= _assign(person, person_values)
        session.add(person)
        session.flush()
        outcome = "updated" if changed else "unchanged"
    if _set_host_table(session, event_id, person, v["host_table"]) and outcome == "unchanged":
        outcome = "updated"
    return outcome, org_created


def _assign(row: Any, values: dict[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _set_host_table(session: Session, event_id: int, person: m.Participant, name: str) -> bool:
    current = session.exec(select(m.EventTable).where(m.EventTable.host_id == person.id)).first()
    if (current.ext_id if current else "") == name:
        return False
    if current is not None:
        session.delete(current)
        session.flush()
    if name:
        table = session.exec(
            select(m.EventTable).where(
                m.EventTable.event_id == event_id, m.EventTable.ext_id == name
            )
        ).first() or m.EventTable(event_id=event_id, ext_id=name)
        table.host_id = person.id
        session.add(table)
    return True


def registration_values(session: Session, person: m.Participant) -> dict[str, str]:
    """A participant as the strings of an import row / form."""
    org = session.get(m.Organisation, person.organisation_id) if person.organisation_id else None
    table = session.exec(select(m.EventTable).where(m.EventTable.host_id == person.id)).first()
    looking = (org.looking_for if org else {}) or {}
    return {
        "participant_id": person.ext_id,
        "name": person.name,
        "email": person.email,
        "organisation_id": org.ext_id if org else "",
        "organisation_name": org.name if org else "",
        "role": (org.role or "") if org else "",
        "country": (org.country or "") if org else "",
        "sectors": "; ".join(org.sectors) if org else "",
        "products": "; ".join(org.products) if org else "",
        "certifications": "; ".join(org.certifications) if org else "",
        "languages": "; ".join(person.languages),
        "sessions": "; ".join(person.available or []),
        "unavailable": "; ".join(f"{u['start']}/{u['end']}" for u in person.unavailable),
        "max_meetings": "" if person.max_meetings is None else str(person.max_meetings),
        "host_table": table.ext_id if table else "",
        "description": org.description if org else "",
    } | {"looking_for_" + key: "; ".join(looking.get(key, [])) for key in LOOKING_FOR}


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE[c] for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "registrations"
    sheet.append(list(COLUMNS))
    sheet.append([EXAMPLE[c] for c in COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@dataclass
class Page:
    rows: list[tuple[m.Participant, m.Organisation | None]]
    total: int
    page: int
    pages: int


def search_participants(
    session: Session,
    event_id: int,
    q: str = "",
    role: str = "",
    country: str = "",
    page: int = 1,
    size: int = 25,
) -> Page:
    query = (
        select(m.Participant, m.Organisation)
        .join(
            m.Organisation,
            col(m.Participant.organisation_id) == col(m.Organisation.id),
            isouter=True,
        )
        .where(m.Participant.event_id == event_id)
    )
    found = search.matches(q, col(m.Participant.search_key), col(m.Organisation.search_key))
    if found is not None:
        query = query.where(found)
    if role:
        query = query.where(m.Organisation.role == role)
    if country:
        query = query.where(func.upper(m.Organisation.country) == country.upper())
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    rows = session.exec(
        query.order_by(col(m.Participant.ext_id)).offset((page - 1) * size).limit(size)
    ).all()
    return Page(rows=list(rows), total=total, page=page, pages=pages)


def _timezone(db: Session, event_id: int) -> str:
    event = db.get(m.Event, event_id)
    if event is None:
        raise NotFound(Msg("event.not_found"))
    return event.timezone


def get_participant(db: Session, event_id: int, participant_id: int) -> m.Participant:
    person = db.get(m.Participant, participant_id)
    if person is None or person.event_id != event_id:
        raise NotFound(Msg("participant.not_found"))
    return person


def save_participant(
    db: Session, event_id: int, person: m.Participant | None, values: dict[str, str]
) -> m.Participant:
    """Create (`person` None) or update one participant from form values; raises Invalid
    with a message per field and writes nothing when any value is wrong."""
    problems: list[RowProblem] = []
    session_ids = {s.ext_id for s in sessions_of(db, event_id)}
    row = validate_row(values, 0, session_ids, problems, _timezone(db, event_id))
    if row is not None:
        clash = db.exec(
            select(m.Participant).where(
                m.Participant.event_id == event_id, m.Participant.ext_id == row.participant_id
            )
        ).first()
        if clash is not None and (person is None or clash.id != person.id):
            problems.append(
                RowProblem(0, "participant_id", Msg("registration.id_taken", name=clash.name))
            )
        line = {"participant_id": row.participant_id, "__line__": "0"}
        problems += _table_problems(db, event_id, [row], [line])
    if problems or row is None:
        raise Invalid(Msg("form.correct_fields"), {p.column: p.reason for p in problems})
    if person is not None and person.ext_id != row.participant_id:
        person.ext_id = row.participant_id
        db.add(person)
    save_registration(db, event_id, row)
    db.commit()
    return get_participant_by_ext(db, event_id, row.participant_id)


def get_participant_by_ext(db: Session, event_id: int, ext_id: str) -> m.Participant:
    person = db.exec(
        select(m.Participant).where(
            m.Participant.event_id == event_id, m.Participant.ext_id == ext_id
        )
    ).first()
    if person is None:
        raise NotFound(Msg("participant.not_found"))
    return person


def delete_participant(db: Session, event_id: int, participant_id: int) -> None:
    """Delete a participant with their meeting requests and the table they host."""
    person = get_participant(db, event_id, participant_id)
    for request_row in db.exec(
        select(m.MeetingRequest).where(
            (m.MeetingRequest.from_id == person.id) | (m.MeetingRequest.to_id == person.id)
        )
    ):
        db.delete(request_row)
    for table in db.exec(select(m.EventTable).where(m.EventTable.host_id == person.id)):
        db.delete(table)  # a host table goes with its host
    db.delete(person)
    db.commit()
