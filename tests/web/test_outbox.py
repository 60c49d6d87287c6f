"""The mail outbox against a real SMTP server (aiosmtpd): publishing never waits for mail,
a refused message is retried until delivered, and no message goes out twice."""

from __future__ import annotations

import email
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlmodel import Session, select

from tests.conftest import OrganiserClient, free_port
from tests.web.helpers import load_tiny, store_version
from web import models as m
from web.courier import deliver_due
from web.mail import Mailer, build_message
from web.usecases import outbox


class _Server:
    """Refuses the first `refuse` attempts of each message (by Message-ID), then accepts."""

    def __init__(self, refuse: int) -> None:
        self.refuse = refuse
        self.tries: Counter[str] = Counter()
        self.accepted: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message_id = str(message["Message-ID"])
        with self.lock:
            self.tries[message_id] += 1
            if self.tries[message_id] <= self.refuse:
                return "451 4.3.0 try again later"
            self.accepted.append(message_id)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[Callable[[int], tuple[_Server, str]]]:
    controllers: list[Controller] = []

    def start(refuse: int) -> tuple[_Server, str]:
        handler = _Server(refuse)
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return handler, f"smtp://127.0.0.1:{port}?starttls=never"

    yield start
    for controller in controllers:
        controller.stop()


def _wait(condition: Callable[[], bool], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _organiser_client(app: FastAPI) -> OrganiserClient:
    from tests.conftest import ORGANISER_EMAIL, ORGANISER_PASSWORD, log_in
    from web.usecases.accounts import create_organiser

    with Session(app.state.engine) as db:
        create_organiser(db, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    client = OrganiserClient(app)
    client.csrf = log_in(client)
    return client


def test_publishing_returns_before_a_refusing_server_and_the_outbox_delivers_each_mail_once(
    make_app: Callable[..., FastAPI], smtp: Callable[[int], tuple[_Server, str]]
) -> None:
    server, url = smtp(2)  # every message is refused twice
    app = make_app(smtp_url=url, mail_retry_seconds=0.1, mail_poll_seconds=0.1)
    client = _organiser_client(app)
    event_id = load_tiny(app)
    number = store_version(app, event_id, {"R00001": (0, "T001"), "R00003": (1, "T001")})
    response = client.post_form(f"/events/{event_id}/versions/{number}/publish")
    accepted_at_return = len(server.accepted)
    assert _wait(lambda: len(server.accepted) == 3)  # B001-1, S008-1, S004-1
    time.sleep(0.5)  # what a second sending would need
    assert (
        response.status_code,
        accepted_at_return,
        sorted(Counter(server.accepted).values()),
    ) == (
        200,
        0,
        [1, 1, 1],
    )


def test_a_delivered_message_records_its_attempts(
    make_app: Callable[..., FastAPI], smtp: Callable[[int], tuple[_Server, str]]
) -> None:
    server, url = smtp(1)
    app = make_app(smtp_url=url)
    retry = outbox.Retry(retry_seconds=0, max_attempts=5)
    with Session(app.state.engine) as db:
        outbox.enqueue(db, build_message("a@example.org", "Hello", "Hi"), kind="link")
        db.commit()
    mailer = Mailer(smtp_url=url)
    deliver_due(app.state.engine, mailer, retry)  # refused, then retried at once
    with Session(app.state.engine) as db:
        row = db.exec(select(m.OutboxMessage)).one()
    assert (row.state, row.attempts, row.last_error, len(server.accepted)) == ("sent", 2, None, 1)


def test_a_message_refused_every_time_fails_with_the_reason_and_can_be_resent(
    make_app: Callable[..., FastAPI], smtp: Callable[[int], tuple[_Server, str]]
) -> None:
    server, url = smtp(3)
    app = make_app()
    event_id = load_tiny(app)
    retry = outbox.Retry(retry_seconds=0, max_attempts=3)
    with Session(app.state.engine) as db:
        outbox.enqueue(
            db, build_message("a@example.org", "Hello", "Hi"), kind="link", event_id=event_id
        )
        db.commit()
    deliver_due(app.state.engine, Mailer(smtp_url=url), retry)
    with Session(app.state.engine) as db:
        failed = db.exec(select(m.OutboxMessage)).one()
        state, reason = failed.state, failed.last_error or ""
        outbox.resend(db, event_id)
    deliver_due(app.state.engine, Mailer(smtp_url=url), retry)
    with Session(app.state.engine) as db:
        resent = db.exec(select(m.OutboxMessage)).one()
    assert (state, "try again later" in reason, resent.state, len(server.accepted)) == (
        "failed",
        True,
        "sent",
        1,
    )


def test_two_senders_at_once_send_each_message_once(
    make_app: Callable[..., FastAPI], smtp: Callable[[int], tuple[_Server, str]]
) -> None:
    server, url = smtp(0)
    app = make_app()
    with Session(app.state.engine) as db:
        for n in range(30):
            outbox.enqueue(db, build_message(f"p{n}@example.org", "Hello", "Hi"), kind="link")
        db.commit()
    mailer = Mailer(smtp_url=url)
    retry = outbox.Retry()
    senders = [
        threading.Thread(target=deliver_due, args=(app.state.engine, mailer, retry))
        for _ in range(3)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    assert (len(server.accepted), len(set(server.accepted))) == (30, 30)


def test_a_message_of_a_sender_that_died_is_claimed_again_after_its_lease(
    make_app: Callable[..., FastAPI], smtp: Callable[[int], tuple[_Server, str]]
) -> None:
    server, url = smtp(0)
    app = make_app()
    with Session(app.state.engine) as db:
        outbox.enqueue(db, build_message("a@example.org", "Hello", "Hi"), kind="link")
        db.commit()
        assert len(outbox.claim(db, outbox.Retry())) == 1  # claimed, then the sender died
    deliver_due(app.state.engine, Mailer(smtp_url=url), outbox.Retry(lease_seconds=3600))
    before_lease = len(server.accepted)
    deliver_due(app.state.engine, Mailer(smtp_url=url), outbox.Retry(lease_seconds=0))
    assert (before_lease, len(server.accepted)) == (0, 1)


def test_the_organiser_sees_a_failed_message_with_its_reason(
    make_app: Callable[..., FastAPI], smtp: Callable[[int], tuple[_Server, str]]
) -> None:
    _, url = smtp(99)
    app = make_app()
    client = _organiser_client(app)
    event_id = load_tiny(app)
    with Session(app.state.engine) as db:
        outbox.enqueue(
            db, build_message("lan@sup.vn", "Your link", "Hi"), kind="link", event_id=event_id
        )
        db.commit()
    deliver_due(app.state.engine, Mailer(smtp_url=url), outbox.Retry(max_attempts=1))
    page = client.get(f"/events/{event_id}/outbox").text
    assert ("lan@sup.vn" in page, "try again later" in page, 'id="resend-failed"' in page) == (
        True,
        True,
        True,
    )
