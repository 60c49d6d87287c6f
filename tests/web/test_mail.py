"""Outgoing e-mail: outbox files without SMTP, and delivery to a real aiosmtpd server."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from web.mail import Attachment, Mailer, MailError, build_message

ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


class _Collect:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Collect, int]]:
    handler = _Collect()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _message() -> EmailMessage:
    return build_message(
        "Lan <lan@sup.vn>",
        "Lịch gặp của bạn đã thay đổi",
        "Xin chào Lan,\nmột cuộc gặp đã đổi giờ.",
        attachments=(Attachment("invite.ics", ICS, "text/calendar; method=REQUEST"),),
    )


def test_smtp_delivery(smtp_server: tuple[_Collect, int]) -> None:
    handler, port = smtp_server
    mailer = Mailer(smtp_url=f"smtp://127.0.0.1:{port}", sender="b2b@moit.gov.vn")
    mailer.send(_message())
    (mail_from, rcpts, msg) = handler.messages[0]
    assert mail_from == "b2b@moit.gov.vn"
    assert rcpts == ["lan@sup.vn"]
    assert msg["Subject"] == "Lịch gặp của bạn đã thay đổi"
    body = msg.get_body(("plain",))
    assert body is not None and "đã đổi giờ" in body.get_content()
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "invite.ics"
    assert att.get_content_type() == "text/calendar"
    assert att.get_param("method") == "REQUEST"
    assert att.get_payload(decode=True) == ICS


def test_smtp_failure_is_a_mail_error() -> None:
    mailer = Mailer(smtp_url=f"smtp://127.0.0.1:{_free_port()}", timeout=2)
    with pytest.raises(MailError):
        mailer.send(_message())
    with pytest.raises(MailError):
        Mailer(smtp_url="http://example.org").send(_message())


def test_outbox_without_smtp(tmp_path: Path) -> None:
    mailer = Mailer(outbox=tmp_path / "outbox")
    mailer.send(_message())
    mailer.send(_message())
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 2
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "Lan <lan@sup.vn>"
    assert msg["From"] == "ketnoi@localhost"
    assert msg["Message-ID"]


def test_from_settings_reads_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    class S:
        var_dir = tmp_path

    monkeypatch.delenv("KETNOI_SMTP_URL", raising=False)
    assert Mailer.from_settings(S()).smtp_url is None
    assert Mailer.from_settings(S()).outbox == tmp_path / "outbox"
    monkeypatch.setenv("KETNOI_SMTP_URL", "smtp://u:p@mail:2525")
    assert Mailer.from_settings(S()).smtp_url == "smtp://u:p@mail:2525"


def test_smtp_login(tmp_path: Path) -> None:
    from aiosmtpd.smtp import AuthResult, LoginPassword

    seen: list[tuple[str, str]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        assert isinstance(data, LoginPassword)
        seen.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == b"p@ss")

    handler = _Collect()
    port = _free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        Mailer(smtp_url=f"smtp://kim:p%40ss@127.0.0.1:{port}").send(_message())
        assert seen == [("kim", "p@ss")]
        assert len(handler.messages) == 1
        with pytest.raises(MailError):
            Mailer(smtp_url=f"smtp://kim:wrong@127.0.0.1:{port}", timeout=2).send(_message())
        with pytest.raises(MailError):  # plain server, TLS demanded
            Mailer(smtp_url=f"smtp://127.0.0.1:{port}?starttls=required").send(_message())
    finally:
        controller.stop()
