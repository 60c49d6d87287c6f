"""Outgoing e-mail: SMTP when `KETNOI_SMTP_URL` is set, otherwise .eml files in an outbox folder.

`KETNOI_SMTP_URL` forms: `smtp://user:pass@host:port` (plain, upgraded with STARTTLS when the
server offers it), `smtp://host:port?starttls=required|never`, `smtps://...` (TLS from the
start). `KETNOI_MAIL_FROM` sets the sender (default `ketnoi@localhost`). Without an SMTP URL,
each message is written to `<var_dir>/outbox/<timestamp>-<n>.eml` and logged, so a demo works
offline and a developer can open the messages.
"""

from __future__ import annotations

import itertools
import logging
import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger(__name__)
_counter = itertools.count(1)


class MailError(Exception):
    """The message could not be handed to the SMTP server (reason in the message)."""


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"  # e.g. "text/calendar; method=REQUEST"


@dataclass(frozen=True, slots=True, kw_only=True)
class Mailer:
    """Where mail goes: an SMTP URL, or (None) the outbox folder."""

    smtp_url: str | None = None
    outbox: Path = Path("var/outbox")
    sender: str = "ketnoi@localhost"
    timeout: float = 10.0
    sent: list[EmailMessage] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Any) -> Mailer:
        """Read `smtp_url`/`mail_from` from settings if present, else from the environment."""
        var_dir = Path(getattr(settings, "var_dir", "var"))
        return cls(
            smtp_url=getattr(settings, "smtp_url", None) or os.environ.get("KETNOI_SMTP_URL"),
            outbox=var_dir / "outbox",
            sender=getattr(settings, "mail_from", None)
            or os.environ.get("KETNOI_MAIL_FROM", "ketnoi@localhost"),
        )

    def send(self, message: EmailMessage) -> None:
        """Deliver (or write to the outbox) one message; raises MailError on SMTP failure."""
        if "From" not in message:
            message["From"] = self.sender
        if "Date" not in message:
            message["Date"] = formatdate(localtime=False)
        if "Message-ID" not in message:
            message["Message-ID"] = make_msgid(domain="ketnoi")
        if self.smtp_url:
            self._smtp(message)
        else:
            self._write(message)
        self.sent.append(message)

    def _write(self, message: EmailMessage) -> None:
        self.outbox.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.outbox / f"{stamp}-{os.getpid()}-{next(_counter)}.eml"
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(bytes(message))
        tmp.replace(path)  # readers never see a half-written file
        log.info("mail to %s: %r written to %s", message["To"], message["Subject"], path)

    def _smtp(self, message: EmailMessage) -> None:
        url = urlsplit(self.smtp_url or "")
        if url.scheme not in ("smtp", "smtps") or not url.hostname:
            raise MailError(
                f"KETNOI_SMTP_URL must look like smtp://user:pass@host:port, got {url.scheme}://..."
            )
        starttls = parse_qs(url.query).get("starttls", ["auto"])[0]
        try:
            if url.scheme == "smtps":
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    url.hostname,
                    url.port or 465,
                    timeout=self.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                client = smtplib.SMTP(url.hostname, url.port or 25, timeout=self.timeout)
            with client:
                client.ehlo()
                if url.scheme == "smtp" and starttls != "never":
                    if client.has_extn("starttls"):
                        client.starttls(context=ssl.create_default_context())
                        client.ehlo()
                    elif starttls == "required":
                        raise MailError("the SMTP server does not offer STARTTLS")
                if url.username:
                    client.login(unquote(url.username), unquote(url.password or ""))
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"could not send mail via {url.hostname}: {exc}") from exc
        log.info("mail to %s: %r sent via %s", message["To"], message["Subject"], url.hostname)


def build_message(
    to: str,
    subject: str,
    text: str,
    *,
    html: str | None = None,
    attachments: tuple[Attachment, ...] = (),
    reply_to: str | None = None,
) -> EmailMessage:
    """A plain-text (optionally HTML alternative) message with attachments."""
    message = EmailMessage()
    message["To"] = to
    # A header is one line: a name with a line break (stored before names were checked)
    # would otherwise stop the message from being built at all.
    message["Subject"] = " ".join(subject.split())
    if reply_to:
        message["Reply-To"] = reply_to
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for att in attachments:
        maintype, _, rest = att.mime_type.partition("/")
        subtype, *params = [p.strip() for p in rest.split(";")]
        extra = dict(p.split("=", 1) for p in params if "=" in p)
        message.add_attachment(
            att.content, maintype=maintype, subtype=subtype, filename=att.filename, params=extra
        )
    return message
