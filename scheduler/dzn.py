"""Import of the JAIR 2022 B2B meeting-scheduling research instances (MiniZinc `.dzn` data)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from scheduler.domain import Event, MeetingRequest, Participant, Session, Table, TimeRange
from scheduler.formats import FormatError

DZN_DAY = datetime(2026, 1, 15)
DZN_SLOT_MINUTES = 20
DZN_MORNING_START = DZN_DAY.replace(hour=9)
DZN_AFTERNOON_START = DZN_DAY.replace(hour=14)
DZN_MAX_BREAKS = 2  # the paper's fairness parameter d

_ASSIGNMENT = re.compile(r"(\w+)\s*=\s*(.*?);", re.S)
_NUMBERS = re.compile(r"-?\d+")


def _parse_assignments(text: str) -> dict[str, str]:
    text = re.sub(r"%[^\n]*", "", text)  # MiniZinc line comments
    return {name: value.strip() for name, value in _ASSIGNMENT.findall(text)}


def _int(values: dict[str, str], name: str) -> int:
    try:
        return int(values[name])
    except (KeyError, ValueError):
        raise FormatError([f"{name}: missing or not an integer"]) from None


def _int_list(values: dict[str, str], name: str) -> list[int]:
    if name not in values:
        raise FormatError([f"{name}: missing"])
    return [int(n) for n in _NUMBERS.findall(values[name])]


def _set_list(values: dict[str, str], name: str, count: int) -> list[list[int]]:
    """An array of integer sets, `[{1,2},{},{3}]`."""
    if name not in values:
        return [[] for _ in range(count)]
    sets = re.findall(r"\{([^}]*)\}", values[name])
    if len(sets) != count:
        raise FormatError([f"{name}: expected {count} sets, found {len(sets)}"])
    return [[int(n) for n in _NUMBERS.findall(body)] for body in sets]


def parse_dzn(text: str, name: str = "dzn instance") -> Event:
    """Build an event from a `.dzn` instance: one day, morning and afternoon sessions.

    Every meeting is required and `max_breaks` is 2, as in the paper's experiments.
    """
    values = _parse_assignments(text)
    n_participants = _int(values, "nBusiness")
    n_meetings = _int(values, "nMeetings")
    n_tables = _int(values, "nTables")
    n_slots = _int(values, "nTotalSlots")
    n_morning = _int(values, "nMorningSlots")
    triples = _int_list(values, "requested")
    if len(triples) != 3 * n_meetings:
        raise FormatError(
            [f"requested: expected {n_meetings} rows of 3, found {len(triples)} numbers"]
        )
    forbidden = _set_list(values, "forbidden", n_participants)
    fixed = _int_list(values, "fixed") if "fixed" in values else [0] * n_meetings
    precedences = _set_list(values, "precedences", n_meetings)

    length = timedelta(minutes=DZN_SLOT_MINUTES)
    sessions = [
        Session(id="am", start=DZN_MORNING_START, end=DZN_MORNING_START + n_morning * length)
    ]
    if n_slots > n_morning:
        sessions.append(
            Session(
                id="pm",
                start=DZN_AFTERNOON_START,
                end=DZN_AFTERNOON_START + (n_slots - n_morning) * length,
            )
        )

    def slot_start(slot: int) -> datetime:  # 1-based slot number of the instance
        if slot <= n_morning:
            return DZN_MORNING_START + (slot - 1) * length
        return DZN_AFTERNOON_START + (slot - n_morning - 1) * length

    def participant_id(number: int) -> str:
        if not 1 <= number <= n_participants:
            raise FormatError([f"requested: participant {number} out of range 1..{n_participants}"])
        return f"P{number:03d}"

    participants = tuple(
        Participant(
            id=participant_id(p + 1),
            unavailable=tuple(
                TimeRange(start=slot_start(s), end=slot_start(s) + length)
                for s in sorted(set(forbidden[p]))
                if 1 <= s <= n_slots
            ),
        )
        for p in range(n_participants)
    )
    session_choice = {1: ("am",), 2: ("pm",), 3: None}
    requests = []
    for m in range(n_meetings):
        a, b, where = triples[3 * m : 3 * m + 3]
        if where not in session_choice:
            raise FormatError([f"requested[{m + 1}]: session code {where} is not 1, 2 or 3"])
        requests.append(
            MeetingRequest(
                id=f"M{m + 1:03d}",
                from_id=participant_id(a),
                to_id=participant_id(b),
                required=True,
                sessions=session_choice[where],
                fixed=slot_start(fixed[m]) if m < len(fixed) and fixed[m] > 0 else None,
                after=tuple(f"M{k:03d}" for k in sorted(set(precedences[m])) if k > 0),
            )
        )
    return Event(
        name=name,
        timezone="UTC",
        slot_minutes=DZN_SLOT_MINUTES,
        sessions=tuple(sessions),
        max_breaks=DZN_MAX_BREAKS,
        tables=tuple(Table(id=f"T{t + 1:02d}") for t in range(n_tables)),
        participants=participants,
        requests=tuple(requests),
    )


def read_dzn_file(path: str | Path) -> Event:
    path = Path(path)
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise FormatError([f"cannot read {path}: {error}"]) from None
    return parse_dzn(text, name=path.name.removesuffix(".dzn").removesuffix(".original"))
