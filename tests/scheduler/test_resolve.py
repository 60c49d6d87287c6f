"""The minimal-change re-solve on tiny events whose best answer is known."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scheduler.assignment import UNSCHEDULED
from scheduler.check import check_schedule
from scheduler.domain import (
    ChangeKind,
    Event,
    MeetingChange,
    Participant,
    PublishedMeeting,
    Schedule,
    SolveStatus,
    Table,
)
from scheduler.formats import FormatError
from scheduler.incumbent import Phase
from scheduler.phases.resolving import ResolveIncumbent
from scheduler.problem import compile_event
from scheduler.published import compile_published
from scheduler.resolve import published_meetings, resolve
from tests.scheduler.factories import (
    EXACT,
    at,
    event,
    person,
    request,
    session,
    unavailable,
)


def published(
    *meetings: tuple[str, int, str], pairs: Event | None = None
) -> list[PublishedMeeting]:
    """Published meetings as (request id, slot, table); with `pairs`, who met is known."""
    requests = pairs.request_by_id() if pairs is not None else {}
    return [
        PublishedMeeting(
            request_id=rid,
            start=at(slot),
            table_id=table,
            participants=requests[rid].pair if rid in requests else None,
        )
        for rid, slot, table in meetings
    ]


def resolved(ev: Event, meetings: list[PublishedMeeting]) -> Schedule:
    schedule = resolve(ev, meetings, EXACT)
    result = check_schedule(ev, schedule)
    assert result.ok, result.violations
    return schedule


def where(schedule: Schedule, request_id: str) -> tuple[int, str] | None:
    return next(
        ((m.slot_idx, m.table_id) for m in schedule.meetings if m.request_id == request_id), None
    )


def change(schedule: Schedule, request_id: str) -> MeetingChange:
    return next(c for c in schedule.changes if c.request_id == request_id)


def two_pairs() -> Event:
    """A-B and C-D, four slots, two pooled tables."""
    return event(
        ["A", "B", "C", "D"],
        [request("R1", "A", "B"), request("R2", "C", "D")],
        tables=2,
    )


def test_an_unchanged_event_keeps_every_meeting_at_its_slot_and_table() -> None:
    ev = two_pairs()
    schedule = resolved(ev, published(("R1", 2, "T02"), ("R2", 0, "T01")))
    assert (where(schedule, "R1"), where(schedule, "R2")) == ((2, "T02"), (0, "T01"))


def test_an_unchanged_event_reports_everything_kept() -> None:
    ev = two_pairs()
    stats = resolved(ev, published(("R1", 2, "T02"), ("R2", 0, "T01"))).stats
    assert stats is not None
    assert (stats.kept, stats.moved, stats.dropped, stats.added) == (2, 0, 0, 0)


def test_a_meeting_that_still_fits_is_not_moved_to_save_a_break() -> None:
    """A meets B at slot 0 and C at slot 3: one break a plain solve would remove."""
    ev = event(
        ["A", "B", "C", "D", "E"],
        [request("R1", "A", "B"), request("R2", "A", "C"), request("R3", "D", "E")],
    )
    meetings = published(("R1", 0, "T01"), ("R2", 3, "T01"), ("R3", 1, "T02"))
    changed = replace(ev, requests=ev.requests[:2])  # D-E withdrawn: nothing A does changes
    schedule = resolved(changed, meetings)
    assert (where(schedule, "R1"), where(schedule, "R2")) == ((0, "T01"), (3, "T01"))


def test_a_meeting_whose_participant_became_unavailable_moves_and_says_why() -> None:
    ev = two_pairs()
    late = replace(
        ev, participants=(person("A", unavailable=unavailable(0, 1)), *ev.participants[1:])
    )
    schedule = resolved(late, published(("R1", 0, "T01"), ("R2", 0, "T02")))
    moved = change(schedule, "R1")
    assert (moved.kind, moved.reason) == (ChangeKind.MOVED, "A is no longer available at 09:00")


def test_a_moved_meeting_goes_to_the_slot_both_still_have_free() -> None:
    ev = event(
        ["A", "B", "C", "D"],
        [request("R1", "A", "B"), request("R2", "C", "D")],
        sessions=(session(slots=3),),
        tables=2,
    )
    late = replace(
        ev, participants=(person("A", unavailable=unavailable(0, 1)), *ev.participants[1:])
    )
    schedule = resolved(late, published(("R1", 0, "T01"), ("R2", 0, "T02")))
    assert where(schedule, "R1") == (2, "T01")


def test_a_withdrawn_request_is_dropped_and_its_slot_refilled() -> None:
    """A meets B at the only slot; A-C was left out. With A-B withdrawn, A-C takes it."""
    ev = event(
        ["A", "B", "C"],
        [request("R1", "A", "B", priority=3), request("R2", "A", "C")],
        sessions=(session(slots=1),),
    )
    changed = replace(ev, requests=(ev.requests[1],))
    schedule = resolved(changed, published(("R1", 0, "T01"), pairs=ev))
    assert [(c.request_id, c.kind) for c in schedule.changes] == [
        ("R1", ChangeKind.DROPPED),
        ("R2", ChangeKind.ADDED),
    ]


def test_a_dropped_meeting_of_a_participant_who_left_says_so() -> None:
    ev = two_pairs()
    gone = replace(ev, participants=ev.participants[1:], requests=ev.requests[1:])
    schedule = resolved(gone, published(("R1", 0, "T01"), ("R2", 0, "T02"), pairs=ev))
    assert change(schedule, "R1").reason == "A no longer takes part"


def test_a_table_fewer_moves_the_meeting_at_the_gone_table_in_time() -> None:
    """Both tables are taken at slot 0; T02 goes: its meeting moves, T01's stays."""
    ev = two_pairs()
    fewer = replace(ev, tables=(Table(id="T01"),))
    schedule = resolved(fewer, published(("R1", 0, "T01"), ("R2", 0, "T02")))
    assert where(schedule, "R1") == (0, "T01") and change(schedule, "R2").reason == (
        "the event now has 1 pooled table, fewer than the 2 meetings published at 09:00"
    )


def test_a_gone_table_with_room_left_keeps_the_meeting_at_its_slot() -> None:
    ev = event(["A", "B", "C", "D"], [request("R1", "A", "B"), request("R2", "C", "D")], tables=3)
    fewer = replace(ev, tables=tuple(t for t in ev.tables if t.id != "T02"))
    schedule = resolved(fewer, published(("R1", 0, "T01"), ("R2", 0, "T02")))
    assert where(schedule, "R2") == (0, "T03")


def test_a_meeting_at_a_gone_table_counts_as_moved_with_the_reason() -> None:
    ev = event(["A", "B", "C", "D"], [request("R1", "A", "B"), request("R2", "C", "D")], tables=3)
    fewer = replace(ev, tables=tuple(t for t in ev.tables if t.id != "T02"))
    schedule = resolved(fewer, published(("R1", 0, "T01"), ("R2", 0, "T02")))
    moved = change(schedule, "R2")
    assert (moved.kind, moved.reason) == (ChangeKind.MOVED, "table T02 is no longer in the event")


def test_an_interpreter_fewer_moves_one_of_the_meetings_that_need_one() -> None:
    ev = event(
        ["A", "B", "C", "D"],
        [
            request("R1", "A", "B", requires=("interpreter:ko",)),
            request("R2", "C", "D", requires=("interpreter:ko",)),
        ],
        resources=(("interpreter:ko", 2),),
    )
    fewer = replace(ev, resources=(("interpreter:ko", 1),))
    schedule = resolved(fewer, published(("R1", 0, "T01"), ("R2", 0, "T02")))
    stats = schedule.stats
    assert stats is not None and (stats.kept, stats.moved) == (1, 1)


def test_a_published_time_that_is_no_longer_a_slot_moves_the_meeting() -> None:
    ev = two_pairs()
    shorter = replace(ev, sessions=(session(slots=3),))
    schedule = resolved(shorter, published(("R1", 3, "T01"), ("R2", 0, "T01")))
    assert change(schedule, "R1").reason == "10:00 is no longer a slot of the event"


def test_a_published_meeting_that_must_move_is_held_before_a_new_one_of_equal_weight() -> None:
    """A-B loses slot 0; slot 1 is the only other slot A and B share, and the new A-C
    (same weight) could take it too: the published meeting gets it."""
    ev = event(
        ["A", person("B", available=("s0", "s1")), person("C", available=("s1",))],
        [request("R1", "A", "B")],
        sessions=(session("s0", 1), session("s1", 1, start_slot=1)),
    )
    changed = replace(
        ev,
        participants=(person("A", unavailable=unavailable(0, 0)), *ev.participants[1:]),
        requests=(*ev.requests, request("R2", "A", "C")),
    )
    schedule = resolved(changed, published(("R1", 0, "T01")))
    assert where(schedule, "R1") == (1, "T01")


def test_a_new_required_meeting_moves_a_published_one_when_it_must() -> None:
    """C can only meet A at slot 0, where A met B: A-B moves to slot 1."""
    ev = event(
        ["A", "B", person("C", available=("s0",))],
        [request("R1", "A", "B")],
        sessions=(session("s0", 1), session("s1", 1, start_slot=1)),
    )
    changed = replace(ev, requests=(*ev.requests, request("R2", "A", "C", required=True)))
    schedule = resolved(changed, published(("R1", 0, "T01")))
    assert (where(schedule, "R1"), where(schedule, "R2")) == ((1, "T01"), (0, "T01"))


def test_a_published_meeting_moved_for_a_required_one_says_so() -> None:
    ev = event(
        ["A", "B", person("C", available=("s0",))],
        [request("R1", "A", "B")],
        sessions=(session("s0", 1), session("s1", 1, start_slot=1)),
    )
    changed = replace(ev, requests=(*ev.requests, request("R2", "A", "C", required=True)))
    schedule = resolved(changed, published(("R1", 0, "T01")))
    assert change(schedule, "R1").reason == "it made room for a required meeting of A"


def test_required_meetings_that_cannot_all_be_held_make_the_resolve_infeasible() -> None:
    ev = event(
        ["A", person("B", available=("s0",)), person("C", available=("s0",))],
        [request("R1", "A", "B", required=True)],
        sessions=(session("s0", 1), session("s1", 1, start_slot=1)),
    )
    changed = replace(ev, requests=(*ev.requests, request("R2", "A", "C", required=True)))
    stats = resolve(changed, published(("R1", 0, "T01")), EXACT).stats
    assert stats is not None and stats.status is SolveStatus.INFEASIBLE


def test_max_breaks_after_a_drop_moves_a_meeting_to_close_the_gap() -> None:
    """A meets B, C, D at slots 0, 1, 2 with max_breaks 0 (B only at slot 0); C leaves:
    D moves to slot 1."""
    ev = event(
        ["A", person("B", unavailable=unavailable(1, 2)), "C", "D"],
        [request("R1", "A", "B"), request("R2", "A", "C"), request("R3", "A", "D")],
        sessions=(session(slots=3),),
        max_breaks=0,
    )
    gone = replace(
        ev,
        participants=tuple(x for x in ev.participants if x.id != "C"),
        requests=(ev.requests[0], ev.requests[2]),
    )
    schedule = resolved(gone, published(("R1", 0, "T01"), ("R2", 1, "T01"), ("R3", 2, "T01")))
    assert where(schedule, "R3") == (1, "T01")


def test_a_meeting_moved_for_max_breaks_says_so() -> None:
    ev = event(
        ["A", person("B", unavailable=unavailable(1, 2)), "C", "D"],
        [request("R1", "A", "B"), request("R2", "A", "C"), request("R3", "A", "D")],
        sessions=(session(slots=3),),
        max_breaks=0,
    )
    gone = replace(
        ev,
        participants=tuple(x for x in ev.participants if x.id != "C"),
        requests=(ev.requests[0], ev.requests[2]),
    )
    schedule = resolved(gone, published(("R1", 0, "T01"), ("R2", 1, "T01"), ("R3", 2, "T01")))
    assert change(schedule, "R3").reason == (
        "A would have more than max_breaks 0 with every meeting that fits at its published slot"
    )


def test_an_interpreter_fewer_says_how_many_it_now_serves() -> None:
    ev = event(
        ["A", "B", "C", "D"],
        [
            request("R1", "A", "B", requires=("interpreter:ko",)),
            request("R2", "C", "D", requires=("interpreter:ko",)),
        ],
        resources=(("interpreter:ko", 2),),
    )
    fewer = replace(ev, resources=(("interpreter:ko", 1),))
    schedule = resolved(fewer, published(("R1", 0, "T01"), ("R2", 0, "T02")))
    (moved,) = [c for c in schedule.changes if c.kind is ChangeKind.MOVED]
    assert (
        moved.reason == "interpreter:ko now serves 1 meeting at a time, 2 were published at 09:00"
    )


def test_a_request_placed_twice_in_the_published_schedule_is_refused() -> None:
    ev = two_pairs()
    with pytest.raises(FormatError, match='request "R1" is placed more than once'):
        resolve(ev, published(("R1", 0, "T01"), ("R1", 1, "T01")), EXACT)


def test_published_meetings_read_a_schedule_against_its_own_event() -> None:
    ev = two_pairs()
    schedule = resolve(ev, published(("R1", 1, "T02")), EXACT)
    assert [
        (m.request_id, m.start, m.participants)
        for m in published_meetings(schedule, ev)
        if m.request_id == "R1"
    ] == [("R1", at(1), ("A", "B"))]


def test_a_resolve_that_moves_nothing_is_proven_optimal() -> None:
    ev = two_pairs()
    stats = resolved(ev, published(("R1", 0, "T01"), ("R2", 0, "T02"))).stats
    assert stats is not None and stats.status is SolveStatus.OPTIMAL


def test_the_resolve_incumbent_prefers_keeping_to_weight() -> None:
    """Keeping the published A-B beats holding the heavier A-C in its place."""
    ev = event(
        ["A", "B", "C"],
        [request("R1", "A", "B", priority=1), request("R2", "A", "C", priority=3)],
        sessions=(session(slots=1),),
    )
    problem = compile_event(ev)
    baseline = compile_published(problem, published(("R1", 0, "T01")))
    incumbent = ResolveIncumbent(baseline, lambda _: None, 0.0)
    incumbent.offer([0, UNSCHEDULED], Phase.REFILL)
    assert not incumbent.offer([UNSCHEDULED, 0], Phase.REFILL)


def resolved_from(ev: Event, meetings: list[PublishedMeeting], slot: int) -> Schedule:
    """The re-solve at the start of `slot`: the slots before it are history."""
    schedule = resolve(ev, meetings, EXACT, not_before=at(slot))
    result = check_schedule(ev, schedule)
    assert result.ok, result.violations
    return schedule


def test_a_meeting_that_must_move_goes_to_a_slot_still_to_come() -> None:
    """A is away in slot 2 from now on (slot 2); slots 0 and 1 are free but over."""
    ev = two_pairs()
    away = replace(
        ev, participants=(person("A", unavailable=unavailable(2, 2)), *ev.participants[1:])
    )
    schedule = resolved_from(away, published(("R1", 2, "T01"), ("R2", 3, "T02")), 2)
    assert where(schedule, "R1") == (3, "T01")


def test_no_meeting_is_added_in_a_slot_that_has_started() -> None:
    """A meets B at slot 1; A-C, never placed, fits best at slot 0 (C is away in slot 2),
    but at slot 2 slots 0 and 1 are over: it goes to slot 3, a break for A."""
    people: list[Participant | str] = ["A", "B", person("C", unavailable=unavailable(2, 2))]
    ev = event(people, [request("R1", "A", "B"), request("R2", "A", "C")], tables=1)
    schedule = resolved_from(ev, published(("R1", 1, "T01")), 2)
    assert (where(schedule, "R1"), where(schedule, "R2")) == ((1, "T01"), (3, "T01"))


def test_the_meetings_held_before_now_stay_and_count_as_kept() -> None:
    ev = two_pairs()
    schedule = resolved_from(ev, published(("R1", 0, "T01"), ("R2", 3, "T02")), 2)
    stats = schedule.stats
    assert stats is not None
    assert (where(schedule, "R1"), stats.kept, stats.meetings, stats.weight) == (
        (0, "T01"),
        2,
        2,
        sum(r.weight for r in ev.requests),
    )
