"""Exports of a version: a table of meetings (CSV, XLSX) and the `b2b-schedule/1` document;
the CSV and XLSX writers other tables share (the leads of `web.usecases.outcomes`).

Cells come from what people typed (names, organisations), and a spreadsheet runs a cell
that starts like a formula: every cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return gets a leading apostrophe (OWASP's advice on CSV injection), in CSV and
XLSX alike, and XLSX cells are written as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from sqlmodel import Session, select

from scheduler.formats import schedule_to_json
from web import models as m
from web.usecases import mapper

COLUMNS = (
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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """`value` as a cell no spreadsheet reads as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def schedule_document(db: Session, version: m.ScheduleVersion) -> dict[str, Any]:
    """The version as a `b2b-schedule/1` document of the event's current set-up."""
    event = mapper.event_of(db, version.event_id)
    return schedule_to_json(mapper.schedule_of(db, version, event, with_stats=True), event)


def rows(db: Session, version: m.ScheduleVersion) -> list[list[str]]:
    """One row per meeting, in time order (strings, as in a spreadsheet)."""
    people = {
        p.id: p
        for p in db.exec(select(m.Participant).where(m.Participant.event_id == version.event_id))
    }
    orgs = {
        o.id: o.name
        for o in db.exec(select(m.Organisation).where(m.Organisation.event_id == version.event_id))
    }
    out: list[list[str]] = []
    for x in mapper.meetings_of(db, version.id):
        row = [x.start.strftime("%Y-%m-%d %H:%M"), x.end.strftime("%H:%M"), x.table_ext]
        row.append(x.request_ext)
        for pid in (x.from_id, x.to_id):
            p = people.get(pid) if pid else None
            row += [p.ext_id, p.name, orgs.get(p.organisation_id or 0, "")] if p else ["", "", ""]
        out.append([spreadsheet_text(cell) for cell in row])
    return out


def csv_bytes(db: Session, version: m.ScheduleVersion) -> bytes:
    return table_csv(COLUMNS, rows(db, version))


def xlsx_bytes(db: Session, version: m.ScheduleVersion) -> bytes:
    return table_xlsx(f"version {version.number}", COLUMNS, rows(db, version))


def table_csv(columns: Sequence[str], cells: Iterable[Sequence[str]]) -> bytes:
    """A header and rows of neutralised cells (`spreadsheet_text`) as UTF-8 CSV with a BOM,
    which spreadsheet programs need to read it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(cells)
    return out.getvalue().encode("utf-8-sig")


def table_xlsx(title: str, columns: Sequence[str], cells: Iterable[Sequence[str]]) -> bytes:
    """A header and rows of neutralised cells as one XLSX sheet, every cell text."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = title
    sheet.append(list(columns))
    for row in cells:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s"  # text, whatever it looks like
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
