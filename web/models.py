"""SQLModel tables: events and their registrations, requests, schedule versions, jobs, accounts.

Ids visible to people and in `b2b-event/1` are `ext_id` strings ("B001-1", "R00001"); the
integer `id` columns are internal. JSON columns hold lists of strings unless noted.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from pydantic import NaiveDatetime
from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel

from scheduler.text import fold


def utcnow() -> datetime:
    """Naive UTC timestamp (stored the same way in SQLite and PostgreSQL)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _json(default: Any = None, nullable: bool = False) -> Any:
    return Field(
        default_factory=(lambda: default.copy()) if default is not None else None,
        sa_column=Column(JSON, nullable=nullable),
    )


def _fk(target: str, ondelete: str = "CASCADE", nullable: bool = False, index: bool = True) -> Any:
    return Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
        ),
    )


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class VersionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"  # the official schedule; exactly one per event at most
    RETIRED = "retired"  # was published, replaced by a later publish


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Event(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    name: str
    venue: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    slot_minutes: int = 20
    max_breaks: int | None = None
    request_deadline: NaiveDatetime | None = None  # naive local time of the event
    max_requests_per_participant: int | None = None
    # the last number given to a new request id; taking one locks this row (no two alike)
    request_seq: int = 0
    # participants may book a walk-in meeting from the portal (organisers always may)
    walk_ins_from_portal: bool = False
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class EventSession(SQLModel, table=True):
    __tablename__ = "event_session"
    __table_args__ = (UniqueConstraint("event_id", "ext_id"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    ext_id: str
    start: NaiveDatetime
    end: NaiveDatetime


class EventTable(SQLModel, table=True):
    """A meeting table: pooled (no host) or reserved for one host participant."""

    __tablename__ = "event_table"
    __table_args__ = (UniqueConstraint("event_id", "ext_id"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    ext_id: str
    host_id: int | None = _fk("participant.id", ondelete="SET NULL", nullable=True)


class Resource(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id", "name"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    name: str  # e.g. "interpreter:ko"
    capacity: int


class Organisation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id", "ext_id"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    ext_id: str
    name: str
    role: str | None = None  # "buyer" | "supplier"
    country: str | None = None
    sectors: list[str] = _json([])
    products: list[str] = _json([])
    certifications: list[str] = _json([])
    languages: list[str] = _json([])
    description: str = ""
    # {"sectors": [...], "products": [...], "certifications": [...], "languages": [...]}
    looking_for: dict[str, list[str]] = _json({})
    extra: dict[str, Any] = _json({})  # unknown b2b-event/1 keys, kept for export
    # folded name and id / profile text (what it makes, holds and needs), kept up to date
    # on every write (below)
    search_key: str = ""
    profile_key: str = ""


class Participant(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("event_id", "ext_id"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    ext_id: str
    organisation_id: int | None = _fk("organisation.id", ondelete="SET NULL", nullable=True)
    name: str = ""
    email: str = ""
    languages: list[str] = _json([])
    available: list[str] | None = _json(None, nullable=True)  # session ext_ids; None = all
    unavailable: list[dict[str, str]] = _json([])  # [{"start": iso, "end": iso}]
    max_meetings: int | None = None
    locale: str | None = None
    token_version: int = 0  # bump to invalidate the participant's portal links
    extra: dict[str, Any] = _json({})
    search_key: str = ""  # folded name, e-mail and id, kept up to date on every write


class MeetingRequest(SQLModel, table=True):
    """A wish for a meeting. Only accepted or forced requests go to the solver."""

    __tablename__ = "meeting_request"
    __table_args__ = (UniqueConstraint("event_id", "ext_id"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    ext_id: str
    from_id: int = _fk("participant.id")
    to_id: int = _fk("participant.id")
    priority: int = 2
    required: bool = False
    sessions: list[str] | None = _json(None, nullable=True)
    requires: list[str] = _json([])
    after: list[str] = _json([])  # request ext_ids that must come earlier
    fixed: NaiveDatetime | None = None
    status: str = RequestStatus.ACCEPTED.value  # a RequestStatus
    forced: bool = False
    note: str = ""
    created_by: str = "organiser"  # "organiser" | "participant"
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class ScheduleVersion(SQLModel, table=True):
    __tablename__ = "schedule_version"
    __table_args__ = (UniqueConstraint("event_id", "number"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    number: int
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    published_at: NaiveDatetime | None = None
    status: str = VersionStatus.DRAFT.value  # a VersionStatus
    source: str = "solve"  # "solve" | "resolve" (from the published release) | "edit" | "import"
    note: str = ""
    copied_from: int | None = None  # number of the version this draft was copied from
    stats: dict[str, Any] = _json({})
    unscheduled: list[dict[str, str]] = _json([])  # [{"request": ext_id, "reason": str}]


class Meeting(SQLModel, table=True):
    """A placed request in one schedule version (participant ids kept for agendas)."""

    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    version_id: int = _fk("schedule_version.id")
    request_id: int | None = _fk("meeting_request.id", ondelete="SET NULL", nullable=True)
    request_ext: str
    from_id: int | None = _fk("participant.id", ondelete="SET NULL", nullable=True)
    to_id: int | None = _fk("participant.id", ondelete="SET NULL", nullable=True)
    start: NaiveDatetime
    end: NaiveDatetime
    table_ext: str
    pinned: bool = False


class CheckIn(SQLModel, table=True):
    """A participant's arrival at the event, marked at the check-in desk; undoing it deletes
    the row. One per participant: marking them again keeps the first arrival."""

    __tablename__ = "check_in"
    __table_args__ = (UniqueConstraint("participant_id"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    participant_id: int = _fk("participant.id", index=False)  # the unique constraint indexes it
    arrived_at: NaiveDatetime = Field(default_factory=utcnow)
    checked_in_by: int | None = _fk("organiser.id", ondelete="SET NULL", nullable=True)


class MeetingOutcome(SQLModel, table=True):
    """One side's answer about one meeting of the published release: whether it took place,
    which follow-ups they want, a rating and a note (`web.usecases.outcomes`). One row per
    meeting and side; answering again overwrites it.

    The meeting is named by its request id (`request_ext`, as in the release), so that an
    answer stays with its meeting when a later release moves it."""

    __tablename__ = "meeting_outcome"
    __table_args__ = (UniqueConstraint("event_id", "request_ext", "participant_id"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id", index=False)  # the unique constraint indexes it
    request_ext: str
    participant_id: int = _fk("participant.id")  # who answered: one side of the meeting
    took_place: bool
    follow_up: list[str] = _json([])  # FollowUp values; empty: no follow-up
    rating: int | None = None  # 1-5; None when the meeting did not take place
    note: str = ""  # private to its author and the organisers
    recorded_at: NaiveDatetime = Field(default_factory=utcnow)  # the last change


class SolveJob(SQLModel, table=True):
    __tablename__ = "solve_job"
    __table_args__ = (
        # Two solves of one event never run at once.
        Index(
            "one_active_solve_per_event",
            "event_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    state: str = JobState.QUEUED.value  # a JobState
    active: bool = True
    cancel_requested: bool = False
    params: dict[str, Any] = _json({})
    progress: dict[str, Any] = _json({})
    # Runs started: a run whose number is no longer the row's (a retry took over) writes nothing.
    attempt: int = 0
    worker: str | None = None  # "host:pid" of the process running it
    heartbeat_at: NaiveDatetime | None = None  # last sign of life from whoever runs it
    queue_job_id: int | None = None  # the job queue's id for it (PostgreSQL)
    error: str | None = None  # a message code (web.messages), shown in the reader's language
    error_params: dict[str, Any] = _json({})
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    started_at: NaiveDatetime | None = None
    finished_at: NaiveDatetime | None = None
    version_id: int | None = _fk("schedule_version.id", ondelete="SET NULL", nullable=True)


class Release(SQLModel, table=True):
    """What one publish showed participants, frozen: the schedule with everything an agenda,
    an .ics file or the feed shows (names, organisations, times, tables, venue, time zone).

    `document` holds `{"event": b2b-event/1, "schedule": b2b-schedule/1, "venue",
    "organiser_email", "organiser_name", "slug", "sequence": {request id: SEQUENCE}}`, the
    event as it was at publish time; nothing edited later changes it. `number` counts the
    event's releases from 1; the newest is the published one.
    """

    __table_args__ = (UniqueConstraint("event_id", "number", name="release_event_number"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    number: int
    version_id: int | None = _fk("schedule_version.id", ondelete="SET NULL", nullable=True)
    published_at: NaiveDatetime = Field(default_factory=utcnow)
    document: dict[str, Any] = _json({})


class MailState(enum.StrEnum):
    PENDING = "pending"  # waits for its next attempt
    SENDING = "sending"  # claimed by one sender
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt; an organiser may resend it


class OutboxMessage(SQLModel, table=True):
    """One e-mail written in the transaction that decided it, delivered after commit by a
    sender (`web.courier`), which claims it first so that no two senders send it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("outbox_due", "state", "next_attempt_at"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int | None = _fk("event.id", nullable=True)
    release_id: int | None = _fk("release.id", ondelete="SET NULL", nullable=True)
    participant_id: int | None = _fk("participant.id", ondelete="SET NULL", nullable=True)
    kind: str  # "change" (a release's changes) | "link" (a sign-in link) | "outcome" | "invitation"
    recipient: str
    subject: str
    message: str  # the whole RFC 5322 message, as sent
    state: str = MailState.PENDING.value  # a MailState
    attempts: int = 0
    next_attempt_at: NaiveDatetime = Field(default_factory=utcnow)
    claimed_at: NaiveDatetime | None = None
    last_error: str | None = None
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    sent_at: NaiveDatetime | None = None


class Organiser(SQLModel, table=True):
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    email: str = Field(unique=True, index=True)
    password_hash: str
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class Role(enum.StrEnum):
    """What an organiser is to one event (`web.usecases.access` says what each may do)."""

    OWNER = "owner"  # everything, and the only one who publishes and manages members
    CO_ORGANISER = "co-organiser"  # registrations, requests, solving; no publishing
    VIEWER = "viewer"  # reads everything, changes nothing


class EventMember(SQLModel, table=True):
    """An organiser's role in an event; no row, no access."""

    __tablename__ = "event_member"
    __table_args__ = (UniqueConstraint("event_id", "organiser_id"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    organiser_id: int = _fk("organiser.id")
    role: str = Role.VIEWER.value  # a Role
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class EventInvitation(SQLModel, table=True):
    """An e-mailed invitation to join an event in a role; its link carries a secret token."""

    __tablename__ = "event_invitation"
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    email: str  # lower case
    role: str = Role.VIEWER.value  # a Role other than owner
    token_hash: str = Field(unique=True, index=True)  # sha256 hex of the link's token
    invited_by: int | None = _fk("organiser.id", ondelete="SET NULL", nullable=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    expires_at: NaiveDatetime


class LoginSession(SQLModel, table=True):
    """A signed-in browser, of an organiser or of a participant. The cookie holds a random
    token whose hash is here; deleting the row ends the session wherever the cookie is."""

    __tablename__ = "login_session"
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    token_hash: str = Field(unique=True, index=True)  # sha256 hex of the cookie's token
    organiser_id: int | None = _fk("organiser.id", nullable=True)
    participant_id: int | None = _fk("participant.id", nullable=True)
    created_at: NaiveDatetime = Field(default_factory=utcnow)


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    organiser_id: int = _fk("organiser.id")
    token_hash: str = Field(unique=True, index=True)  # sha256 hex of the token
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    last_used_at: NaiveDatetime | None = None


# --- search keys ---------------------------------------------------------------------------
# Names are searched without their accents and case ("nguyen" finds "Nguyễn", "d" finds "đ")
# the same way on SQLite and PostgreSQL: each row keeps the folded text it is found by
# (scheduler.text.fold), written by the ORM on every insert and update, whatever the entry
# path; web.usecases.search compares it with the folded query.


def search_key(*texts: str | None) -> str:
    return fold(" ".join(t for t in texts if t))


def participant_keys(row: Participant) -> None:
    row.search_key = search_key(row.name, row.email, row.ext_id)


def organisation_keys(row: Organisation) -> None:
    row.search_key = search_key(row.name, row.ext_id)
    row.profile_key = search_key(
        row.description,
        *(row.products or ()),
        *(row.sectors or ()),
        *(row.certifications or ()),
        *(row.looking_for or {}).get("products", ()),
    )


@event.listens_for(Participant, "before_insert")
@event.listens_for(Participant, "before_update")
def _participant_written(_mapper: object, _connection: object, row: Participant) -> None:
    participant_keys(row)


@event.listens_for(Organisation, "before_insert")
@event.listens_for(Organisation, "before_update")
def _organisation_written(_mapper: object, _connection: object, row: Organisation) -> None:
    organisation_keys(row)


class AdviceJob(SQLModel, table=True):
    """What would help an event: `scheduler.advise` run as a job, as a solve is (the same
    lifecycle columns, web/usecases/jobs.py).

    `result` holds the suggestions as `ketnoi advise` prints them, with the reference
    weight (`{"weight", "weight_bound", "suggestions": [...]}`); `applied` the index of
    the one applied to the set-up (the others were measured on the event before it)."""

    __tablename__ = "advice_job"
    __table_args__ = (
        Index(
            "one_active_advice_per_event",
            "event_id",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    event_id: int = _fk("event.id")
    state: str = JobState.QUEUED.value  # a JobState
    active: bool = True
    cancel_requested: bool = False
    params: dict[str, Any] = _json({})
    progress: dict[str, Any] = _json({})
    result: dict[str, Any] = _json({})
    applied: int | None = None
    attempt: int = 0  # runs started, as for a solve
    worker: str | None = None  # "host:pid" of the process running it
    heartbeat_at: NaiveDatetime | None = None  # last sign of life from whoever runs it
    queue_job_id: int | None = None  # the job queue's id for it (PostgreSQL)
    error: str | None = None  # a message code (web.messages), shown in the reader's language
    error_params: dict[str, Any] = _json({})
    created_at: NaiveDatetime = Field(default_factory=utcnow)
    started_at: NaiveDatetime | None = None
    finished_at: NaiveDatetime | None = None


class Attempt(SQLModel, table=True):
    """One counted attempt (a failed sign-in, a sign-in link asked for, a link used) under a
    hashed key, so that every web process sees the same counts."""

    __table_args__ = (Index("attempt_key_at", "key", "at"),)
    id: int = Field(default=None, primary_key=True)  # set by the database on insert
    key: str  # sha256 hex of what is counted ("email:...", "ip:...")
    at: NaiveDatetime = Field(default_factory=utcnow)
