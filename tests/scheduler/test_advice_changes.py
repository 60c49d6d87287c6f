"""What each change advice can suggest does to an event, and that it reads back from JSON."""

from __future__ import annotations

from datetime import datetime

import pytest

from scheduler.advice.changes import (
    Change,
    ChangeError,
    LongerSession,
    MoreMeetings,
    MoreResource,
    MoreTables,
    SecondDelegate,
    change_from_json,
    fresh_ids,
)
from tests.scheduler.bottlenecks import KO, bottleneck_event
from tests.scheduler.factories import event, person, request, session


def test_more_resource_raises_its_capacity_only() -> None:
    ev = bottleneck_event()
    changed = MoreResource(resource=KO, capacity=3, was=1).apply(ev)
    assert changed.resources == ((KO, 3),)
    assert changed.requests == ev.requests


def test_more_resource_of_an_unknown_resource_is_refused() -> None:
    with pytest.raises(ChangeError, match="no resource"):
        MoreResource(resource="interpreter:ja", capacity=1, was=0).apply(bottleneck_event())


def test_more_tables_adds_pooled_tables_with_the_given_ids() -> None:
    ev = bottleneck_event()
    changed = MoreTables(table_ids=("T06", "T07"), was=1).apply(ev)
    assert changed.pooled_table_count == ev.pooled_table_count + 2


def test_fresh_ids_continue_the_numbering_of_the_ids_like_the_example() -> None:
    assert fresh_ids(["T01", "T02", "T09", "X5"], 2, "T02") == ("T10", "T11")
    assert fresh_ids(["B001-1", "B001-2"], 1, "B001-1") == ("B001-3",)


def test_a_longer_session_ends_later_and_has_more_slots() -> None:
    ev = event(["A", "B"], [request("R1", "A", "B")], sessions=(session(slots=4),))
    changed = LongerSession(session="am", slots=2, slot_minutes=20).apply(ev)
    assert len(changed.slots) == len(ev.slots) + 2
    assert changed.sessions[0].end == datetime(2026, 11, 19, 11, 0)


def test_a_session_cannot_grow_into_the_next_one() -> None:
    sessions = (session("am", slots=3), session("mid", slots=3, start_slot=4))
    ev = event(["A", "B"], [request("R1", "A", "B")], sessions=sessions)
    with pytest.raises(ChangeError, match="overlap session mid"):
        LongerSession(session="am", slots=2, slot_minutes=20).apply(ev)


def test_a_session_can_start_earlier_instead() -> None:
    ev = event(["A", "B"], [request("R1", "A", "B")], sessions=(session(slots=4),))
    changed = LongerSession(session="am", slots=1, slot_minutes=20, at_start=True).apply(ev)
    assert changed.slots[0].start == datetime(2026, 11, 19, 8, 40)
    assert changed.slots[1].start == ev.slots[0].start  # the old slots keep their times


def test_more_meetings_sets_one_participants_limit() -> None:
    ev = event([person("A", max_meetings=2), "B"], [request("R1", "A", "B")])
    changed = MoreMeetings(participant="A", max_meetings=4, was=2).apply(ev)
    assert changed.participant_by_id()["A"].max_meetings == 4


def test_a_second_delegate_takes_over_the_named_requests_at_a_table_of_their_own() -> None:
    ev = bottleneck_event()
    change = SecondDelegate(
        participant="O1-1", delegate="O1-2", requests=("R27", "R28"), table="T09"
    )
    changed = change.apply(ev)
    moved = changed.request_by_id()
    assert moved["R27"].to_id == "O1-2" and moved["R28"].to_id == "O1-2"
    assert moved["R26"].to_id == "O1-1"
    delegate = changed.participant_by_id()["O1-2"]
    assert delegate.organisation == "O1"
    assert changed.host_table_of()["O1-2"] == "T09"


def test_a_delegate_cannot_take_over_another_participants_request() -> None:
    change = SecondDelegate(participant="O1-1", delegate="O1-2", requests=("R01",), table=None)
    with pytest.raises(ChangeError, match="R01 is not a request of O1-1"):
        change.apply(bottleneck_event())


@pytest.mark.parametrize(
    "change",
    [
        MoreResource(resource=KO, capacity=2, was=1),
        MoreTables(table_ids=("T05",), was=1),
        LongerSession(session="am", slots=3, slot_minutes=20, at_start=True),
        MoreMeetings(participant="O1-1", max_meetings=9, was=6),
        SecondDelegate(participant="O1-1", delegate="O1-2", requests=("R27",), table=None),
    ],
)
def test_every_change_reads_back_from_its_json(change: Change) -> None:
    assert change_from_json(change.kind, change.to_json()) == change


def test_a_change_document_with_a_missing_field_is_refused() -> None:
    with pytest.raises(ChangeError, match="not a tables change"):
        change_from_json("tables", {"was": 1})


def test_the_sentence_names_the_change() -> None:
    ev = bottleneck_event()
    assert (
        MoreResource(resource=KO, capacity=2, was=1).describe(ev)
        == "One more interpreter for ko (interpreter:ko: 2 per slot instead of 1)"
    )
    longer = LongerSession(session="am", slots=2, slot_minutes=20)
    assert longer.describe(ev) == "Session am 2 slots longer: until 11:40 instead of 11:00"


def test_an_unknown_session_is_refused() -> None:
    ev = event(["A", "B"], [request("R1", "A", "B")], sessions=(session(slots=4),))
    with pytest.raises(ChangeError, match='no session "pm"'):
        LongerSession(session="pm", slots=1, slot_minutes=20).apply(ev)
