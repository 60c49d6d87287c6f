"""Sheets for the room staff, from the published release: one per table (who meets there,
when) and one per time slot (every meeting in it, table by table).

They are read from `releases.current`, as participants' agendas are, so what the staff hold
is what participants were told: a draft, a rename since the publish or a walk-in not yet
booked is not on them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from scheduler import domain
from web.usecases import releases


@dataclass(frozen=True)
class Side:
    """One side of a meeting as the staff call them: name, organisation, id."""

    id: str
    name: str
    organisation: str


@dataclass(frozen=True)
class Line:
    start: datetime  # naive, the event's local time
    end: datetime
    table: str
    a: Side  # who asked (the request's `from`)
    b: Side


@dataclass(frozen=True)
class TableSheet:
    table: str
    host: Side | None  # the participant whose own table it is
    lines: list[Line]  # by time


@dataclass(frozen=True)
class SlotSheet:
    start: datetime
    end: datetime
    lines: list[Line]  # by table


@dataclass(frozen=True)
class Sheets:
    release: int  # the release's number
    tables: list[TableSheet]  # tables with at least one meeting, by id
    slots: list[SlotSheet]  # slots with at least one meeting, by time


def sheets(db: Session, event_id: int) -> Sheets | None:
    """The room sheets of the published release; None before anything is published."""
    frozen = releases.current(db, event_id)
    if frozen is None:
        return None
    event = frozen.event
    people = event.participant_by_id()
    organisations = event.organisation_by_id()
    requests = event.request_by_id()

    def side(pid: str) -> Side:
        who = people.get(pid)
        org = organisations.get(who.organisation or "") if who else None
        name = (who.name if who else None) or pid
        return Side(id=pid, name=name, organisation=org.name if org else "")

    lines = [_line(event, x, requests[x.request_id], side) for x in frozen.schedule.meetings]
    lines.sort(key=lambda x: (x.start, x.table))
    hosts = {t.id: t.host for t in event.tables}
    by_table: dict[str, list[Line]] = {}
    for x in lines:
        by_table.setdefault(x.table, []).append(x)
    tables = [
        TableSheet(table=t, host=side(h) if (h := hosts.get(t)) else None, lines=by_table[t])
        for t in sorted(by_table)
    ]
    by_slot: dict[datetime, list[Line]] = {}
    for x in lines:
        by_slot.setdefault(x.start, []).append(x)
    slots = [SlotSheet(start=s, end=found[0].end, lines=found) for s, found in by_slot.items()]
    return Sheets(release=frozen.number, tables=tables, slots=slots)


def _line(
    event: domain.Event,
    meeting: domain.Meeting,
    request: domain.MeetingRequest,
    side: Callable[[str], Side],
) -> Line:
    slot = event.slots[meeting.slot_idx]
    return Line(
        start=slot.start,
        end=slot.end,
        table=meeting.table_id,
        a=side(request.from_id),
        b=side(request.to_id),
    )
