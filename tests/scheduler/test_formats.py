"""b2b-event/1 and b2b-schedule/1: validation with JSON paths, and lossless round trips."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from scheduler.domain import Event, PublishedMeeting, Schedule
from scheduler.formats import (
    FormatError,
    event_to_json,
    load_json,
    parse_event,
    parse_published,
    parse_schedule,
    schedule_to_json,
)
from scheduler.resolve import published_meetings, resolve
from scheduler.solve import SolveParams
from tests.scheduler.factories import EXACT, greedy_schedule, solved

SAMPLES = Path(__file__).parents[2] / "samples"
TINY: dict[str, Any] = json.loads((SAMPLES / "tiny.json").read_text())


def problems_after(change: Callable[[dict[str, Any]], object]) -> list[str]:
    doc = copy.deepcopy(TINY)
    change(doc)
    with pytest.raises(FormatError) as caught:
        parse_event(doc)
    return caught.value.problems


def test_unknown_participant_is_named_with_its_path() -> None:
    problems = problems_after(lambda d: d["requests"][0].__setitem__("to", "S0x9"))
    assert problems == ['requests[0].to: unknown participant "S0x9"']


def test_duplicate_pair_in_either_direction() -> None:
    def add_reverse(d: dict[str, Any]) -> None:
        first = d["requests"][0]
        d["requests"].append({"id": "RZ", "from": first["to"], "to": first["from"]})

    problems = problems_after(add_reverse)
    assert problems[0].startswith(f"requests[{len(TINY['requests'])}]: ")
    assert "already paired in requests[0]" in problems[0]


def test_overlapping_sessions() -> None:
    problems = problems_after(
        lambda d: d["event"]["sessions"][1].__setitem__("start", "2026-11-19T11:00")
    )
    assert problems == ['event.sessions[1]: session "d1-pm" overlaps session "d1-am" (sessions[0])']


def test_slot_longer_than_session() -> None:
    problems = problems_after(lambda d: d["event"].__setitem__("slot_minutes", 600))
    assert problems[0].startswith("event.sessions[0]: ")
    assert "shorter than one 600-minute slot" in problems[0]


def test_malformed_time() -> None:
    problems = problems_after(
        lambda d: d["event"]["sessions"][0].__setitem__("start", "19/11/2026 8:30")
    )
    assert problems == [
        'event.sessions[0].start: "19/11/2026 8:30" is not a local time like 2026-11-19T08:30'
    ]


def test_wrong_type() -> None:
    problems = problems_after(lambda d: d["participants"][0].__setitem__("max_meetings", "six"))
    assert problems == ["participants[0].max_meetings: expected an integer, got a string"]


def test_wrong_format_tag() -> None:
    problems = problems_after(lambda d: d.__setitem__("format", "b2b-event/2"))
    assert problems == ['format: expected "b2b-event/1", got "b2b-event/2"']


def test_invalid_json() -> None:
    with pytest.raises(FormatError) as caught:
        load_json(b'{"format": ')
    assert caught.value.problems == ["invalid JSON at line 1 column 12: Expecting value"]


def test_all_problems_are_reported_at_once() -> None:
    def break_two(d: dict[str, Any]) -> None:
        d["requests"][0]["to"] = "nobody"
        d["requests"][1]["priority"] = 7

    problems = problems_after(break_two)
    assert len(problems) == 2
    assert {p.split(":")[0] for p in problems} == {"requests[0].to", "requests[1].priority"}


def test_unknown_keys_are_warnings_and_kept_on_organisations() -> None:
    doc = copy.deepcopy(TINY)
    doc["organisations"][0]["products"] = ["coils"]
    doc["event"]["colour"] = "blue"
    warnings: list[str] = []
    event = parse_event(doc, warnings=warnings)
    assert any("event.colour" in w for w in warnings)
    assert event.organisations[0].extra["products"] == ["coils"]


def test_event_round_trip_is_lossless() -> None:
    event = parse_event(TINY)
    again = parse_event(json.loads(json.dumps(event_to_json(event))))
    assert again == event
    assert event_to_json(again) == event_to_json(event)


def test_schedule_round_trip() -> None:
    event = parse_event(TINY)
    schedule = solved(event)
    doc = schedule_to_json(schedule, event)
    assert doc["format"] == "b2b-schedule/1"
    assert schedule.stats is not None
    assert doc["stats"]["weight"] == schedule.stats.weight
    back = parse_schedule(json.loads(json.dumps(doc)), event)
    assert back.meetings == schedule.meetings
    assert {u.request_id for u in back.unscheduled} == {u.request_id for u in schedule.unscheduled}


def test_schedule_meeting_outside_slots_is_refused_with_path() -> None:
    event = parse_event(TINY)
    meeting = {"request": "R00001", "start": "2026-11-19T08:35", "table": "T01"}
    doc = {"format": "b2b-schedule/1", "meetings": [meeting]}
    with pytest.raises(FormatError) as caught:
        parse_schedule(doc, event)
    assert caught.value.problems[0].startswith("meetings[0].start: ")


def test_a_document_of_another_kind_is_named_as_such() -> None:
    for doc, expected in (
        ({"format": "b2b-schedule/1", "meetings": []}, "b2b-event/1"),
        ({"format": "nope"}, "b2b-event/1"),
    ):
        with pytest.raises(FormatError) as raised:
            parse_event(doc)
        assert raised.value.problems == [f'format: expected "{expected}", got "{doc["format"]}"']
    with pytest.raises(FormatError) as raised:
        parse_schedule({"format": "b2b-event/1", "event": {}})
    assert raised.value.problems == ['format: expected "b2b-schedule/1", got "b2b-event/1"']


# --- re-solve: published schedules in, changes out --------------------------------------


@pytest.fixture(scope="module")
def resolved_tiny() -> tuple[Event, Schedule]:
    """The tiny sample re-solved from a greedy schedule after its first request was withdrawn."""
    event = parse_event(TINY)
    changed = replace(event, requests=event.requests[1:])
    published = published_meetings(greedy_schedule(event), event)
    return changed, resolve(changed, published, EXACT)


def test_a_plain_solve_writes_no_change_counts() -> None:
    event = parse_event(TINY)
    doc = schedule_to_json(solved(event, SolveParams(time_limit=1, workers=1)), event)
    assert not {"kept", "moved", "dropped", "added"} & doc["stats"].keys()


def test_a_resolve_writes_its_change_counts_in_stats(resolved_tiny: tuple[Event, Schedule]) -> None:
    event, schedule = resolved_tiny
    stats = schedule_to_json(schedule, event)["stats"]
    assert schedule.stats is not None
    assert [stats[k] for k in ("kept", "moved", "dropped", "added")] == [
        schedule.stats.kept,
        schedule.stats.moved,
        schedule.stats.dropped,
        schedule.stats.added,
    ]


def test_a_dropped_meeting_is_written_with_where_it_was_and_why(
    resolved_tiny: tuple[Event, Schedule],
) -> None:
    event, schedule = resolved_tiny
    first = TINY["requests"][0]["id"]
    (dropped,) = [c for c in schedule_to_json(schedule, event)["changes"] if c["request"] == first]
    assert (dropped["change"], dropped["reason"]) == ("dropped", "the request was withdrawn")


def test_change_counts_survive_a_round_trip(resolved_tiny: tuple[Event, Schedule]) -> None:
    event, schedule = resolved_tiny
    back = parse_schedule(json.loads(json.dumps(schedule_to_json(schedule, event))), event)
    assert back.stats is not None and schedule.stats is not None
    assert (back.stats.kept, back.stats.added) == (schedule.stats.kept, schedule.stats.added)


def test_published_meetings_are_read_by_time_without_an_event() -> None:
    doc = {
        "format": "b2b-schedule/1",
        "meetings": [{"request": "R1", "start": "2026-11-19T07:05", "table": "gone"}],
    }
    assert parse_published(doc) == (
        PublishedMeeting(request_id="R1", start=datetime(2026, 11, 19, 7, 5), table_id="gone"),
    )


def test_a_request_published_twice_is_refused_with_its_path() -> None:
    meeting = {"request": "R1", "start": "2026-11-19T09:00", "table": "T01"}
    with pytest.raises(FormatError) as raised:
        parse_published({"format": "b2b-schedule/1", "meetings": [meeting, meeting]})
    assert raised.value.problems == [
        'meetings[1].request: request "R1" is already placed in meetings[0]'
    ]
