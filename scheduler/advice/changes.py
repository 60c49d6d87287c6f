"""The changes advice can suggest: each one edits an event, says what it does, and reads back.

Every change is a plain value (`to_json`, `change_from_json`) so that a suggestion can be
stored, shown and applied later, and `apply(event)` is the one place that says what it
means for an event. Kinds:

- `interpreter` / `resource`: one more unit of a resource per slot;
- `tables`: N more pooled tables;
- `session`: a session longer by K slots, at its end (or at its start when the next
  session follows at once);
- `max_meetings`: a higher max_meetings for one participant;
- `delegate`: a second delegate of a buyer's organisation takes over some of its requests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from scheduler.domain import Event, Participant, Session, Table

INTERPRETER_PREFIX = "interpreter:"


class ChangeError(ValueError):
    """A change that does not fit the event (an unknown id, no room for a longer session)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MoreResource:
    """One more unit (or `add`) of a shared resource, e.g. an interpreter, in every slot."""

    resource: str
    capacity: int  # the new capacity per slot
    was: int

    @property
    def kind(self) -> str:
        return "interpreter" if self.resource.startswith(INTERPRETER_PREFIX) else "resource"

    def apply(self, event: Event) -> Event:
        capacities = dict(event.resources)
        if self.resource not in capacities:
            raise ChangeError(f'the event has no resource "{self.resource}"')
        capacities[self.resource] = self.capacity
        return replace(event, resources=tuple(sorted(capacities.items())))

    def describe(self, event: Event) -> str:
        added = self.capacity - self.was
        if self.kind == "interpreter":
            language = self.resource[len(INTERPRETER_PREFIX) :]
            unit = f"{_more(added, 'interpreter')} for {language}"
        else:
            unit = f"{_more(added, 'unit')} of {self.resource}"
        return f"{unit} ({self.resource}: {self.capacity} per slot instead of {self.was})"

    def to_json(self) -> dict[str, Any]:
        return {"resource": self.resource, "capacity": self.capacity, "was": self.was}


@dataclass(frozen=True, slots=True, kw_only=True)
class MoreTables:
    """N more pooled tables (tables without a host)."""

    table_ids: tuple[str, ...]  # the new tables
    was: int  # pooled tables before

    kind = "tables"

    def apply(self, event: Event) -> Event:
        taken = {t.id for t in event.tables} & set(self.table_ids)
        if taken:
            raise ChangeError(f"table {sorted(taken)[0]} exists already")
        return replace(event, tables=(*event.tables, *(Table(id=t) for t in self.table_ids)))

    def describe(self, event: Event) -> str:
        n = len(self.table_ids)
        return f"{_more(n, 'pooled table')} ({self.was + n} instead of {self.was})"

    def to_json(self) -> dict[str, Any]:
        return {
            "add": len(self.table_ids),
            "pooled_tables": self.was + len(self.table_ids),
            "was": self.was,
            "table_ids": list(self.table_ids),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class LongerSession:
    """A session longer by K slots: it ends later, or starts earlier when `at_start`."""

    session: str
    slots: int
    slot_minutes: int
    at_start: bool = False

    kind = "session"

    def extended(self, event: Event) -> tuple[Session, Session]:
        """The session before and after the change; ChangeError when it has no room."""
        found = next((s for s in event.sessions if s.id == self.session), None)
        if found is None:
            raise ChangeError(f'the event has no session "{self.session}"')
        if event.slot_minutes != self.slot_minutes:
            raise ChangeError("the event's slot length changed")
        length = timedelta(minutes=self.slots * self.slot_minutes)
        if self.at_start:
            new = replace(found, start=found.start - length)
        else:
            new = replace(found, end=found.end + length)
        if new.start.date() != found.start.date() or (
            new.end.date() != found.start.date() and new.end.time() != datetime.min.time()
        ):
            raise ChangeError(f"session {self.session} would run into another day")
        for other in event.sessions:
            if other.id != found.id and other.start < new.end and new.start < other.end:
                raise ChangeError(f"session {self.session} would overlap session {other.id}")
        return found, new

    def apply(self, event: Event) -> Event:
        found, new = self.extended(event)
        return replace(event, sessions=tuple(new if s is found else s for s in event.sessions))

    def describe(self, event: Event) -> str:
        found, new = self.extended(event)
        longer = f"Session {self.session} {_count(self.slots, 'slot')} longer"
        if self.at_start:
            return f"{longer}: from {new.start:%H:%M} instead of {found.start:%H:%M}"
        return f"{longer}: until {new.end:%H:%M} instead of {found.end:%H:%M}"

    def to_json(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "slots": self.slots,
            "minutes": self.slots * self.slot_minutes,
            "at": "start" if self.at_start else "end",
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class MoreMeetings:
    """A higher max_meetings for one participant."""

    participant: str
    max_meetings: int
    was: int

    kind = "max_meetings"

    def apply(self, event: Event) -> Event:
        person = _participant(event, self.participant)
        changed = replace(person, max_meetings=self.max_meetings)
        people = tuple(changed if p is person else p for p in event.participants)
        return replace(event, participants=people)

    def describe(self, event: Event) -> str:
        who = _who(event, self.participant)
        return f"Let {who} take {self.max_meetings} meetings instead of {self.was}"

    def to_json(self) -> dict[str, Any]:
        return {
            "participant": self.participant,
            "max_meetings": self.max_meetings,
            "was": self.was,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class SecondDelegate:
    """A new participant of the same organisation takes over some of a buyer's requests.

    The delegate attends when the buyer does, speaks the same languages, has the same
    max_meetings, and gets a host table of their own when the buyer hosts one.
    """

    participant: str
    delegate: str  # the new participant's id
    requests: tuple[str, ...]  # request ids the delegate takes over
    table: str | None  # the delegate's host table, when the buyer hosts one

    kind = "delegate"

    def apply(self, event: Event) -> Event:
        person = _participant(event, self.participant)
        if any(p.id == self.delegate for p in event.participants):
            raise ChangeError(f"participant {self.delegate} exists already")
        if self.table is not None and any(t.id == self.table for t in event.tables):
            raise ChangeError(f"table {self.table} exists already")
        delegate = Participant(
            id=self.delegate,
            organisation=person.organisation,
            name=delegate_name(event, person),
            languages=person.languages,
            available=person.available,
            unavailable=person.unavailable,
            max_meetings=person.max_meetings,
        )
        moved = set(self.requests)
        known = {r.id for r in event.requests if self.participant in r.pair}
        if not moved <= known:
            missing = sorted(moved - known)[0]
            raise ChangeError(f"{missing} is not a request of {self.participant}")
        requests = tuple(
            replace(
                r,
                from_id=self.delegate if r.from_id == self.participant else r.from_id,
                to_id=self.delegate if r.to_id == self.participant else r.to_id,
            )
            if r.id in moved
            else r
            for r in event.requests
        )
        tables = event.tables
        if self.table is not None:
            tables = (*tables, Table(id=self.table, host=self.delegate))
        return replace(
            event,
            participants=(*event.participants, delegate),
            requests=requests,
            tables=tables,
        )

    def describe(self, event: Event) -> str:
        who = _who(event, self.participant)
        table = f" at a table of their own ({self.table})" if self.table else ""
        org = _participant(event, self.participant).organisation
        delegates = sum(1 for p in event.participants if p.organisation == org)
        article = "A second" if delegates == 1 else "Another"
        return (
            f"{article} delegate for {who}, {self.delegate}{table}, takes over "
            f"{_count(len(self.requests), 'request')} {self.participant} could not fit"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "participant": self.participant,
            "delegate": self.delegate,
            "requests": list(self.requests),
            "table": self.table,
        }


Change = MoreResource | MoreTables | LongerSession | MoreMeetings | SecondDelegate
KINDS = ("interpreter", "resource", "tables", "session", "max_meetings", "delegate")


def change_from_json(kind: str, doc: Mapping[str, Any]) -> Change:
    """The change `to_json` wrote; ChangeError when the document is not one."""
    try:
        if kind in ("interpreter", "resource"):
            return MoreResource(
                resource=str(doc["resource"]), capacity=int(doc["capacity"]), was=int(doc["was"])
            )
        if kind == "tables":
            return MoreTables(table_ids=_strings(doc["table_ids"]), was=int(doc["was"]))
        if kind == "session":
            slots, minutes = int(doc["slots"]), int(doc["minutes"])
            if slots < 1 or minutes % slots:
                raise ChangeError("a longer session needs a positive number of whole slots")
            return LongerSession(
                session=str(doc["session"]),
                slots=slots,
                slot_minutes=minutes // slots,
                at_start=doc["at"] == "start",
            )
        if kind == "max_meetings":
            return MoreMeetings(
                participant=str(doc["participant"]),
                max_meetings=int(doc["max_meetings"]),
                was=int(doc["was"]),
            )
        if kind == "delegate":
            table = doc["table"]
            return SecondDelegate(
                participant=str(doc["participant"]),
                delegate=str(doc["delegate"]),
                requests=_strings(doc["requests"]),
                table=None if table is None else str(table),
            )
    except (KeyError, TypeError, ValueError) as error:
        if isinstance(error, ChangeError):
            raise
        raise ChangeError(f"not a {kind} change: {error}") from None
    raise ChangeError(f'unknown kind of change "{kind}"')


def delegate_name(event: Event, person: Participant) -> str:
    """What a new delegate is called until the organiser names them."""
    orgs = {o.id: o.name for o in event.organisations}
    org = orgs.get(person.organisation or "", person.organisation or person.id)
    return f"Second delegate of {org}"


def fresh_ids(taken: Iterable[str], count: int, like: str | None) -> tuple[str, ...]:
    """`count` new ids numbered after the highest id shaped like `like` ("T042" -> "T043")."""
    used = set(taken)
    match = re.fullmatch(r"(.*?)(\d+)", like or "")
    prefix, width = (match.group(1), len(match.group(2))) if match else ((like or "new") + "-", 1)
    numbers = [
        int(m.group(1))
        for i in used
        if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", i)) is not None
    ]
    n = max(numbers, default=0)
    out: list[str] = []
    while len(out) < count:
        n += 1
        candidate = f"{prefix}{n:0{width}d}"
        if candidate not in used:
            out.append(candidate)
    return tuple(out)


def _participant(event: Event, pid: str) -> Participant:
    found = next((p for p in event.participants if p.id == pid), None)
    if found is None:
        raise ChangeError(f'the event has no participant "{pid}"')
    return found


def _who(event: Event, pid: str) -> str:
    person = _participant(event, pid)
    orgs = {o.id: o.name for o in event.organisations}
    org = orgs.get(person.organisation or "")
    label = person.name or org
    if person.name and org and person.name != org:
        label = f"{person.name}, {org}"
    return f"{pid} ({label})" if label else pid


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _more(n: int, noun: str) -> str:
    return f"One more {noun}" if n == 1 else f"{n} more {noun}s"


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise ChangeError("expected a list of ids")
    return tuple(value)
