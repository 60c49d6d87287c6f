"""Any upload and any `b2b-event/1` document gives a result or clear problems, never an
exception: CSV and XLSX imports of registrations and requests, and the event reader."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from scheduler.formats import FormatError, parse_event
from tests.conftest import TINY_SAMPLE, import_event_json
from web import messages
from web import models as m
from web.db import make_engine
from web.usecases import registrations, requests
from web.usecases.registrations import ImportReport

EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
REGISTRATION_COLUMNS = [
    "participant_id",
    "name",
    "email",
    "organisation_id",
    "organisation_name",
    "role",
    "country",
    "sectors",
    "languages",
    "sessions",
    "max_meetings",
    "unavailable",
    "host_table",
]
REQUEST_COLUMNS = ["id", "from", "to", "priority", "required", "sessions", "status", "note"]
cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "B1-1", "S1-1", "buyer", "supplier", "d1-am", "-1", "1e9", "2", "x;y"]),
)


def _rows(columns: list[str]) -> st.SearchStrategy[list[list[str]]]:
    header = st.lists(st.sampled_from(columns), min_size=1, max_size=len(columns), unique=True)
    return header.flatmap(
        lambda h: st.lists(st.lists(cells, min_size=len(h), max_size=len(h)), max_size=6).map(
            lambda body: [h, *body]
        )
    )


def _csv(rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])  # as Excel would
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def engine(database_url: str) -> Engine:
    from web.db import migrate

    engine = make_engine(database_url)
    migrate(engine)
    return engine


@pytest.fixture
def event_id(engine: Engine) -> int:
    with Session(engine) as session:
        return import_event_json(session, json.loads(TINY_SAMPLE.read_text())).id


def _explained(report: ImportReport) -> bool:
    """Every problem is a message of the catalogue, on a line of the file."""
    return all(p.reason.code in messages.CATALOGUE and p.line >= 0 for p in report.problems)


def _participants(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(m.Participant)).one())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@EXAMPLES
@given(rows=_rows(REGISTRATION_COLUMNS))
def test_any_registration_file_imports_or_explains_itself_and_writes_nothing_if_refused(
    engine: Engine, event_id: int, kind: str, rows: list[list[str]]
) -> None:
    data = _csv(rows) if kind == "csv" else _xlsx(rows)
    before = _participants(engine)
    with Session(engine) as session:
        report = registrations.import_registrations(session, event_id, data, f"f.{kind}")
    unchanged = _participants(engine) == before
    assert _explained(report) and (not report.problems or unchanged)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@EXAMPLES
@given(rows=_rows(REQUEST_COLUMNS))
def test_any_request_file_imports_or_explains_itself(
    engine: Engine, event_id: int, rows: list[list[str]]
) -> None:
    with Session(engine) as session:
        report = requests.import_requests(session, event_id, _csv(rows), "requests.csv")
    assert _explained(report)


@pytest.mark.parametrize("name", ["f.csv", "f.xlsx"])
@EXAMPLES
@given(data=st.binary(max_size=2000))
def test_any_bytes_read_as_a_table_give_rows_or_a_problem(name: str, data: bytes) -> None:
    rows, problems = registrations.read_table(
        data, name, registrations.COLUMNS, registrations.REQUIRED
    )
    assert all(p.reason.code in messages.CATALOGUE for p in problems) and (not problems or not rows)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
TINY: dict[str, Any] = json.loads(TINY_SAMPLE.read_text())


def _mutated(path: list[str | int], value: object) -> object:
    """The tiny sample with the value at `path` (as far as it exists) replaced."""
    doc = json.loads(json.dumps(TINY))
    node: Any = doc
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return doc
    with contextlib.suppress(IndexError, TypeError):  # a path into a list or a scalar
        node[path[-1]] = value
    return doc


paths = st.lists(
    st.sampled_from(
        [
            "event",
            "participants",
            "requests",
            "organisations",
            "tables",
            "sessions",
            0,
            1,
            "id",
            "to",
            "from",
            "start",
            "slot_minutes",
            "timezone",
            "priority",
            "fixed",
            "available",
        ]
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(doc=json_values | st.builds(_mutated, paths, json_values))
def test_any_json_document_is_an_event_or_problems_with_paths(doc: object) -> None:
    try:
        parse_event(doc)
    except FormatError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)
