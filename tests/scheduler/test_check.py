"""The independent checker catches every kind of violation and computes the metrics."""

from __future__ import annotations

import pytest

from scheduler.check import check_schedule, count_breaks
from scheduler.domain import Meeting, Schedule
from tests.scheduler.factories import at, event, person, request, session, unavailable

EV = event(
    [person("A", max_meetings=1, unavailable=unavailable(3, 3)), "B", "C", "D", "H"],
    [
        request("R1", "A", "B", required=True),
        request("R2", "A", "C", sessions=("am",)),
        request("R3", "C", "D", requires=("interpreter:ko",), after=("R2",)),
        request("R4", "H", "D", fixed=at(1)),
        request("R5", "B", "C", requires=("interpreter:ko",)),
    ],
    tables=1,
    host_tables={"H": "TH"},
    resources=(("interpreter:ko", 1),),
    max_breaks=0,
)


def check(*meetings: tuple[str, int, str]) -> tuple[str, ...]:
    schedule = Schedule(
        event_name=EV.name,
        meetings=tuple(Meeting(request_id=r, slot_idx=s, table_id=t) for r, s, t in meetings),
    )
    return check_schedule(EV, schedule).violations


def test_a_valid_schedule_passes_with_its_metrics() -> None:
    schedule = Schedule(
        event_name=EV.name,
        meetings=(
            Meeting(request_id="R1", slot_idx=0, table_id="T01"),
            Meeting(request_id="R4", slot_idx=1, table_id="TH"),
        ),
    )
    result = check_schedule(EV, schedule)
    assert result.ok
    assert result.metrics.as_dict() == {
        "meetings": 2,
        "weight": 4,
        "breaks": 0,
        "max_participant_breaks": 0,
        "participants_without_meeting": 1,  # C has requests but no meeting
    }


@pytest.mark.parametrize(
    ("meetings", "expected"),
    [
        ([("R1", 0, "T01"), ("R1", 1, "T01")], "R1: scheduled more than once"),
        ([("RX", 0, "T01")], "meeting RX: no such request"),
        ([("R1", 0, "T01"), ("R2", 0, "T01")], "A already meets in R1"),
        ([("R1", 3, "T01")], "A is not available"),
        ([("R1", 0, "T09")], "unknown table T09"),
        ([("R1", 0, "TH")], "table TH is reserved for H"),
        ([("R1", 0, "T01"), ("R4", 1, "T01")], "R4"),
        ([("R1", 0, "T01"), ("R4", 2, "TH")], "R4: fixed at"),
        ([("R4", 1, "TH")], "R1: required but not scheduled"),
        ([("R1", 0, "T01"), ("R3", 0, "T01")], "T01"),
        ([("R1", 1, "T01"), ("R2", 0, "T01"), ("R3", 0, "T01")], "must come after R2"),
        ([("R1", 0, "T01"), ("R2", 2, "T01"), ("R4", 1, "TH")], "max_breaks 0"),
        ([("R1", 0, "T01"), ("R2", 1, "T01")], "A: 2 meetings, max_meetings 1"),
    ],
)
def test_each_violation_is_reported(meetings: list[tuple[str, int, str]], expected: str) -> None:
    violations = check(*meetings)
    assert any(expected in v for v in violations), violations


def test_resource_capacity_violation() -> None:
    two = event(
        ["A", "B", "C", "D"],
        [
            request("R1", "A", "B", requires=("interpreter:ko",)),
            request("R2", "C", "D", requires=("interpreter:ko",)),
        ],
        resources=(("interpreter:ko", 1),),
        sessions=(session(slots=1),),
    )
    schedule = Schedule(
        event_name="x",
        meetings=(
            Meeting(request_id="R1", slot_idx=0, table_id="T01"),
            Meeting(request_id="R2", slot_idx=0, table_id="T02"),
        ),
    )
    assert any("interpreter:ko" in v for v in check_schedule(two, schedule).violations)


def test_breaks_count_maximal_gaps_inside_a_day_only() -> None:
    day = {at(0).date(): [at(i) for i in range(6)]}
    assert count_breaks([at(0), at(1)], day) == 0
    assert count_breaks([at(0), at(2)], day) == 1
    assert count_breaks([at(0), at(3)], day) == 1  # one run of two empty slots is one break
    assert count_breaks([at(0), at(2), at(5)], day) == 2
