"""Each hard rule and objective level of formats.md, solved exactly and checked independently."""

from __future__ import annotations

from scheduler.domain import Participant, SolveStatus
from tests.scheduler.factories import (
    at,
    event,
    person,
    request,
    scheduled,
    session,
    slot_of,
    solved,
    unavailable,
)


def test_availability_by_session_is_respected() -> None:
    sessions = (session("am", 2), session("pm", 2, start_slot=10))
    ev = event(
        [person("A", available=("pm",)), "B"],
        [request("R1", "A", "B")],
        sessions=sessions,
    )
    schedule = solved(ev)
    assert ev.slots[slot_of(schedule, "R1") or 0].session_id == "pm"


def test_unavailable_ranges_exclude_overlapping_slots() -> None:
    ev = event([person("A", unavailable=unavailable(0, 2)), "B"], [request("R1", "A", "B")])
    assert slot_of(solved(ev), "R1") == 3


def test_one_meeting_per_participant_and_slot() -> None:
    # A has two requests and only one slot: one of them must stay out.
    ev = event(
        ["A", "B", "C"],
        [request("R1", "A", "B"), request("R2", "A", "C")],
        sessions=(session(slots=1),),
    )
    schedule = solved(ev)
    assert len(schedule.meetings) == 1
    assert len(schedule.unscheduled) == 1


def test_meetings_fill_different_slots_when_possible() -> None:
    ev = event(["A", "B", "C"], [request("R1", "A", "B"), request("R2", "A", "C")])
    schedule = solved(ev)
    assert scheduled(schedule) == {"R1", "R2"}
    assert slot_of(schedule, "R1") != slot_of(schedule, "R2")


def test_pooled_tables_cap_meetings_per_slot() -> None:
    people = ["A", "B", "C", "D"]
    ev = event(
        people,
        [request("R1", "A", "B"), request("R2", "C", "D")],
        sessions=(session(slots=1),),
        tables=1,
    )
    assert len(solved(ev).meetings) == 1


def test_host_tables_hold_their_hosts_meetings_and_no_others() -> None:
    ev = event(
        ["H", "A", "B", "C"],
        [request("R1", "H", "A"), request("R2", "B", "C")],
        sessions=(session(slots=1),),
        tables=1,
        host_tables={"H": "TH"},
    )
    schedule = solved(ev)
    tables = {m.request_id: m.table_id for m in schedule.meetings}
    assert tables == {"R1": "TH", "R2": "T01"}


def test_two_hosts_cannot_meet() -> None:
    ev = event(
        ["H1", "H2"],
        [request("R1", "H1", "H2")],
        host_tables={"H1": "TA", "H2": "TB"},
    )
    schedule = solved(ev)
    assert not schedule.meetings
    assert "both host a table" in schedule.unscheduled[0].reason


def test_resources_capacity_per_slot() -> None:
    ev = event(
        ["A", "B", "C", "D"],
        [
            request("R1", "A", "B", requires=("interpreter:ko",)),
            request("R2", "C", "D", requires=("interpreter:ko",)),
        ],
        sessions=(session(slots=2),),
        resources=(("interpreter:ko", 1),),
    )
    schedule = solved(ev)
    assert scheduled(schedule) == {"R1", "R2"}
    assert slot_of(schedule, "R1") != slot_of(schedule, "R2")


def test_max_meetings() -> None:
    ev = event(
        [person("A", max_meetings=1), "B", "C"],
        [request("R1", "A", "B", priority=1), request("R2", "A", "C", priority=3)],
    )
    schedule = solved(ev)
    assert scheduled(schedule) == {"R2"}
    assert "reached max_meetings 1" in schedule.unscheduled[0].reason


def test_priority_decides_which_meeting_is_held() -> None:
    ev = event(
        ["A", "B", "C"],
        [request("R1", "A", "B", priority=1), request("R2", "A", "C", priority=3)],
        sessions=(session(slots=1),),
    )
    schedule = solved(ev)
    assert scheduled(schedule) == {"R2"}
    assert schedule.stats is not None
    assert schedule.stats.weight == 4
    assert schedule.stats.weight_bound == 4
    assert schedule.unscheduled[0].reason == (
        "A and B share 1 slot; A is busy in each, all holding priority-3 meetings"
    )


def test_required_meeting_is_held_even_at_a_cost() -> None:
    ev = event(
        ["A", "B", "C"],
        [request("R1", "A", "B", priority=3), request("R2", "A", "C", priority=1, required=True)],
        sessions=(session(slots=1),),
    )
    assert scheduled(solved(ev)) == {"R2"}


def test_impossible_required_meeting_is_an_infeasible_status_with_a_reason() -> None:
    ev = event(
        [person("A", available=()), "B"],
        [request("R1", "A", "B", required=True)],
    )
    from scheduler.solve import solve

    schedule = solve(ev)
    assert schedule.stats is not None
    assert schedule.stats.status is SolveStatus.INFEASIBLE
    assert "R1" in (schedule.stats.message or "")
    assert "A is not available in any slot" in schedule.unscheduled[0].reason


def test_sessions_restriction() -> None:
    sessions = (session("am", 2), session("pm", 2, start_slot=10))
    ev = event(["A", "B"], [request("R1", "A", "B", sessions=("pm",))], sessions=sessions)
    schedule = solved(ev)
    assert ev.slots[slot_of(schedule, "R1") or 0].session_id == "pm"


def test_fixed_meeting_is_held_at_its_slot() -> None:
    ev = event(["A", "B"], [request("R1", "A", "B", fixed=at(2))])
    assert slot_of(solved(ev), "R1") == 2


def test_after_orders_meetings() -> None:
    ev = event(
        ["A", "B", "C"],
        [request("R1", "A", "B", after=("R2",)), request("R2", "A", "C")],
        sessions=(session(slots=2),),
    )
    schedule = solved(ev)
    assert (slot_of(schedule, "R2"), slot_of(schedule, "R1")) == (0, 1)


def test_breaks_are_minimised_and_bounded() -> None:
    # B is unavailable in slot 1; A meets B and C. Putting both A's meetings
    # next to each other avoids a break for A.
    ev = event(
        ["A", person("B", unavailable=unavailable(1, 1)), "C", "D"],
        [request("R1", "A", "B"), request("R2", "A", "C"), request("R3", "C", "D")],
    )
    schedule = solved(ev)
    assert schedule.stats is not None
    assert schedule.stats.breaks == 0
    assert schedule.stats.breaks_bound == 0
    assert schedule.stats.status is SolveStatus.OPTIMAL


def test_unavoidable_break_is_counted_and_proven() -> None:
    # A must meet B at slot 0 and C at slot 2: one break, and the bound says so.
    ev = event(
        ["A", "B", "C"],
        [request("R1", "A", "B", fixed=at(0)), request("R2", "A", "C", fixed=at(2))],
    )
    schedule = solved(ev)
    assert schedule.stats is not None
    assert (schedule.stats.breaks, schedule.stats.breaks_bound) == (1, 1)


def test_max_breaks_is_hard() -> None:
    # Without the cap, weight 3 is reachable only with a break for A.
    people: list[Participant | str] = [
        "A",
        person("B", available=("s0",)),
        person("C", available=("s2",)),
        "D",
    ]
    sessions = (session("s0", 1), session("s1", 1, start_slot=1), session("s2", 1, start_slot=2))
    requests = [request("R1", "A", "B", priority=1), request("R2", "A", "C", priority=1)]
    free = solved(event(people, requests, sessions=sessions))
    assert len(free.meetings) == 2
    capped = solved(event(people, requests, sessions=sessions, max_breaks=0))
    assert len(capped.meetings) == 1
    assert "more than 0 breaks" in capped.unscheduled[0].reason


def test_idle_participants_are_avoided_at_equal_weight_and_breaks() -> None:
    # A can meet B or C (same weight) in the only slot; C has no other request, B has D.
    ev = event(
        ["A", "B", "C", "D"],
        [request("R1", "A", "B"), request("R2", "A", "C"), request("R3", "B", "D")],
        sessions=(session(slots=1),),
    )
    schedule = solved(ev)
    assert scheduled(schedule) == {"R2", "R3"}
    assert schedule.stats is not None
    assert schedule.stats.participants_without_meeting == 0
