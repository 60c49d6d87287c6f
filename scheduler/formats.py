"""Reading, validating and writing `b2b-event/1` and `b2b-schedule/1` documents."""

from __future__ import annotations

import itertools
import json
import zoneinfo
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from scheduler.domain import (
    DEFAULT_PRIORITY,
    PRIORITY_WEIGHTS,
    Event,
    Meeting,
    MeetingChange,
    MeetingRequest,
    Organisation,
    Participant,
    PublishedMeeting,
    Schedule,
    ScheduleStats,
    Session,
    SolveStatus,
    Table,
    TimeRange,
    Unscheduled,
)

EVENT_FORMAT = "b2b-event/1"
SCHEDULE_FORMAT = "b2b-schedule/1"
MAX_REPORTED_ERRORS = 50

T = TypeVar("T")


class FormatError(ValueError):
    """A document does not follow its format; each problem names its JSON path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_REPORTED_ERRORS]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more" if more else "")
        super().__init__(text)


class _Problems:
    """Collects validation problems with the JSON path they were found at."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.warnings: list[str] = []
        self._path: list[str] = []

    @property
    def path(self) -> str:
        text = "".join(self._path)
        return text[1:] if text.startswith(".") else text or "(document)"

    @contextmanager
    def at(self, part: str | int) -> Iterator[None]:
        self._path.append(f"[{part}]" if isinstance(part, int) else f".{part}")
        try:
            yield
        finally:
            self._path.pop()

    def add(self, message: str) -> None:
        self.items.append(f"{self.path}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            raise FormatError(self.items)


class _Invalid(Exception):
    """Internal: the value at the current path is unusable; already recorded."""


def _type_name(value: object) -> str:
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


class _Reader:
    def __init__(self, problems: _Problems) -> None:
        self.p = problems

    def fail(self, message: str) -> _Invalid:
        self.p.add(message)
        return _Invalid()

    def obj(self, value: object, known: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"expected an object, got {_type_name(value)}")
        for key in sorted(required - value.keys()):
            with self.p.at(key):
                self.p.add("is required")
        for key in sorted(value.keys() - known):
            with self.p.at(key):
                self.p.warnings.append(f"{self.p.path}: unknown key ignored")
        if required - value.keys():
            raise _Invalid()
        return value

    def string(self, value: object, *, allow_empty: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(f"expected a string, got {_type_name(value)}")
        if not allow_empty and not value.strip():
            raise self.fail("must not be empty")
        return value

    def integer(self, value: object, *, minimum: int | None = None) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"expected an integer, got {_type_name(value)}")
        if minimum is not None and value < minimum:
            raise self.fail(f"must be at least {minimum}, got {value}")
        return value

    def boolean(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise self.fail(f"expected true or false, got {_type_name(value)}")
        return value

    def time(self, value: object) -> datetime:
        text = self.string(value)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(f'"{text}" is not a local time like 2026-11-19T08:30') from None
        if parsed.tzinfo is not None:
            raise self.fail(f'"{text}" has a UTC offset; give local wall-clock time')
        if "T" not in text:
            raise self.fail(f'"{text}" has no time of day; write it like 2026-11-19T08:30')
        return parsed

    def array(self, value: object, item: Callable[[object], T]) -> list[T]:
        if not isinstance(value, list):
            raise self.fail(f"expected an array, got {_type_name(value)}")
        out: list[T] = []
        for i, element in enumerate(value):
            with self.p.at(i), suppress(_Invalid):
                out.append(item(element))
        if len(out) != len(value):
            raise _Invalid()
        return out

    def strings(self, value: object) -> tuple[str, ...]:
        return tuple(self.array(value, self.string))

    def field(self, doc: Mapping[str, Any], key: str, read: Callable[[object], T], default: T) -> T:
        if key not in doc:
            return default
        with self.p.at(key):
            return read(doc[key])


def _optional(read: Callable[[object], T]) -> Callable[[object], T | None]:
    return lambda value: None if value is None else read(value)


def load_json(text: str | bytes) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise FormatError(
            [f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"]
        ) from None
    except UnicodeDecodeError as error:
        raise FormatError([f"the file is not UTF-8 text: {error.reason}"]) from None


def read_event_file(path: str | Path) -> Event:
    return parse_event(load_json(_read_bytes(path)))


def _read_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise FormatError([f"cannot read {path}: {error.strerror}"]) from None


# --- b2b-event/1 -------------------------------------------------------------------------


_EVENT_KEYS = {"name", "timezone", "slot_minutes", "sessions", "resources", "max_breaks"}
_ORG_KEYS = {"id", "name", "role", "country", "sectors", "certifications", "languages"}
_PARTICIPANT_KEYS = {
    "id",
    "organisation",
    "name",
    "email",
    "languages",
    "available",
    "unavailable",
    "max_meetings",
}
_REQUEST_KEYS = {
    "id",
    "from",
    "to",
    "priority",
    "required",
    "sessions",
    "requires",
    "fixed",
    "after",
}


def _check_format(r: _Reader, doc: object, expected: str) -> None:
    """First, so that a document of another kind is named as such, not as missing fields."""
    if isinstance(doc, dict) and "format" in doc:
        with r.p.at("format"):
            if doc["format"] != expected:
                raise r.fail(f'expected "{expected}", got {json.dumps(doc["format"])}')


def parse_event(doc: object, *, warnings: list[str] | None = None) -> Event:
    """Validate a decoded `b2b-event/1` document and build the Event; raise FormatError."""
    problems = _Problems()
    r = _Reader(problems)
    try:
        _check_format(r, doc, EVENT_FORMAT)
        r.obj(
            doc,
            {"format", "event", "tables", "organisations", "participants", "requests"},
            {"format", "event"},
        )
    except _Invalid:
        problems.raise_if_any()
    assert isinstance(doc, dict)
    event = _EventBuilder(r, doc).build()
    problems.raise_if_any()
    if warnings is not None:
        warnings.extend(problems.warnings)
    assert event is not None
    return event


class _EventBuilder:
    """Reads the sections of an event document, then checks cross-references."""

    def __init__(self, reader: _Reader, doc: dict[str, Any]) -> None:
        self.r = reader
        self.p = reader.p
        self.doc = doc
        self.declared: dict[str, set[str]] = {}

    def build(self) -> Event | None:
        header = self._section("event", self._header)
        tables = self._list("tables", self._table)
        organisations = self._list("organisations", self._organisation)
        participants = self._list("participants", self._participant)
        requests = self._list("requests", self._request)
        if header is None:
            return None
        name, timezone, slot_minutes, sessions, resources, max_breaks = header
        try:
            event = Event(
                name=name,
                timezone=timezone,
                slot_minutes=slot_minutes,
                sessions=tuple(sessions),
                resources=tuple(sorted(resources.items())),
                max_breaks=max_breaks,
                tables=tuple(tables),
                organisations=tuple(organisations),
                participants=tuple(participants),
                requests=tuple(requests),
            )
        except (OverflowError, ValueError) as error:  # absurd dates or lengths
            self.p.add(f"cannot cut sessions into slots: {error}")
            return None
        self._check_references(event)
        return event

    def _section(self, key: str, read: Callable[[object], T]) -> T | None:
        with self.p.at(key):
            try:
                return read(self.doc[key])
            except _Invalid:
                return None

    def _list(self, key: str, read: Callable[[object], T]) -> list[T]:
        if key not in self.doc:
            return []
        with self.p.at(key):
            value = self.doc[key]
            if not isinstance(value, list):
                self.p.add(f"expected an array, got {_type_name(value)}")
                return []
            # Ids of items that fail validation still count as known, so that references
            # to them do not add a second, misleading "unknown id" problem.
            self.declared[key] = {
                v["id"] for v in value if isinstance(v, dict) and isinstance(v.get("id"), str)
            }
            out = []
            for i, element in enumerate(value):
                with self.p.at(i), suppress(_Invalid):
                    out.append(read(element))
            return out

    def _header(
        self, value: object
    ) -> tuple[str, str, int, list[Session], dict[str, int], int | None]:
        r = self.r
        doc = r.obj(value, _EVENT_KEYS, {"name", "timezone", "slot_minutes", "sessions"})
        name = r.field(doc, "name", r.string, "")
        timezone = r.field(doc, "timezone", r.string, "")
        with self.p.at("timezone"):
            try:
                zoneinfo.ZoneInfo(timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise r.fail(
                    f'"{timezone}" is not an IANA time zone such as Asia/Ho_Chi_Minh'
                ) from None
        slot_minutes = r.field(doc, "slot_minutes", lambda v: r.integer(v, minimum=1), 0)
        sessions: list[Session] = r.field(doc, "sessions", lambda v: r.array(v, self._session), [])
        resources: dict[str, int] = r.field(doc, "resources", self._resources, {})
        max_breaks = r.field(doc, "max_breaks", _optional(lambda v: r.integer(v, minimum=0)), None)
        with self.p.at("sessions"):
            self._check_sessions(sessions, slot_minutes)
        return name, timezone, slot_minutes, sessions, resources, max_breaks

    def _session(self, value: object) -> Session:
        r = self.r
        doc = r.obj(value, {"id", "start", "end"}, {"id", "start", "end"})
        session = Session(
            id=r.field(doc, "id", r.string, ""),
            start=r.field(doc, "start", r.time, datetime.min),
            end=r.field(doc, "end", r.time, datetime.min),
        )
        if session.end <= session.start:
            with self.p.at("end"):
                raise r.fail("must be after start")
        if session.start.date() != session.end.date():
            with self.p.at("end"):
                raise r.fail("a session must end on the day it starts")
        return session

    def _check_sessions(self, sessions: list[Session], slot_minutes: int) -> None:
        if not sessions:
            self.p.add("at least one session is required")
            return
        seen: dict[str, int] = {}
        for i, session in enumerate(sessions):
            with self.p.at(i):
                if session.id in seen:
                    with self.p.at("id"):
                        self.p.add(
                            f'duplicate session id "{session.id}" (also sessions[{seen[session.id]}])'
                        )
                seen.setdefault(session.id, i)
                minutes = (session.end - session.start).total_seconds() / 60
                if slot_minutes and minutes < slot_minutes:
                    self.p.add(
                        f'session "{session.id}" lasts {minutes:g} minutes, shorter than one {slot_minutes}-minute slot'
                    )
        ordered = sorted(enumerate(sessions), key=lambda item: item[1].start)
        for (i, a), (j, b) in itertools.pairwise(ordered):
            if b.start < a.end:
                with self.p.at(j):
                    self.p.add(f'session "{b.id}" overlaps session "{a.id}" (sessions[{i}])')

    def _resources(self, value: object) -> dict[str, int]:
        if not isinstance(value, dict):
            raise self.r.fail(f"expected an object of capacities, got {_type_name(value)}")
        out = {}
        for key, capacity in value.items():
            with self.p.at(key), suppress(_Invalid):
                out[key] = self.r.integer(capacity, minimum=0)
        if len(out) != len(value):
            raise _Invalid()
        return out

    def _table(self, value: object) -> Table:
        r = self.r
        doc = r.obj(value, {"id", "host"}, {"id"})
        return Table(
            id=r.field(doc, "id", r.string, ""),
            host=r.field(doc, "host", _optional(r.string), None),
        )

    def _organisation(self, value: object) -> Organisation:
        r = self.r
        doc = r.obj(value, _ORG_KEYS | set(value if isinstance(value, dict) else ()), {"id"})
        return Organisation(
            id=r.field(doc, "id", r.string, ""),
            name=r.field(doc, "name", r.string, "") or r.field(doc, "id", r.string, ""),
            role=r.field(doc, "role", _optional(r.string), None),
            country=r.field(doc, "country", _optional(r.string), None),
            sectors=r.field(doc, "sectors", r.strings, ()),
            certifications=r.field(doc, "certifications", r.strings, ()),
            languages=r.field(doc, "languages", r.strings, ()),
            extra={k: v for k, v in doc.items() if k not in _ORG_KEYS},
        )

    def _participant(self, value: object) -> Participant:
        r = self.r
        doc = r.obj(
            value, _PARTICIPANT_KEYS | set(value if isinstance(value, dict) else ()), {"id"}
        )
        return Participant(
            id=r.field(doc, "id", r.string, ""),
            organisation=r.field(doc, "organisation", _optional(r.string), None),
            name=r.field(doc, "name", _optional(lambda v: r.string(v, allow_empty=True)), None),
            email=r.field(doc, "email", _optional(lambda v: r.string(v, allow_empty=True)), None),
            languages=r.field(doc, "languages", r.strings, ()),
            available=r.field(doc, "available", _optional(r.strings), None),
            unavailable=r.field(doc, "unavailable", lambda v: tuple(r.array(v, self._range)), ()),
            max_meetings=r.field(
                doc, "max_meetings", _optional(lambda v: r.integer(v, minimum=0)), None
            ),
            extra={k: v for k, v in doc.items() if k not in _PARTICIPANT_KEYS},
        )

    def _range(self, value: object) -> TimeRange:
        r = self.r
        doc = r.obj(value, {"start", "end"}, {"start", "end"})
        span = TimeRange(
            start=r.field(doc, "start", r.time, datetime.min),
            end=r.field(doc, "end", r.time, datetime.min),
        )
        if span.end <= span.start:
            with self.p.at("end"):
                raise r.fail("must be after start")
        return span

    def _request(self, value: object) -> MeetingRequest:
        r = self.r
        doc = r.obj(value, _REQUEST_KEYS, {"id", "from", "to"})
        priority = r.field(doc, "priority", lambda v: r.integer(v), DEFAULT_PRIORITY)
        if priority not in PRIORITY_WEIGHTS:
            with self.p.at("priority"):
                raise r.fail(f"must be 1, 2 or 3, got {priority}")
        return MeetingRequest(
            id=r.field(doc, "id", r.string, ""),
            from_id=r.field(doc, "from", r.string, ""),
            to_id=r.field(doc, "to", r.string, ""),
            priority=priority,
            required=r.field(doc, "required", r.boolean, False),
            sessions=r.field(doc, "sessions", _optional(r.strings), None),
            requires=r.field(doc, "requires", r.strings, ()),
            fixed=r.field(doc, "fixed", _optional(r.time), None),
            after=r.field(doc, "after", r.strings, ()),
        )

    # --- cross references ---------------------------------------------------------------

    def _unique(self, section: str, ids: list[str]) -> None:
        first: dict[str, int] = {}
        for i, item_id in enumerate(ids):
            if item_id in first:
                with self.p.at(section), self.p.at(i), self.p.at("id"):
                    self.p.add(f'duplicate id "{item_id}" (also {section}[{first[item_id]}])')
            first.setdefault(item_id, i)

    def _check_references(self, event: Event) -> None:
        p = self.p
        session_ids = {s.id for s in event.sessions}
        participant_ids = self.declared.get("participants", set())
        organisation_ids = self.declared.get("organisations", set())
        resource_names = {name for name, _ in event.resources}
        self._unique("tables", [t.id for t in event.tables])
        self._unique("organisations", [o.id for o in event.organisations])
        self._unique("participants", [x.id for x in event.participants])
        self._unique("requests", [q.id for q in event.requests])

        hosts: dict[str, int] = {}
        for i, table in enumerate(event.tables):
            if table.host is None:
                continue
            with p.at("tables"), p.at(i), p.at("host"):
                if table.host not in participant_ids:
                    p.add(f'unknown participant "{table.host}"')
                elif table.host in hosts:
                    p.add(f'"{table.host}" already hosts tables[{hosts[table.host]}]')
            hosts.setdefault(table.host, i)

        for i, person in enumerate(event.participants):
            with p.at("participants"), p.at(i):
                if (
                    organisation_ids
                    and person.organisation is not None
                    and person.organisation not in organisation_ids
                ):
                    with p.at("organisation"):
                        p.add(f'unknown organisation "{person.organisation}"')
                for j, session_id in enumerate(person.available or ()):
                    if session_id not in session_ids:
                        with p.at("available"), p.at(j):
                            p.add(f'unknown session "{session_id}"')

        request_ids = self.declared.get("requests", set())
        pairs: dict[frozenset[str], int] = {}
        slot_starts = {s.start: s for s in event.slots}
        for i, request in enumerate(event.requests):
            with p.at("requests"), p.at(i):
                for key, who in (("from", request.from_id), ("to", request.to_id)):
                    if who not in participant_ids:
                        with p.at(key):
                            p.add(f'unknown participant "{who}"')
                if request.from_id == request.to_id:
                    with p.at("to"):
                        p.add(f'a participant cannot meet itself ("{request.to_id}")')
                pair = frozenset(request.pair)
                if pair in pairs:
                    p.add(
                        f"{request.from_id} and {request.to_id} are already paired in requests[{pairs[pair]}]"
                    )
                pairs.setdefault(pair, i)
                for j, session_id in enumerate(request.sessions or ()):
                    if session_id not in session_ids:
                        with p.at("sessions"), p.at(j):
                            p.add(f'unknown session "{session_id}"')
                for j, name in enumerate(request.requires):
                    if name not in resource_names:
                        with p.at("requires"), p.at(j):
                            p.add(f'unknown resource "{name}" (declare it in event.resources)')
                for j, other in enumerate(request.after):
                    if other not in request_ids:
                        with p.at("after"), p.at(j):
                            p.add(f'unknown request "{other}"')
                    elif other == request.id:
                        with p.at("after"), p.at(j):
                            p.add("a request cannot come after itself")
                if request.fixed is not None:
                    with p.at("fixed"):
                        slot = slot_starts.get(request.fixed)
                        if slot is None:
                            p.add(f"{request.fixed:%Y-%m-%dT%H:%M} is not the start of a slot")
                        elif (
                            request.sessions is not None and slot.session_id not in request.sessions
                        ):
                            p.add(
                                f'{request.fixed:%Y-%m-%dT%H:%M} is in session "{slot.session_id}", not one of the request\'s sessions'
                            )


def event_to_json(event: Event) -> dict[str, Any]:
    """The `b2b-event/1` document of an event."""
    header: dict[str, Any] = {
        "name": event.name,
        "timezone": event.timezone,
        "slot_minutes": event.slot_minutes,
        "sessions": [
            {"id": s.id, "start": _time(s.start), "end": _time(s.end)} for s in event.sessions
        ],
    }
    if event.resources:
        header["resources"] = dict(event.resources)
    if event.max_breaks is not None:
        header["max_breaks"] = event.max_breaks
    return {
        "format": EVENT_FORMAT,
        "event": header,
        "tables": [{"id": t.id, **({"host": t.host} if t.host else {})} for t in event.tables],
        "organisations": [_organisation_json(o) for o in event.organisations],
        "participants": [_participant_json(x) for x in event.participants],
        "requests": [_request_json(q) for q in event.requests],
    }


def _organisation_json(org: Organisation) -> dict[str, Any]:
    out: dict[str, Any] = {"id": org.id, "name": org.name}
    for key in ("role", "country"):
        if getattr(org, key) is not None:
            out[key] = getattr(org, key)
    for key in ("sectors", "certifications", "languages"):
        out[key] = list(getattr(org, key))
    out.update(org.extra)
    return out


def _participant_json(person: Participant) -> dict[str, Any]:
    out: dict[str, Any] = {"id": person.id}
    for key in ("organisation", "name", "email"):
        if getattr(person, key) is not None:
            out[key] = getattr(person, key)
    if person.languages:
        out["languages"] = list(person.languages)
    if person.available is not None:
        out["available"] = list(person.available)
    if person.unavailable:
        out["unavailable"] = [
            {"start": _time(u.start), "end": _time(u.end)} for u in person.unavailable
        ]
    if person.max_meetings is not None:
        out["max_meetings"] = person.max_meetings
    out.update(person.extra)
    return out


def _request_json(request: MeetingRequest) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": request.id,
        "from": request.from_id,
        "to": request.to_id,
        "priority": request.priority,
    }
    if request.required:
        out["required"] = True
    if request.sessions is not None:
        out["sessions"] = list(request.sessions)
    if request.requires:
        out["requires"] = list(request.requires)
    if request.fixed is not None:
        out["fixed"] = _time(request.fixed)
    if request.after:
        out["after"] = list(request.after)
    return out


def _time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M") if moment.second == 0 else moment.isoformat()


# --- b2b-schedule/1 ----------------------------------------------------------------------


def schedule_to_json(schedule: Schedule, event: Event) -> dict[str, Any]:
    """The `b2b-schedule/1` document of a schedule."""
    out: dict[str, Any] = {
        "format": SCHEDULE_FORMAT,
        "event": schedule.event_name,
        "meetings": [
            {
                "request": m.request_id,
                "start": _time(event.slots[m.slot_idx].start),
                "table": m.table_id,
            }
            for m in schedule.meetings
        ],
        "unscheduled": [
            {"request": u.request_id, "reason": u.reason} for u in schedule.unscheduled
        ],
    }
    if schedule.stats is not None:
        s = schedule.stats
        out["stats"] = {
            "meetings": s.meetings,
            "weight": s.weight,
            "weight_bound": s.weight_bound,
            "breaks": s.breaks,
            "breaks_bound": s.breaks_bound,
            "solve_seconds": round(s.solve_seconds, 2),
            "status": s.status.value,
            "participants_without_meeting": s.participants_without_meeting,
            "max_participant_breaks": s.max_participant_breaks,
        }
        if s.message:
            out["stats"]["message"] = s.message
        for key in ("kept", "moved", "dropped", "added"):
            if getattr(s, key) is not None:
                out["stats"][key] = getattr(s, key)
    if schedule.changes:
        out["changes"] = [_change_json(c, event) for c in schedule.changes]
    return out


def _change_json(change: MeetingChange, event: Event) -> dict[str, Any]:
    out: dict[str, Any] = {"request": change.request_id, "change": change.kind.value}
    if change.was is not None:
        out["was"] = {"start": _time(change.was.start), "table": change.was.table_id}
    if change.now is not None:
        out["now"] = {
            "start": _time(event.slots[change.now.slot_idx].start),
            "table": change.now.table_id,
        }
    if change.reason:
        out["reason"] = change.reason
    return out


_SCHEDULE_KEYS = {"format", "event", "meetings", "unscheduled", "stats", "changes"}


def parse_published(doc: object) -> tuple[PublishedMeeting, ...]:
    """The meetings of a decoded `b2b-schedule/1` document by start time, for a re-solve.

    No event is needed: the event may have changed since the schedule was published, so a
    start that is no longer a slot, or an unknown request or table, is for the re-solve to
    explain, not an error. A request placed twice is one.
    """
    problems = _Problems()
    r = _Reader(problems)
    try:
        _check_format(r, doc, SCHEDULE_FORMAT)
        r.obj(doc, _SCHEDULE_KEYS, {"format", "meetings"})
    except _Invalid:
        problems.raise_if_any()
    assert isinstance(doc, dict)

    def meeting(value: object) -> PublishedMeeting:
        m = r.obj(value, {"request", "start", "table"}, {"request", "start", "table"})
        return PublishedMeeting(
            request_id=r.field(m, "request", r.string, ""),
            start=r.field(m, "start", r.time, datetime.min),
            table_id=r.field(m, "table", r.string, ""),
        )

    meetings: list[PublishedMeeting] = []
    with problems.at("meetings"), suppress(_Invalid):
        meetings = r.array(doc["meetings"], meeting)
        first: dict[str, int] = {}
        for i, m in enumerate(meetings):
            if m.request_id in first:
                with problems.at(i), problems.at("request"):
                    problems.add(
                        f'request "{m.request_id}" is already placed in meetings[{first[m.request_id]}]'
                    )
            first.setdefault(m.request_id, i)
    problems.raise_if_any()
    return tuple(meetings)


def parse_schedule(doc: object, event: Event | None = None) -> Schedule:
    """Validate a decoded `b2b-schedule/1` document.

    Meetings keep their start time only as a slot index, so an event is needed to resolve
    them; without one, `slot_idx` is -1 and only the shape is checked.
    """
    problems = _Problems()
    r = _Reader(problems)
    slot_by_start = event.slot_by_start() if event else {}
    try:
        _check_format(r, doc, SCHEDULE_FORMAT)
        r.obj(doc, _SCHEDULE_KEYS, {"format", "meetings"})
    except _Invalid:
        problems.raise_if_any()
    assert isinstance(doc, dict)

    def meeting(value: object) -> Meeting:
        m = r.obj(value, {"request", "start", "table"}, {"request", "start", "table"})
        request_id = r.field(m, "request", r.string, "")
        start = r.field(m, "start", r.time, datetime.min)
        table_id = r.field(m, "table", r.string, "")
        slot_idx = -1
        if event is not None:
            slot = slot_by_start.get(start)
            if slot is None:
                with problems.at("start"):
                    raise r.fail(f"{_time(start)} is not the start of a slot of the event")
            slot_idx = slot.idx
        return Meeting(request_id=request_id, slot_idx=slot_idx, table_id=table_id)

    def unscheduled(value: object) -> Unscheduled:
        u = r.obj(value, {"request", "reason"}, {"request"})
        return Unscheduled(
            request_id=r.field(u, "request", r.string, ""),
            reason=r.field(u, "reason", lambda v: r.string(v, allow_empty=True), ""),
        )

    meetings: list[Meeting] = []
    skipped: list[Unscheduled] = []
    name = ""
    try:
        name = r.field(doc, "event", lambda v: r.string(v, allow_empty=True), "")
        with problems.at("meetings"):
            meetings = r.array(doc["meetings"], meeting)
    except _Invalid:
        pass
    with suppress(_Invalid):
        skipped = r.field(doc, "unscheduled", lambda v: r.array(v, unscheduled), [])
    stats = None
    if isinstance(doc.get("stats"), dict):
        stats = _parse_stats(doc["stats"])
    problems.raise_if_any()
    return Schedule(
        event_name=name, meetings=tuple(meetings), unscheduled=tuple(skipped), stats=stats
    )


def _parse_stats(doc: dict[str, Any]) -> ScheduleStats | None:
    """Stats are informative; a document with odd stats still parses, without them."""
    try:
        return ScheduleStats(
            meetings=int(doc["meetings"]),
            weight=int(doc["weight"]),
            weight_bound=None if doc.get("weight_bound") is None else int(doc["weight_bound"]),
            breaks=int(doc["breaks"]),
            breaks_bound=None if doc.get("breaks_bound") is None else int(doc["breaks_bound"]),
            solve_seconds=float(doc.get("solve_seconds", 0.0)),
            status=SolveStatus(doc.get("status", "unknown")),
            participants_without_meeting=int(doc.get("participants_without_meeting", 0)),
            max_participant_breaks=int(doc.get("max_participant_breaks", 0)),
            message=doc.get("message"),
            kept=_optional_int(doc.get("kept")),
            moved=_optional_int(doc.get("moved")),
            dropped=_optional_int(doc.get("dropped")),
            added=_optional_int(doc.get("added")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _optional_int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def dumps(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
