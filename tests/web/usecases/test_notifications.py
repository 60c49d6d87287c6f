"""What participants are told when a version is published, worded by the app's postman."""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from pathlib import Path

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from tests.web.helpers import SECRET, load_tiny, publish_placed, store_version
from web import models as m
from web.mail import Mailer
from web.mailing import MailPostman
from web.usecases import notifications, publishing, versions

FIRST = {"R00001": (0, "T001"), "R00003": (1, "T001"), "R00010": (2, "T001")}
SECOND = {"R00001": (6, "T001"), "R00010": (4, "T001")}  # later, dropped, earlier


def _mails(folder: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None  # every notice has a plain-text part
    return str(part.get_content())


@pytest.fixture
def changed(app: FastAPI, tmp_path: Path) -> tuple[int, list[EmailMessage]]:
    """FIRST published, then SECOND told to a postman writing into mails/: (sent, mails)."""
    event_id = load_tiny(app)
    publish_placed(app, event_id, FIRST)
    number = store_version(app, event_id, SECOND)
    with Session(app.state.engine) as session:
        v2 = versions.get_version(session, event_id, number)
        postman = MailPostman(Mailer(outbox=tmp_path / "mails"))
        links = notifications.Links("http://portal.test", SECRET)
        sent = publishing.publish(session, v2, postman, links).notified
    return sent, _mails(tmp_path / "mails")


def _buyer_mail(mails: list[EmailMessage]) -> EmailMessage:
    return next(x for x in mails if x["To"] == "b001-1@buyer.example")


def test_everyone_whose_meetings_changed_is_told(changed: tuple[int, list[EmailMessage]]) -> None:
    sent, mails = changed
    # B001-1 and the three suppliers of R00001, R00003, R00010 (all with an address)
    assert (sent, len(mails)) == (4, 4)


def test_the_mail_lists_moves_and_cancellations(changed: tuple[int, list[EmailMessage]]) -> None:
    body = _body(_buyer_mail(changed[1]))
    assert ("Moved" in body, "Cancelled" in body) == (True, True)


def test_the_mail_links_the_agenda(changed: tuple[int, list[EmailMessage]]) -> None:
    assert "http://portal.test/p/login/" in _body(_buyer_mail(changed[1]))


def test_the_changes_are_listed_in_time_order(changed: tuple[int, list[EmailMessage]]) -> None:
    lines = [line for line in _body(_buyer_mail(changed[1])).splitlines() if line.startswith("- ")]
    times = [re.search(r"(\d{1,2}):(\d\d)", line) for line in lines]
    minutes = [int(t.group(1)) * 60 + int(t.group(2)) for t in times if t]
    assert (len(minutes), minutes == sorted(minutes)) == (3, True)


def test_each_change_carries_its_invitation(changed: tuple[int, list[EmailMessage]]) -> None:
    methods = {}
    for attachment in _buyer_mail(changed[1]).iter_attachments():
        cal = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))  # type: ignore[arg-type]
        (event,) = cal.walk("VEVENT")
        methods[str(event["uid"]).split("@")[0]] = (str(cal["method"]), str(event["status"]))
    assert methods == {
        "R00001": ("REQUEST", "CONFIRMED"),
        "R00003": ("CANCEL", "CANCELLED"),
        "R00010": ("REQUEST", "CONFIRMED"),
    }


def test_publishing_in_the_app_mails_through_its_outbox(app: FastAPI, tmp_path: Path) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, {"R00001": (0, "T001")})
    assert len(_mails(tmp_path / "var" / "outbox")) == 2  # both sides of the one new meeting


def test_the_apps_mail_link_signs_in(app: FastAPI, tmp_path: Path) -> None:
    event_id = load_tiny(app)
    publish_placed(app, event_id, {"R00001": (0, "T001")})
    link = re.search(r"https?://[^/]+(/p/login/\S+)", _body(_mails(tmp_path / "var" / "outbox")[0]))
    assert link is not None
    assert TestClient(app).get(link.group(1), follow_redirects=False).status_code == 303


def test_an_invitation_names_the_table_in_the_recipients_language(
    app: FastAPI, tmp_path: Path
) -> None:
    event_id = load_tiny(app)
    with Session(app.state.engine) as session:
        buyer = session.exec(select(m.Participant).where(m.Participant.ext_id == "B001-1")).one()
        buyer.locale = "vi"
        session.add(buyer)
        session.commit()
    publish_placed(app, event_id, {"R00001": (0, "T001")})
    mail = _buyer_mail(_mails(tmp_path / "var" / "outbox"))
    (attachment,) = mail.iter_attachments()
    (event,) = icalendar.Calendar.from_ical(attachment.get_payload(decode=True)).walk("VEVENT")  # type: ignore[arg-type]
    assert str(event["location"]).endswith("Bàn T001")
