"""Event set-up form: parse and validate the fields, then write the event's header rows."""

from __future__ import annotations

import itertools
import re
import zoneinfo
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from web import models as m
from web.models import Role
from web.usecases import access, inputs
from web.usecases.errors import Msg
from web.usecases.mapper import sessions_of

_SESSION_LINE = re.compile(
    r"^(?P<id>\S+)\s+(?P<date>\d{4}-\d{2}-\d{2})[ T]+(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True, slots=True)
class SetupValues:
    """A valid set-up form, parsed."""

    name: str
    venue: str
    timezone: str
    slot_minutes: int
    max_breaks: int | None
    request_deadline: datetime | None
    max_requests_per_participant: int | None
    pooled_tables: int
    sessions: list[tuple[str, datetime, datetime]]
    resources: dict[str, int]
    walk_ins_from_portal: bool = False


@dataclass
class SetupForm:
    """Raw form values (strings, echoed back on errors) and, once valid, parsed values."""

    name: str = ""
    venue: str = ""
    timezone: str = "Asia/Ho_Chi_Minh"
    slot_minutes: str = "20"
    max_breaks: str = ""
    request_deadline: str = ""
    max_requests_per_participant: str = ""
    sessions: str = ""
    pooled_tables: str = "0"
    resources: str = ""
    walk_ins_from_portal: str = ""  # a checkbox: "on" when ticked, absent otherwise
    errors: dict[str, Msg | list[Msg]] = field(default_factory=dict)
    parsed: SetupValues | None = None

    @classmethod
    def example(cls) -> SetupForm:
        """A new event's form: two sessions of one day, ten pooled tables."""
        return cls(
            sessions="d1-am 2026-11-19 08:30-11:30\nd1-pm 2026-11-19 13:30-16:30",
            pooled_tables="10",
        )

    @classmethod
    def from_values(cls, values: dict[str, str]) -> SetupForm:
        """A form from posted values (unknown names ignored)."""
        keys = {f.name for f in fields(cls)} - {"errors", "parsed"}
        picked: dict[str, Any] = {k: v for k, v in values.items() if k in keys}
        return cls(**picked)

    @classmethod
    def from_event(cls, session: Session, event: m.Event) -> SetupForm:
        lines = [
            f"{s.ext_id} {s.start:%Y-%m-%d} {s.start:%H:%M}-{s.end:%H:%M}"
            for s in sessions_of(session, event.id)
        ]
        resources = session.exec(select(m.Resource).where(m.Resource.event_id == event.id))
        pooled = session.exec(
            select(m.EventTable).where(
                m.EventTable.event_id == event.id, col(m.EventTable.host_id).is_(None)
            )
        ).all()
        return cls(
            name=event.name,
            venue=event.venue,
            timezone=event.timezone,
            slot_minutes=str(event.slot_minutes),
            max_breaks="" if event.max_breaks is None else str(event.max_breaks),
            request_deadline=event.request_deadline.strftime("%Y-%m-%dT%H:%M")
            if event.request_deadline
            else "",
            max_requests_per_participant=""
            if event.max_requests_per_participant is None
            else str(event.max_requests_per_participant),
            sessions="\n".join(lines),
            pooled_tables=str(len(pooled)),
            resources="\n".join(
                f"{r.name} {r.capacity}" for r in sorted(resources, key=lambda r: r.name)
            ),
            walk_ins_from_portal="on" if event.walk_ins_from_portal else "",
        )

    def validate(self) -> bool:
        e = self.errors
        name = self.name.strip()
        if not name:
            e["name"] = Msg("setup.name_required")
        elif not inputs.is_single_line(name):
            e["name"] = Msg("form.one_line")
        if not inputs.is_single_line(self.venue.strip()):
            e["venue"] = Msg("form.one_line")
        timezone = self.timezone.strip()
        try:
            zoneinfo.ZoneInfo(timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            e["timezone"] = Msg("setup.bad_timezone")
        slot_minutes = self._int("slot_minutes", self.slot_minutes, 5, 240, required=True)
        max_breaks = self._int("max_breaks", self.max_breaks, 0, 100)
        max_requests = self._int(
            "max_requests_per_participant", self.max_requests_per_participant, 1, 1000
        )
        pooled = self._int("pooled_tables", self.pooled_tables, 0, 2000, required=True)
        deadline = None
        if self.request_deadline.strip():
            try:
                deadline = datetime.fromisoformat(self.request_deadline.strip())
            except ValueError:
                e["request_deadline"] = Msg("setup.bad_deadline")
        sessions = self._sessions(slot_minutes)
        resources = self._resources()
        if e or slot_minutes is None or pooled is None:
            return False
        self.parsed = SetupValues(
            name=name,
            venue=self.venue.strip(),
            timezone=timezone,
            slot_minutes=slot_minutes,
            max_breaks=max_breaks,
            request_deadline=deadline,
            max_requests_per_participant=max_requests,
            pooled_tables=pooled,
            sessions=sessions,
            resources=resources,
            walk_ins_from_portal=bool(self.walk_ins_from_portal.strip()),
        )
        return True

    def _int(self, key: str, raw: str, low: int, high: int, required: bool = False) -> int | None:
        raw = raw.strip()
        if not raw:
            if required:
                self.errors[key] = Msg("form.required_field")
            return None
        try:
            value = int(raw)
        except ValueError:
            self.errors[key] = Msg("form.whole_number")
            return None
        if not low <= value <= high:
            self.errors[key] = Msg("form.number_range", low=low, high=high)
            return None
        return value

    def _sessions(self, slot_minutes: int | None) -> list[tuple[str, datetime, datetime]]:
        out: list[tuple[str, datetime, datetime]] = []
        problems: list[Msg] = []
        for number, line in enumerate(self.sessions.splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            match = _SESSION_LINE.match(line)
            if not match:
                problems.append(Msg("setup.session_line", n=number))
                continue
            try:
                start = datetime.fromisoformat(
                    f"{match['date']}T{int(match['start'].split(':')[0]):02d}:{match['start'].split(':')[1]}"
                )
                end = datetime.fromisoformat(
                    f"{match['date']}T{int(match['end'].split(':')[0]):02d}:{match['end'].split(':')[1]}"
                )
            except ValueError:
                problems.append(Msg("form.line_bad_time", n=number))
                continue
            if end <= start:
                problems.append(Msg("form.line_end_before_start", n=number))
                continue
            out.append((match["id"], start, end))
        ids = [s[0] for s in out]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            problems.append(Msg("setup.session_twice", id=dup))
        ordered = sorted(out, key=lambda s: s[1])
        for a, b in itertools.pairwise(ordered):
            if b[1] < a[2]:
                problems.append(Msg("setup.sessions_overlap", a=a[0], b=b[0]))
        if slot_minutes is not None:
            for sid, start, end in out:
                if end - start < timedelta(minutes=slot_minutes):
                    problems.append(Msg("setup.session_short", id=sid))
        if not out and not problems:
            problems.append(Msg("setup.session_required"))
        if problems:
            self.errors["sessions"] = problems
        return out

    def _resources(self) -> dict[str, int]:
        out: dict[str, int] = {}
        problems: list[Msg] = []
        for number, line in enumerate(self.resources.splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            capacity = _whole_number(parts[1]) if len(parts) == 2 else None
            if capacity is None or capacity > 100_000:
                problems.append(Msg("setup.resource_line", n=number))
                continue
            if parts[0] in out:
                problems.append(Msg("setup.resource_twice", name=parts[0]))
            out[parts[0]] = capacity
        if problems:
            self.errors["resources"] = problems
        return out


def _whole_number(raw: str) -> int | None:
    """A non-negative integer written with ASCII digits, else None (str.isdigit() alone
    accepts "²", which int() refuses)."""
    return int(raw) if raw.isascii() and raw.isdigit() else None


def apply_setup(
    session: Session, form: SetupForm, event: m.Event | None, owner: m.Organiser | None = None
) -> m.Event | None:
    """Write a validated form to `event`, or to a new event owned by `owner` (`event`
    None); returns None (with form.errors set) when a removal is blocked."""
    p = form.parsed
    if p is None:
        raise ValueError("apply_setup needs a validated form")
    if event is None:
        event = m.Event(name=p.name)
        session.add(event)
        session.flush()
        if owner is not None:
            access.grant(session, event.id, owner, Role.OWNER)
    event_id = event.id
    sessions, resources = p.sessions, p.resources

    existing = {s.ext_id: s for s in sessions_of(session, event_id)}
    removed = set(existing) - {s[0] for s in sessions}
    people = session.exec(select(m.Participant).where(m.Participant.event_id == event_id)).all()
    requests = session.exec(
        select(m.MeetingRequest).where(m.MeetingRequest.event_id == event_id)
    ).all()
    used = {sid for x in people for sid in x.available or ()} | {
        sid for r in requests for sid in r.sessions or ()
    }
    if removed & used:
        form.errors["sessions"] = Msg("setup.session_in_use", ids=", ".join(sorted(removed & used)))
    old_resources = {
        r.name: r for r in session.exec(select(m.Resource).where(m.Resource.event_id == event_id))
    }
    needed = {name for r in requests for name in r.requires or ()}
    if (set(old_resources) - set(resources)) & needed:
        form.errors["resources"] = Msg(
            "setup.resource_in_use",
            names=", ".join(sorted((set(old_resources) - set(resources)) & needed)),
        )
    if form.errors:
        session.rollback()
        return None

    event.name = p.name
    event.venue = p.venue
    event.timezone = p.timezone
    event.slot_minutes = p.slot_minutes
    event.max_breaks = p.max_breaks
    event.request_deadline = p.request_deadline
    event.max_requests_per_participant = p.max_requests_per_participant
    event.walk_ins_from_portal = p.walk_ins_from_portal
    session.add(event)
    for sid in removed:
        session.delete(existing[sid])
    for sid, start, end in sessions:
        row = existing.get(sid) or m.EventSession(
            event_id=event_id, ext_id=sid, start=start, end=end
        )
        row.start, row.end = start, end
        session.add(row)
    for name, old in old_resources.items():
        if name not in resources:
            session.delete(old)
    for name, capacity in resources.items():
        res = old_resources.get(name) or m.Resource(event_id=event_id, name=name, capacity=capacity)
        res.capacity = capacity
        session.add(res)
    set_pooled_tables(session, event_id, p.pooled_tables)
    session.commit()
    session.refresh(event)
    return event


def set_pooled_tables(session: Session, event_id: int, count: int) -> None:
    """Add or remove pooled tables (named T001, T002... skipping names in use) to reach `count`."""
    tables = session.exec(select(m.EventTable).where(m.EventTable.event_id == event_id)).all()
    pooled = sorted((t for t in tables if t.host_id is None), key=lambda t: t.ext_id)
    names = {t.ext_id for t in tables}
    while len(pooled) > count:
        session.delete(pooled.pop())
    number = 1
    while len(pooled) < count:
        name = f"T{number:03d}"
        number += 1
        if name in names:
            continue
        table = m.EventTable(event_id=event_id, ext_id=name)
        session.add(table)
        pooled.append(table)
        names.add(name)
