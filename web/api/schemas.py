"""Bodies of the JSON API as pydantic models, so that the OpenAPI document describes them.

`B2BEvent` and `B2BSchedule` describe the `b2b-event/1` and `b2b-schedule/1` documents
(docs/formats.md). They document the contract; `scheduler.formats` reads and checks a
posted document, so every problem is still named by its JSON path.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from web.usecases.solving import TIME_LIMIT_MAX, TIME_LIMIT_MIN

Time = Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", examples=["2026-11-19T08:30"])


class _Open(BaseModel):
    """Unknown keys are kept (and exported again) by the importer."""

    model_config = ConfigDict(extra="allow")


class SessionDoc(BaseModel):
    id: str
    start: str = Time
    end: str = Time


class EventHeader(BaseModel):
    name: str
    timezone: str = Field(description="IANA zone of every time in the document")
    slot_minutes: int = Field(gt=0)
    sessions: list[SessionDoc]
    resources: dict[str, int] = Field(default_factory=dict, description="capacity per slot")
    max_breaks: int | None = Field(default=None, ge=0)


class TableDoc(BaseModel):
    id: str
    host: str | None = Field(default=None, description="participant id of a host table")


class OrganisationDoc(_Open):
    id: str
    name: str
    role: Literal["buyer", "supplier"] | None = None
    country: str | None = None
    sectors: list[str] = Field(default_factory=list)
    certifications: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)


class RangeDoc(BaseModel):
    start: str = Time
    end: str = Time


class ParticipantDoc(_Open):
    id: str
    organisation: str | None = None
    name: str | None = None
    email: str | None = None
    languages: list[str] = Field(default_factory=list)
    available: list[str] | None = Field(default=None, description="session ids; all if absent")
    unavailable: list[RangeDoc] = Field(default_factory=list)
    max_meetings: int | None = Field(default=None, ge=0)


class RequestDoc(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: str
    from_: str = Field(alias="from")
    to: str
    priority: Literal[1, 2, 3] = 2
    required: bool = False
    sessions: list[str] | None = None
    requires: list[str] = Field(default_factory=list)
    fixed: str | None = Field(default=None, description="a slot start")
    after: list[str] = Field(default_factory=list)


class B2BEvent(BaseModel):
    """A `b2b-event/1` document."""

    format: Literal["b2b-event/1"]
    event: EventHeader
    tables: list[TableDoc] = Field(default_factory=list)
    organisations: list[OrganisationDoc] = Field(default_factory=list)
    participants: list[ParticipantDoc]
    requests: list[RequestDoc]


class MeetingDoc(BaseModel):
    request: str
    start: str = Time
    table: str


class UnscheduledDoc(BaseModel):
    request: str
    reason: str = ""


class StatsDoc(_Open):
    meetings: int
    weight: int
    weight_bound: int | None = None
    breaks: int
    breaks_bound: int | None = None
    solve_seconds: float = 0.0
    status: Literal["optimal", "feasible", "infeasible", "unknown"]


class B2BSchedule(BaseModel):
    """A `b2b-schedule/1` document, with the version it is and that version's status."""

    format: Literal["b2b-schedule/1"]
    event: str
    meetings: list[MeetingDoc]
    unscheduled: list[UnscheduledDoc] = Field(default_factory=list)
    stats: StatsDoc | None = None
    version: int = Field(description="the version's number in the event")
    status: Literal["draft", "published", "retired"]


class Created(BaseModel):
    id: int


class SolveRequest(BaseModel):
    time_limit: float | None = Field(default=None, ge=TIME_LIMIT_MIN, le=TIME_LIMIT_MAX)


class JobOut(BaseModel):
    id: int
    state: Literal["queued", "running", "succeeded", "failed", "cancelled"]
    progress: dict[str, object]
    error: str | None
    version: int | None


class Published(BaseModel):
    published: int  # the version's number
    release: int  # the release's number (1 for the first publish)
    notified: int  # participants whose change notice is in the outbox


class Problems(BaseModel):
    """Invalid input: every problem, each named by its path ("requests[3].to: ...")."""

    detail: list[str] | str


class ErrorOut(BaseModel):
    """A refusal in the reader's language."""

    detail: str
