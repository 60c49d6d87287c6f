"""Walk-in meetings: the earliest slots two people can still meet at, and booking one."""

from __future__ import annotations

import pytest

from scheduler.check import check_schedule
from scheduler.domain import Event, Meeting, Schedule
from scheduler.walkin import Blocked, WalkInError, book_walk_in, walk_in_slots
from tests.scheduler.factories import at, event, person, request, session, unavailable


def published(*meetings: tuple[str, int, str]) -> Schedule:
    return Schedule(
        event_name="test event",
        meetings=tuple(Meeting(request_id=r, slot_idx=s, table_id=t) for r, s, t in meetings),
    )


def day(**kwargs: object) -> Event:
    """A meets B at slot 0 at T01; C, D and E are free all morning (4 slots)."""
    return event(["A", "B", "C", "D", "E"], [request("R1", "A", "B")], **kwargs)  # type: ignore[arg-type]


def starts(ev: Event, schedule: Schedule, a: str, b: str, **kwargs: object) -> list[int]:
    proposal = walk_in_slots(ev, schedule, a, b, **kwargs)  # type: ignore[arg-type]
    return [s.slot_idx for s in proposal.slots]


def test_the_earliest_slots_skip_those_where_one_of_them_meets() -> None:
    ev = day()
    assert starts(ev, published(("R1", 0, "T01")), "A", "C", limit=2) == [1, 2]


def test_slots_before_not_before_are_not_proposed() -> None:
    ev = day()
    assert starts(ev, published(("R1", 0, "T01")), "C", "D", not_before=at(2)) == [2, 3]


def test_a_slot_one_of_them_does_not_attend_is_not_proposed() -> None:
    ev = event(["A", person("C", unavailable=unavailable(0, 1))], [])
    assert starts(ev, published(), "A", "C") == [2, 3]


def test_a_free_pooled_table_is_given() -> None:
    ev = day(tables=2)
    proposal = walk_in_slots(ev, published(("R1", 0, "T01")), "C", "D", limit=1)
    assert [(s.slot_idx, s.table_id) for s in proposal.slots] == [(0, "T02")]


def test_a_host_meets_at_their_own_table() -> None:
    ev = day(host_tables={"C": "H-C"})
    proposal = walk_in_slots(ev, published(("R1", 0, "T01")), "C", "D", limit=1)
    assert proposal.slots[0].table_id == "H-C"


def test_a_slot_whose_pooled_tables_are_all_taken_is_skipped() -> None:
    """One pooled table: A and B hold it at slot 0, so C and D start at slot 1 on it."""
    ev = day(tables=1)
    proposal = walk_in_slots(ev, published(("R1", 0, "T01")), "C", "D", limit=1)
    assert [(s.slot_idx, s.table_id) for s in proposal.slots] == [(1, "T01")]


def test_a_slot_where_one_is_unavailable_is_skipped_and_later_ones_follow() -> None:
    ev = event(["A", "B", person("C", unavailable=unavailable(1, 1))], [])
    assert starts(ev, published(), "A", "C") == [0, 2, 3]


def test_proposals_come_earliest_first_and_stop_at_the_limit() -> None:
    ev = day()
    assert starts(ev, published(("R1", 2, "T01")), "A", "C", limit=3) == [0, 1, 3]


def test_none_left_after_the_last_slot_says_so() -> None:
    ev = day()
    later = at(4)  # the morning's four slots are over
    proposal = walk_in_slots(ev, published(), "C", "D", not_before=later)
    assert (proposal.slots, proposal.blocked) == ((), Blocked.NONE_LEFT)


def test_a_busy_partner_in_every_slot_left_leaves_nothing() -> None:
    ev = event(["A", "B", "C", "D"], [request("R1", "A", "B"), request("R2", "A", "D")])
    schedule = published(("R1", 2, "T01"), ("R2", 3, "T02"))
    proposal = walk_in_slots(ev, schedule, "C", "A", not_before=at(2))
    assert (proposal.slots, proposal.blocked) == ((), Blocked.BUSY)


def test_no_free_table_means_no_slot_and_says_why() -> None:
    ev = day(tables=1, sessions=(session(slots=1),))
    proposal = walk_in_slots(ev, published(("R1", 0, "T01")), "C", "D")
    assert (proposal.slots, proposal.reason, proposal.blocked) == (
        (),
        "every table is taken whenever both are free",
        Blocked.TABLES,
    )


def test_a_slot_without_a_free_interpreter_is_not_proposed() -> None:
    ev = event(
        ["A", "B", "C", "D"],
        [request("R1", "A", "B", requires=("interpreter:ko",))],
        resources=(("interpreter:ko", 1),),
    )
    schedule = published(("R1", 0, "T01"))
    assert starts(ev, schedule, "C", "D", requires=("interpreter:ko",), limit=1) == [1]


def test_a_slot_that_would_exceed_max_breaks_is_not_proposed() -> None:
    """A meets B at slot 0 with max_breaks 0: a walk-in for A must follow at slot 1."""
    ev = day(max_breaks=0)
    assert starts(ev, published(("R1", 0, "T01")), "A", "C") == [1]


def test_someone_at_max_meetings_gets_no_slot() -> None:
    ev = event([person("A", max_meetings=1), "B", "C"], [request("R1", "A", "B")])
    proposal = walk_in_slots(ev, published(("R1", 0, "T01")), "A", "C")
    assert (proposal.reason, proposal.blocked) == (
        "A already has max_meetings 1",
        Blocked.MAX_MEETINGS,
    )


def test_a_pair_that_already_meets_is_refused() -> None:
    ev = day()
    with pytest.raises(WalkInError, match="B and A already meet at 09:00"):
        walk_in_slots(ev, published(("R1", 0, "T01")), "B", "A")


def test_an_unknown_participant_is_refused() -> None:
    with pytest.raises(WalkInError, match='unknown participant "Z"'):
        walk_in_slots(day(), published(), "A", "Z")


def test_an_existing_request_for_the_pair_keeps_its_sessions() -> None:
    ev = event(
        ["A", "B"],
        [request("R1", "A", "B", sessions=("pm",))],
        sessions=(session("am", 2), session("pm", 2, start_slot=2)),
    )
    assert starts(ev, published(), "A", "B") == [2, 3]


def test_a_booked_walk_in_passes_the_independent_check() -> None:
    ev = day()
    schedule = published(("R1", 0, "T01"))
    proposal = walk_in_slots(ev, schedule, "A", "C")
    new_event, booked = book_walk_in(ev, schedule, proposal, proposal.slots[0].slot_idx)
    assert check_schedule(new_event, booked).ok


def test_a_booked_walk_in_adds_its_request_and_one_meeting() -> None:
    ev = day()
    schedule = published(("R1", 0, "T01"))
    proposal = walk_in_slots(ev, schedule, "A", "C", request_id="W1")
    new_event, booked = book_walk_in(ev, schedule, proposal, 1)
    assert (
        [r.id for r in new_event.requests],
        [(m.request_id, m.slot_idx) for m in booked.meetings],
    ) == (["R1", "W1"], [("R1", 0), ("W1", 1)])


def test_a_slot_that_was_not_proposed_cannot_be_booked() -> None:
    ev = day()
    schedule = published(("R1", 0, "T01"))
    proposal = walk_in_slots(ev, schedule, "A", "C")
    with pytest.raises(WalkInError, match="that slot was not proposed"):
        book_walk_in(ev, schedule, proposal, 0)
