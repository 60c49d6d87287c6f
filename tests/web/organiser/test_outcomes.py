"""The organisers' outcome report page, the leads downloads, and the e-mail asking
participants for outcomes, sent through the outbox, whose link signs in to the portal."""

from __future__ import annotations

import csv
import email
import io
import re
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.conftest import ORGANISER_PASSWORD, OrganiserClient
from tests.web.helpers import SECRET, load_tiny, publish_placed
from tests.web.test_authorisation import signed_in_as
from web import models as m
from web.courier import deliver_due
from web.mail import Mailer
from web.mailing import OutboxPostman
from web.usecases import access, accounts, outbox, outcomes
from web.usecases.errors import Conflict
from web.usecases.notifications import Links
from web.usecases.outcomes import Draft, FollowUp

# S008-1/B001-1, S004-1/B001-1 in the morning, B003-2/S003-1 in the afternoon: five
# participants with a meeting, each with an address. The day (2026-11-19) has passed.
PLACED = {"R00001": (0, "T005"), "R00003": (1, "T005"), "R00004": (10, "T005")}
LINKS = Links("http://portal.test", SECRET)


AFTER = datetime(2026, 11, 20, tzinfo=UTC)


def _answer(app: FastAPI, ext_id: str, request: str, draft: Draft) -> None:
    with Session(app.state.engine) as db:
        me = db.exec(select(m.Participant).where(m.Participant.ext_id == ext_id)).one()
        outcomes.record(db, me, request, draft, AFTER)


@pytest.fixture
def fair(app: FastAPI, organiser: str) -> int:
    """PLACED published; B001-1 wants a quote from S008-1 and missed S004-1; S003-1 says
    R00004 went well."""
    event_id = load_tiny(app)
    publish_placed(app, event_id, PLACED)
    _answer(app, "B001-1", "R00001", Draft(True, frozenset({FollowUp.QUOTE}), 5, "Call me"))
    _answer(app, "B001-1", "R00003", Draft(False, frozenset(), None, ""))
    _answer(app, "S003-1", "R00004", Draft(True, frozenset(), 4, "Good talk"))
    return event_id


def _mails(folder: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_the_report_page_shows_the_counts(organiser_client: OrganiserClient, fair: int) -> None:
    page = organiser_client.get(f"/events/{fair}/outcomes").text
    found = {
        key: re.search(rf'id="{key}">([^<]*)<', page).group(1)  # type: ignore[union-attr]
        for key in ("n-meetings", "n-answered", "n-held", "n-not-held", "no-show-rate", "n-leads")
    }
    assert found == {
        "n-meetings": "3",
        "n-answered": "3",
        "n-held": "2",
        "n-not-held": "1",
        "no-show-rate": "33 %",
        "n-leads": "1",
    }


def test_the_organiser_reads_both_sides_notes(organiser_client: OrganiserClient, fair: int) -> None:
    page = organiser_client.get(f"/events/{fair}/outcomes").text
    assert ("Call me" in page, "Good talk" in page) == (True, True)


def test_the_csv_download_lists_the_lead(organiser_client: OrganiserClient, fair: int) -> None:
    response = organiser_client.get(f"/events/{fair}/outcomes/leads.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (response.headers["content-type"].startswith("text/csv"), rows[1][:4], len(rows)) == (
        True,
        ["S008-1", "Hung Le", "Hoa Binh Precision JSC", "B001-1"],
        2,
    )


def test_the_xlsx_download_is_a_workbook(organiser_client: OrganiserClient, fair: int) -> None:
    response = organiser_client.get(f"/events/{fair}/outcomes/leads.xlsx")
    assert response.content[:2] == b"PK"  # a zip, as every XLSX file is


def test_asking_writes_one_outcome_mail_per_participant_with_a_meeting(
    organiser_client: OrganiserClient, app: FastAPI, fair: int
) -> None:
    response = organiser_client.post_form(f"/events/{fair}/outcomes/ask", follow_redirects=False)
    with Session(app.state.engine) as db:
        kinds = db.exec(select(m.OutboxMessage.kind).where(m.OutboxMessage.kind == "outcome"))
        assert (response.headers["location"], len(kinds.all())) == (
            f"/events/{fair}/outcomes?asked=5",
            5,
        )


def test_only_the_owner_sees_the_ask_button(app: FastAPI, fair: int) -> None:
    with Session(app.state.engine) as db:
        co = accounts.create_organiser(db, "co@example.org", ORGANISER_PASSWORD)
        access.grant(db, fair, co, m.Role.CO_ORGANISER)
        db.commit()
    page = signed_in_as(app, "co@example.org").get(f"/events/{fair}/outcomes").text
    assert ('id="n-meetings"' in page, f"/events/{fair}/outcomes/ask" in page) == (True, False)


def test_nothing_published_nothing_to_ask(app: FastAPI, organiser: str) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as db, pytest.raises(Conflict):
        outcomes.ask_for_outcomes(db, event_id, OutboxPostman(db), LINKS)


@pytest.fixture
def delivered(app: FastAPI, fair: int, tmp_path: Path) -> tuple[int, list[EmailMessage]]:
    """The outcomes e-mail written to the outbox and delivered as .eml files."""
    with Session(app.state.engine) as db:
        asked = outcomes.ask_for_outcomes(db, fair, OutboxPostman(db), LINKS)
    deliver_due(app.state.engine, Mailer(outbox=tmp_path / "mails"), outbox.Retry())
    return asked, _mails(tmp_path / "mails")


def test_the_outcome_mail_goes_to_everyone_with_a_meeting(
    delivered: tuple[int, list[EmailMessage]],
) -> None:
    asked, mails = delivered
    assert (asked, sorted(str(x["To"]) for x in mails)) == (
        5,
        [
            "b001-1@buyer.example",
            "b003-2@buyer.example",
            "s003@supplier.example",
            "s004@supplier.example",
            "s008@supplier.example",
        ],
    )


def test_the_outcome_mail_asks_about_each_meeting(
    delivered: tuple[int, list[EmailMessage]],
) -> None:
    mail = next(x for x in delivered[1] if x["To"] == "b001-1@buyer.example")
    wanted = ("How did your meetings at Tiny connection morning go?", True)
    assert (str(mail["Subject"]), "each of your 2 meetings" in _body(mail)) == wanted


def test_the_outcome_mails_link_signs_in_to_the_outcomes_page(
    app: FastAPI, delivered: tuple[int, list[EmailMessage]]
) -> None:
    mail = next(x for x in delivered[1] if x["To"] == "s008@supplier.example")
    link = re.search(r"http://portal\.test(/p/login/\S+)", _body(mail))
    assert link is not None
    client = TestClient(app)
    response = client.get(link.group(1), follow_redirects=False)
    page = client.get("/p/outcomes").text
    assert (response.headers["location"], 'hx-post="/p/outcomes/R00001"' in page) == (
        "/p/outcomes",
        True,
    )


def test_the_outcome_mail_is_in_the_participants_language(
    app: FastAPI, fair: int, tmp_path: Path
) -> None:
    with Session(app.state.engine) as db:
        me = db.exec(select(m.Participant).where(m.Participant.ext_id == "S008-1")).one()
        me.locale = "vi"
        db.add(me)
        db.commit()
        outcomes.ask_for_outcomes(db, fair, OutboxPostman(db), LINKS)
    deliver_due(app.state.engine, Mailer(outbox=tmp_path / "mails"), outbox.Retry())
    mail = next(x for x in _mails(tmp_path / "mails") if x["To"] == "s008@supplier.example")
    assert str(mail["Subject"]) == "Các cuộc gặp của bạn tại Tiny connection morning thế nào?"
