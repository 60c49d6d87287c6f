"""The mail outbox: e-mail written in the transaction that decided it, sent after commit.

A message is `pending` until a sender claims it (`sending`), then `sent`, or back to `pending`
with a later `next_attempt_at` after a failure (back-off doubling from `retry_seconds`), or
`failed` after `max_attempts`, with the last reason; an organiser can resend a failed one.
A claim is one conditional UPDATE, so two senders (two web processes, a worker) never both
send a message. A sender that dies between claiming and recording the result leaves the
message `sending`: after `lease_seconds` it is claimed again (the one case where a message
may go out twice; it keeps its Message-ID, so mail clients show it once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import Parser
from email.utils import formatdate, make_msgid

from sqlalchemy import func, update
from sqlmodel import Session, col, or_, select

from web import models as m
from web.models import MailState, utcnow
from web.usecases.errors import Msg, NotFound

ERROR_LENGTH = 500  # of a failure's reason, as kept on the row
STATES = [s.value for s in MailState]


def state_named(name: str) -> MailState | None:
    """The state a filter names; None for any other word (no filter)."""
    return MailState(name) if name in STATES else None


@dataclass(frozen=True, slots=True)
class Retry:
    """How a sender retries: first wait, doubling up to `max_seconds`, at most `max_attempts`."""

    retry_seconds: float = 30.0
    max_seconds: float = 3600.0
    max_attempts: int = 8
    lease_seconds: float = 600.0


def enqueue(
    db: Session,
    message: EmailMessage,
    *,
    kind: str,
    event_id: int | None = None,
    participant_id: int | None = None,
    release_id: int | None = None,
) -> m.OutboxMessage:
    """Write one message to the outbox (flushed, not committed: it leaves only if the caller
    commits). Its Date and Message-ID are fixed now, so every attempt sends the same mail."""
    if "Date" not in message:
        message["Date"] = formatdate(localtime=False)
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(domain="ketnoi")
    row = m.OutboxMessage(
        event_id=event_id,
        release_id=release_id,
        participant_id=participant_id,
        kind=kind,
        recipient=str(message["To"]),
        subject=str(message["Subject"]),
        message=message.as_string(policy=policy.SMTP),
    )
    db.add(row)
    db.flush()
    return row


def message_of(row: m.OutboxMessage) -> EmailMessage:
    parsed = Parser(policy=policy.default).parsestr(row.message)
    assert isinstance(parsed, EmailMessage)  # policy.default parses to EmailMessage
    return parsed


def claim(db: Session, retry: Retry, limit: int = 20, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due messages for this sender (committed); their ids."""
    now = now or utcnow()
    stale = now - timedelta(seconds=retry.lease_seconds)
    due = db.exec(
        select(m.OutboxMessage.id, m.OutboxMessage.state, m.OutboxMessage.claimed_at)
        .where(
            or_(
                (col(m.OutboxMessage.state) == MailState.PENDING.value)
                & (col(m.OutboxMessage.next_attempt_at) <= now),
                (col(m.OutboxMessage.state) == MailState.SENDING.value)
                & (col(m.OutboxMessage.claimed_at) < stale),
            )
        )
        .order_by(col(m.OutboxMessage.next_attempt_at), col(m.OutboxMessage.id))
        .limit(limit)
    ).all()
    claimed = []
    for message_id, state, claimed_at in due:
        # Only if nobody claimed it in between: the row must still be as it was read.
        same_claim = (
            col(m.OutboxMessage.claimed_at).is_(None)
            if claimed_at is None
            else col(m.OutboxMessage.claimed_at) == claimed_at
        )
        result = db.exec(
            update(m.OutboxMessage)
            .where(
                col(m.OutboxMessage.id) == message_id,
                col(m.OutboxMessage.state) == state,
                same_claim,
            )
            .values(state=MailState.SENDING.value, claimed_at=now)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    db.commit()
    return claimed


def mark_sent(db: Session, message_id: int) -> None:
    db.exec(
        update(m.OutboxMessage)
        .where(col(m.OutboxMessage.id) == message_id)
        .values(
            state=MailState.SENT.value,
            sent_at=utcnow(),
            attempts=m.OutboxMessage.attempts + 1,
            last_error=None,
        )
    )
    db.commit()


def mark_failed(
    db: Session, message_id: int, reason: str, retry: Retry, now: datetime | None = None
) -> MailState:
    """Record a failed attempt: pending again after the back-off, or failed after the last
    attempt. The new state."""
    now = now or utcnow()
    row = db.get(m.OutboxMessage, message_id)
    if row is None:
        return MailState.FAILED
    row.attempts += 1
    row.last_error = reason[:ERROR_LENGTH]
    row.claimed_at = None
    if row.attempts >= retry.max_attempts:
        row.state = MailState.FAILED.value
    else:
        wait = min(retry.retry_seconds * 2 ** (row.attempts - 1), retry.max_seconds)
        row.state = MailState.PENDING.value
        row.next_attempt_at = now + timedelta(seconds=wait)
    db.add(row)
    db.commit()
    return MailState(row.state)


def next_due(db: Session) -> datetime | None:
    """When the earliest message still to send is due; None when nothing is left."""
    pending = db.exec(
        select(func.min(m.OutboxMessage.next_attempt_at)).where(
            col(m.OutboxMessage.state) == MailState.PENDING.value
        )
    ).one()
    sending = db.exec(
        select(func.min(m.OutboxMessage.claimed_at)).where(
            col(m.OutboxMessage.state) == MailState.SENDING.value
        )
    ).one()
    found = [t for t in (pending, sending) if t is not None]
    return min(found) if found else None


@dataclass(frozen=True, slots=True)
class Summary:
    pending: int
    sending: int
    sent: int
    failed: int


def summary(db: Session, event_id: int) -> Summary:
    rows = db.exec(
        select(m.OutboxMessage.state, func.count())
        .where(m.OutboxMessage.event_id == event_id)
        .group_by(col(m.OutboxMessage.state))
    ).all()
    counts = {state: n for state, n in rows}
    return Summary(*(counts.get(s.value, 0) for s in MailState))


def messages(
    db: Session, event_id: int, state: MailState | None = None, limit: int = 200
) -> list[m.OutboxMessage]:
    """The event's messages, failed and pending first, newest first."""
    query = select(m.OutboxMessage).where(m.OutboxMessage.event_id == event_id)
    if state is not None:
        query = query.where(m.OutboxMessage.state == state.value)
    order = {MailState.FAILED: 0, MailState.PENDING: 1, MailState.SENDING: 2, MailState.SENT: 3}
    rows = db.exec(query.order_by(col(m.OutboxMessage.id).desc()).limit(limit)).all()
    return sorted(rows, key=lambda r: order[MailState(r.state)])


def resend(db: Session, event_id: int, message_id: int | None = None) -> int:
    """Put the event's failed messages (or the one named) back in line; how many."""
    query = select(m.OutboxMessage).where(
        m.OutboxMessage.event_id == event_id,
        m.OutboxMessage.state == MailState.FAILED.value,
    )
    if message_id is not None:
        query = query.where(m.OutboxMessage.id == message_id)
    rows = db.exec(query).all()
    if message_id is not None and not rows:
        raise NotFound(Msg("outbox.not_found"))
    for row in rows:
        row.state = MailState.PENDING.value
        row.attempts = 0
        row.next_attempt_at = utcnow()
        db.add(row)
    db.commit()
    return len(rows)
