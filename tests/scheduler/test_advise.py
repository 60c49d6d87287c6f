"""scheduler.advise: the LP estimates, the measured gains, and what is shown."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scheduler.advice.candidates import Current, propose
from scheduler.advice.changes import MoreMeetings, MoreTables, SecondDelegate
from scheduler.advice.measure import placed_of, project
from scheduler.advice.relaxation import Edit, Move, Raise, RelaxationLP
from scheduler.advise import Advice, AdviceError, AdviceParams, advise
from scheduler.bounds import MAX_MEETINGS, RESOURCE, TABLES, weight_upper_bound
from scheduler.domain import Event
from scheduler.greedy import packing_greedy
from scheduler.problem import compile_event
from scheduler.sample import SampleSpec, generate_event
from tests.scheduler.bottlenecks import KO, bottleneck_event
from tests.scheduler.factories import event, person, request, solved

# One worker and a fixed seed: the bottleneck event solves to a proven optimum every time.
PARAMS = AdviceParams(time_limit=20, workers=1, seed=0, top=5)


@pytest.fixture(scope="module")
def advice() -> Advice:
    return advise(bottleneck_event(), PARAMS)


def test_an_edited_lp_is_the_lp_of_the_changed_event() -> None:
    ev = bottleneck_event()
    problem = compile_event(ev)
    lp = RelaxationLP(problem)
    ko = problem.resource_names.index(KO)
    o1 = problem.participant_ids.index("O1-1")
    moved = ("R27", "R28", "R29", "R30")
    delegate = SecondDelegate(participant="O1-1", delegate="O1-2", requests=moved, table="T05")
    cases: list[tuple[Edit, Event]] = [
        (Raise(lp.rows(RESOURCE, ko), 1), replace(ev, resources=((KO, 2),))),
        (Raise(lp.rows(TABLES, -1), 2), MoreTables(table_ids=("T05", "T06"), was=1).apply(ev)),
        (Move(o1, tuple(r.idx for r in problem.requests if r.id in moved)), delegate.apply(ev)),
    ]
    for edit, changed in cases:
        expected = weight_upper_bound(compile_event(changed)).lp_value
        assert lp.value_with([edit]) == pytest.approx(expected), edit


def test_a_raised_max_meetings_in_the_lp_is_the_changed_events_lp() -> None:
    ev = generate_event(SampleSpec(buyers=8, suppliers=30, seed=2))
    problem = compile_event(ev)
    lp = RelaxationLP(problem)
    capped = next(p for p in ev.participants if p.max_meetings is not None)
    assert capped.max_meetings is not None
    who = problem.participant_ids.index(capped.id)
    change = MoreMeetings(participant=capped.id, max_meetings=capped.max_meetings + 3, was=0)
    expected = weight_upper_bound(compile_event(change.apply(ev))).lp_value
    assert lp.value_with([Raise(((MAX_MEETINGS, who, -1),), 3)]) == pytest.approx(expected)


def test_the_lp_is_unchanged_after_an_edit_is_undone() -> None:
    problem = compile_event(bottleneck_event())
    lp = RelaxationLP(problem)
    o1 = problem.participant_ids.index("O1-1")
    lp.value_with([Move(o1, tuple(problem.requests_of[o1]))])
    assert lp.value_with([]) == pytest.approx(lp.value)


def test_a_change_that_cannot_raise_the_lp_is_not_a_candidate() -> None:
    ev = bottleneck_event()
    problem = compile_event(ev)
    slot_of = packing_greedy(problem)
    weight = sum(r.weight for r in problem.requests if slot_of[r.idx] != -1)
    lp = RelaxationLP(problem)
    found = propose(ev, problem, lp, Current(slot_of, weight), participants=5)
    # The Korean and pooled buyers also have requests left out, but a delegate of theirs
    # would still need the interpreter or the pooled table.
    delegates = {c.change.participant for c in found if isinstance(c.change, SecondDelegate)}
    assert delegates == {"O1-1"}


def test_a_changed_schedule_cut_back_to_the_event_keeps_only_what_fits_it() -> None:
    ev = bottleneck_event()
    changed = MoreTables(table_ids=("T05",), was=1).apply(ev)
    schedule = solved(changed)
    pooled = {r.id for r in ev.requests if r.to_id.startswith("P")}
    assert len({m.request_id for m in schedule.meetings} & pooled) == 12
    cut = project(compile_event(ev), placed_of(changed, schedule))
    assert cut is not None
    assert len(set(cut.placed) & pooled) == 6  # one pooled table: 6 slots


def test_advice_names_the_scarce_interpreter_the_table_shortage_and_the_busy_buyer(
    advice: Advice,
) -> None:
    named = {(s.kind, _subject(s.change.to_json())) for s in advice.suggestions}
    assert {("interpreter", KO), ("tables", None), ("delegate", "O1-1")} <= named


def test_each_written_event_solves_to_at_least_the_printed_gain(advice: Advice) -> None:
    base = solved(bottleneck_event()).stats
    assert base is not None
    for suggestion in advice.suggestions:
        changed = solved(suggestion.event).stats
        assert changed is not None
        assert changed.weight - base.weight >= suggestion.gain_weight > 0, suggestion.what


def test_gains_are_proven_when_both_events_are_solved_to_optimality(advice: Advice) -> None:
    proven = [(s.gain_weight_at_least, s.gain_weight_at_most) for s in advice.suggestions]
    assert proven == [(s.gain_weight, s.gain_weight) for s in advice.suggestions]


def test_suggestions_come_best_first(advice: Advice) -> None:
    gains = [s.gain_weight for s in advice.suggestions]
    assert gains == sorted(gains, reverse=True)


def test_an_event_with_nothing_left_out_gets_no_suggestion() -> None:
    ev = event(["A", "B", "C"], [request("R1", "A", "B"), request("R2", "A", "C")])
    assert advise(ev, PARAMS).suggestions == ()


def test_an_event_whose_required_meetings_cannot_all_be_held_is_refused() -> None:
    ev = event(
        [person("A", max_meetings=1), "B", "C"],
        [request("R1", "A", "B", required=True), request("R2", "A", "C", required=True)],
    )
    with pytest.raises(AdviceError, match="no schedule to improve on"):
        advise(ev, PARAMS)


def test_a_cancelled_advice_returns_what_it_verified() -> None:
    result = advise(bottleneck_event(), PARAMS, should_stop=lambda: True)
    assert result.stopped and result.verified == 0


def _subject(change: dict[str, object]) -> object:
    return change.get("resource", change.get("participant", change.get("session")))
