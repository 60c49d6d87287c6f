"""Registrations: the participant form, CSV/XLSX imports (all or nothing), search, delete."""

from __future__ import annotations

import io

import pytest
from fastapi import FastAPI
from openpyxl import Workbook
from sqlmodel import Session, select

from tests.conftest import OrganiserClient
from tests.web.helpers import create_event, domain_event, load_tiny, person
from web import models as m

HEADER = "participant_id,name,email,organisation_id,organisation_name,role,country,sectors,languages,sessions,max_meetings\n"
GOOD = (
    "B1-1,Kim Min,kim@example.kr,B1,Hanil Vietnam,buyer,KR,auto-parts,ko; en,,6\n"
    "S1-1,Nguyen An,an@example.vn,S1,Song Da JSC,supplier,VN,auto-parts,vi,d1-am,\n"
)
BAD_ROW = "S2-1,,x,S2,Other,seller,VN,,vi,d9,-1\n"


def _import(client: OrganiserClient, event_id: int, text: str, name: str = "reg.csv") -> str:
    response = client.post_form(
        f"/events/{event_id}/import", files={"file": (name, text.encode(), "text/csv")}
    )
    return f"{response.status_code} {response.text}"


def _names(app: FastAPI) -> set[str]:
    with Session(app.state.engine) as session:
        return set(session.exec(select(m.Participant.name)).all())


@pytest.mark.parametrize(
    "problem", ["<td>4</td>", "must be buyer or supplier", "unknown session", "max_meetings"]
)
def test_a_bad_row_is_reported_with_line_and_column(
    organiser_client: OrganiserClient, problem: str
) -> None:
    event_id = create_event(organiser_client)
    assert problem in _import(organiser_client, event_id, HEADER + GOOD + BAD_ROW)


def test_a_file_with_a_bad_row_imports_nothing(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _import(organiser_client, event_id, HEADER + GOOD + BAD_ROW)
    assert _names(app) == set()


def test_a_good_file_creates_its_participants(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    result = _import(organiser_client, event_id, HEADER + GOOD)
    assert result.startswith("200") and "2 created, 0 updated, 0 unchanged" in result


def test_importing_the_same_file_again_changes_nothing(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    _import(organiser_client, event_id, HEADER + GOOD)
    assert "0 created, 0 updated, 2 unchanged" in _import(organiser_client, event_id, HEADER + GOOD)


def test_an_xlsx_file_updates_and_creates(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has a sheet
    sheet.append(["participant_id", "name", "organisation_id", "role", "max_meetings"])
    sheet.append(["S001-1", "Renamed Person", "S001", "supplier", 4])
    sheet.append(["N1-1", "New Person", "N1", "supplier", None])
    buffer = io.BytesIO()
    book.save(buffer)
    response = organiser_client.post_form(
        f"/events/{event_id}/import",
        files={"file": ("reg.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert "1 created, 1 updated" in response.text


def test_the_xlsx_template_downloads(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    response = organiser_client.get(f"/events/{event_id}/import/template.xlsx")
    assert (response.status_code, response.content[:2]) == (200, b"PK")


def test_search_finds_by_organisation(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    _import(organiser_client, event_id, HEADER + GOOD)
    listing = organiser_client.get(
        f"/events/{event_id}/participants?q=hanil", headers={"HX-Request": "true"}
    ).text
    assert "Kim Min" in listing and "Nguyen An" not in listing


@pytest.mark.parametrize("query", ["%25", "_"])
def test_search_treats_wildcards_literally(
    app: FastAPI, organiser_client: OrganiserClient, query: str
) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/participants?q={query}").text
    assert "0 participants" in page


@pytest.mark.parametrize("query", ["q=a%00b", "country=%00", "role=buy%00er&country=V%00N"])
def test_nul_characters_in_searches_are_no_error(
    app: FastAPI, organiser_client: OrganiserClient, query: str
) -> None:
    event_id = load_tiny(app)
    assert organiser_client.get(f"/events/{event_id}/participants?{query}").status_code == 200


def test_a_nul_character_in_a_search_is_dropped(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    page = organiser_client.get(f"/events/{event_id}/participants?q=B0%0001-1").text
    assert "B001-1" in page


def test_roles_are_translated_in_the_list(app: FastAPI, organiser_client: OrganiserClient) -> None:
    event_id = load_tiny(app)
    organiser_client.cookies.set("lang", "vi")
    page = organiser_client.get(f"/events/{event_id}/participants?role=buyer").text
    assert "<td>buyer</td>" not in page and "bên mua" in page


def test_the_form_names_a_bad_address(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    response = organiser_client.post_form(
        f"/events/{event_id}/participants",
        {"participant_id": "", "email": "nope"},
        headers={"HX-Request": "true"},
    )
    assert (response.status_code, "not an e-mail address" in response.text) == (422, True)


def test_the_form_creates_a_participant(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    values = {
        "participant_id": "P1",
        "name": "Le Binh",
        "organisation_id": "O1",
        "organisation_name": "Org",
        "role": "supplier",
    }
    organiser_client.post_form(f"/events/{event_id}/participants", values)
    assert "Le Binh" in organiser_client.get(f"/events/{event_id}/participants").text


def test_a_huge_max_meetings_is_a_field_error(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    values = {
        "participant_id": "X1",
        "name": "X",
        "organisation_id": "XO",
        "role": "supplier",
        "max_meetings": "99999999999999999999999",
    }
    response = organiser_client.post_form(f"/events/{event_id}/participants", values)
    assert (response.status_code, "X" in _names(app)) == (422, False)


def test_nul_characters_in_the_form_are_dropped(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    values = {"participant_id": "X1", "name": "A\x00B", "organisation_id": "XO", "role": "supplier"}
    organiser_client.post_form(f"/events/{event_id}/participants", values)
    assert "AB" in _names(app)


def test_nul_characters_in_an_import_are_dropped(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    _import(
        organiser_client,
        event_id,
        "participant_id,name,organisation_id,role\nX2,C\x00D,XO,supplier\n",
    )
    assert "CD" in _names(app)


def test_deleting_a_participant_deletes_their_requests(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    buyer = person(app, "B001-1")
    organiser_client.post_form(f"/events/{event_id}/participants/{buyer.id}/delete")
    assert all("B001-1" not in r.pair for r in domain_event(app, event_id).requests)


def test_deleting_a_host_deletes_their_table(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = load_tiny(app)
    buyer = person(app, "B001-1")
    organiser_client.post_form(f"/events/{event_id}/participants/{buyer.id}/delete")
    assert "T001" not in {t.id for t in domain_event(app, event_id).tables}


def test_a_csv_field_longer_than_the_csv_limit_is_a_problem_not_an_error(
    organiser_client: OrganiserClient,
) -> None:
    event_id = create_event(organiser_client)
    long_row = "B1-1," + "x" * 131_073 + ",kim@example.kr,B1,Hanil,buyer,KR,,ko,,\n"
    result = _import(organiser_client, event_id, HEADER + long_row)
    assert result.startswith("422") and "cannot be read as CSV" in result


def test_a_file_over_ten_megabytes_is_refused_unread(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    result = _import(organiser_client, event_id, HEADER + "x" * (10 * 2**20))
    assert "larger than 10 MB" in result


def test_a_file_with_thousands_of_bad_rows_lists_two_hundred(
    organiser_client: OrganiserClient,
) -> None:
    event_id = create_event(organiser_client)
    result = _import(organiser_client, event_id, HEADER + BAD_ROW * 1000)
    assert (result.count("<tr><td>"), "more, not listed here" in result) == (200, True)


def test_a_misspelt_column_is_named(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    text = HEADER.replace(",email,", ",e-mail,") + GOOD
    assert "unknown column “e-mail”" in _import(organiser_client, event_id, text)


def test_a_file_with_an_unknown_column_imports_nothing(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _import(organiser_client, event_id, HEADER.replace(",email,", ",e-mail,") + GOOD)
    assert _names(app) == set()


def test_a_missing_role_column_is_named(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    text = "participant_id,name,organisation_id\nB1-1,Kim Min,B1\n"
    assert "the column “role” is missing" in _import(organiser_client, event_id, text)


def test_a_column_named_twice_is_refused(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    text = "participant_id,name,name,organisation_id,role\nB1-1,Kim,Min,B1,buyer\n"
    assert "the column “name” appears twice" in _import(organiser_client, event_id, text)


def test_a_row_without_a_role_is_refused(organiser_client: OrganiserClient) -> None:
    event_id = create_event(organiser_client)
    text = "participant_id,name,organisation_id,role\nB1-1,Kim Min,B1,\n"
    assert _import(organiser_client, event_id, text).startswith("422")


@pytest.mark.parametrize("separator", [";", "\t"])
def test_the_separator_is_detected(organiser_client: OrganiserClient, separator: str) -> None:
    event_id = create_event(organiser_client)
    text = (HEADER + GOOD).replace(",", separator).replace(f"ko{separator} en", "ko en")
    assert "2 created, 0 updated, 0 unchanged" in _import(organiser_client, event_id, text)


def test_an_address_with_a_line_break_is_refused(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    row = 'S9-1,Le Van,"le@example.vn\r\nBcc: all@example.org",S9,Hong Ha,supplier,VN,,vi,,\n'
    result = _import(organiser_client, event_id, HEADER + GOOD + row)
    assert (result[:3], _names(app)) == ("422", set())


def test_a_name_with_a_line_break_is_refused_by_the_form(
    organiser_client: OrganiserClient,
) -> None:
    event_id = create_event(organiser_client)
    values = {"participant_id": "X1", "name": "Kim\nMin", "organisation_id": "XO", "role": "buyer"}
    response = organiser_client.post_form(f"/events/{event_id}/participants", values)
    assert (response.status_code, "must be one line" in response.text) == (422, True)


def test_an_address_is_stored_in_lower_case(
    app: FastAPI, organiser_client: OrganiserClient
) -> None:
    event_id = create_event(organiser_client)
    _import(organiser_client, event_id, HEADER + GOOD.replace("kim@example.kr", "Kim@Example.KR"))
    assert person(app, "B1-1").email == "kim@example.kr"
