"""The crafted variants of the JAIR instances (bench.variants): what each kind adds, drawn
the same way every time."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.paths import jair_dir
from bench.variants import load
from scheduler.check import check_schedule
from scheduler.domain import SolveStatus
from scheduler.dzn import read_dzn_file
from scheduler.solve import SolveParams, solve

pytestmark = pytest.mark.skipif(
    not (jair_dir() / "tic-12.original.dzn").exists(), reason="the JAIR instances are needed"
)


def test_a_variant_is_drawn_the_same_every_time() -> None:
    assert load("tic-13", "precedences-25") == load("tic-13", "precedences-25")


def test_fixed_40_fixes_two_meetings_in_five() -> None:
    event = load("tic-13", "fixed-40")
    assert sum(r.fixed is not None for r in event.requests) == round(0.4 * len(event.requests))


def test_no_participant_gets_two_fixed_meetings_in_one_slot() -> None:
    event = load("forum-14", "fixed-40")
    taken = Counter(
        (person, r.fixed) for r in event.requests if r.fixed is not None for person in r.pair
    )
    assert max(taken.values()) == 1


def test_no_meeting_is_fixed_where_one_of_its_participants_is_away() -> None:
    event = load("forum-14", "fixed-40")  # forum-14 has forbidden slots of its own
    people = event.participant_by_id()
    assert not [
        r.id
        for r in event.requests
        if r.fixed is not None
        for person in r.pair
        if any(u.start <= r.fixed < u.end for u in people[person].unavailable)
    ]


def test_precedences_join_meetings_of_one_participant() -> None:
    event = load("tic-13", "precedences-25")
    by_id = event.request_by_id()
    assert all(
        set(r.pair) & set(by_id[earlier].pair) for r in event.requests for earlier in r.after
    )


def test_forbidden_slots_cover_their_share_of_participant_slots() -> None:
    original = read_dzn_file(jair_dir() / "forum-14.original.dzn")
    event = load("forum-14", "forbidden-0.7")
    pairs = len(event.participants) * len(event.slots)
    added = sum(len(p.unavailable) for p in event.participants) - sum(
        len(p.unavailable) for p in original.participants
    )
    assert added == round(0.007 * pairs)


def test_a_feasible_variant_is_solved_to_a_checked_optimum() -> None:
    event = load("tic-12", "fixed-20")
    schedule = solve(event, SolveParams(time_limit=60, workers=1))
    assert schedule.stats is not None
    assert (schedule.stats.status, check_schedule(event, schedule).ok) == (
        SolveStatus.OPTIMAL,
        True,
    )
