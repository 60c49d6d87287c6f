"""The sender of the mail outbox: delivers what committed transactions wrote there.

Every `ketnoi serve` process (and every `ketnoi worker`) runs one `Courier`, a thread that
wakes when kicked (right after a publish commits) and at the time the next retry is due,
and otherwise sleeps. Claims are atomic (`web.usecases.outbox.claim`), so any number of
couriers over one database send each message once.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import Session

from web import models as m
from web.mail import Mailer, MailError
from web.models import utcnow
from web.settings import Settings
from web.usecases import outbox

log = logging.getLogger(__name__)


def retry_of(settings: Settings) -> outbox.Retry:
    return outbox.Retry(
        retry_seconds=settings.mail_retry_seconds,
        max_seconds=settings.mail_retry_max_seconds,
        max_attempts=settings.mail_attempts,
    )


def deliver_due(engine: Engine, mailer: Mailer, retry: outbox.Retry) -> int:
    """Send every message due now; how many went out."""
    sent = 0
    while True:
        with Session(engine) as db:
            claimed = outbox.claim(db, retry)
            if not claimed:
                return sent
            for message_id in claimed:
                row = db.get(m.OutboxMessage, message_id)
                if row is None:
                    continue
                try:
                    mailer.send(outbox.message_of(row))
                except (MailError, ValueError) as exc:
                    state = outbox.mark_failed(db, message_id, str(exc), retry)
                    log.warning("mail %s not sent (%s): %s", message_id, state.value, exc)
                    continue
                outbox.mark_sent(db, message_id)
                sent += 1


class Courier:
    """A thread delivering the outbox: `kick()` after a commit that wrote to it."""

    def __init__(self, engine: Engine, mailer: Mailer, retry: outbox.Retry, poll: float) -> None:
        self._engine = engine
        self._mailer = mailer
        self._retry = retry
        self._poll = poll
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, engine: Engine, settings: Settings) -> Courier:
        return cls(
            engine, Mailer.from_settings(settings), retry_of(settings), settings.mail_poll_seconds
        )

    def kick(self) -> None:
        """Deliver what is due now (starting the thread on first use)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="courier", daemon=True)
                self._thread.start()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            wait = self._poll
            try:
                deliver_due(self._engine, self._mailer, self._retry)
                with Session(self._engine) as db:
                    due = outbox.next_due(db)
                if due is not None:
                    lease = timedelta(seconds=self._retry.lease_seconds)
                    # A claimed message is due again once its lease ran out.
                    until = due - utcnow() if due > utcnow() - lease else timedelta(0)
                    wait = min(wait, max(until.total_seconds(), 0.05))
            except Exception:  # the database is away for a moment: try again later
                log.exception("delivering the mail outbox")
            self._wake.wait(wait)
