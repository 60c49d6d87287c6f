"""The solver's reasons and the checker's violations, read back into message codes: each
sentence below is one branch of scheduler/explain.py or scheduler/check.py, word for word."""

from __future__ import annotations

from datetime import datetime

import pytest

from scheduler import domain
from scheduler.check import check_schedule
from web.usecases import reasons
from web.usecases.errors import Msg

REASONS = [
    ("B1-1 reached max_meetings 8", Msg("reason.max_meetings", who="B1-1", n="8")),
    ("B1-1 accepts no meetings (max_meetings 0)", Msg("reason.no_meetings", who="B1-1")),
    (
        "B1-1 and S1-1 both host a table, so there is no table for them to meet at",
        Msg("reason.both_host", a="B1-1", b="S1-1"),
    ),
    (
        "the event has no interpreter:ko",
        Msg("reason.no_resource", resource=Msg("resource.interpreter", language="ko")),
    ),
    ("the event has no projector", Msg("reason.no_resource", resource="projector")),
    ("there is no pooled table for meetings without a host", Msg("reason.no_pooled_table")),
    ("S1-1 is not available in any slot", Msg("reason.never_available", who="S1-1")),
    (
        "B1-1 and S1-1 are never available at the same time",
        Msg("reason.never_together", a="B1-1", b="S1-1"),
    ),
    (
        "B1-1 and S1-1 are never both available in session d1-am, d1-pm",
        Msg("reason.never_in_session", a="B1-1", b="S1-1", sessions="d1-am, d1-pm"),
    ),
    (
        "fixed at 09:30, when B1-1 or S1-1 is not available",
        Msg("reason.fixed_unavailable", time="09:30", a="B1-1", b="S1-1"),
    ),
    ("no slot fits this request", Msg("reason.no_slot")),
    (
        "B1-1 and S1-1 share 3 slots; B1-1 is busy in each, all holding priority-3 meetings",
        Msg("reason.busy_priority", a="B1-1", b="S1-1", n="3", who="B1-1", p="3"),
    ),
    (
        "B1-1 and S1-1 share 1 slot; S1-1 is busy in each, all holding priority 2 or higher "
        "meetings",
        Msg("reason.busy_priority_from", a="B1-1", b="S1-1", n="1", who="S1-1", p="2"),
    ),
    (
        "B1-1 and S1-1 share 2 slots; B1-1 or S1-1 is busy in each, all holding other meetings "
        "worth more in total",
        Msg(
            "reason.busy_worth_more",
            a="B1-1",
            b="S1-1",
            n="2",
            who=Msg("reason.one_of", a="B1-1", b="S1-1"),
        ),
    ),
    (
        "no interpreter:ja free in any slot B1-1 and S1-1 share",
        Msg(
            "reason.resource_taken",
            resource=Msg("resource.interpreter", language="ja"),
            a="B1-1",
            b="S1-1",
        ),
    ),
    (
        "every pooled table is taken in the slots B1-1 and S1-1 share",
        Msg("reason.pooled_taken", a="B1-1", b="S1-1"),
    ),
    (
        "it must come after R00004, which is held later",
        Msg("reason.after", request="R00004"),
    ),
    (
        "holding it in a slot both have free would give B1-1 or S1-1 more than 2 breaks",
        Msg("reason.breaks", a="B1-1", b="S1-1", n="2"),
    ),
    (
        "B1-1 and S1-1 have a free slot in common, but the search found no way to add this "
        "meeting without losing more elsewhere within the time limit",
        Msg("reason.search", a="B1-1", b="S1-1"),
    ),
    ("a reason written elsewhere", Msg("reason.other", text="a reason written elsewhere")),
]


@pytest.mark.parametrize(("sentence", "message"), REASONS, ids=[m.code for _s, m in REASONS])
def test_a_reason_of_the_solver_is_read_as_its_message(sentence: str, message: Msg) -> None:
    assert reasons.reason(sentence) == message


VIOLATIONS = [
    ("meeting R9: no such request", Msg("violation.no_request", request="R9")),
    ("R1: scheduled more than once", Msg("violation.twice", request="R1")),
    ("R1: not in a slot of the event", Msg("violation.no_slot", request="R1")),
    (
        "R1: 2026-11-19T08:35 is not the start of a slot",
        Msg("violation.not_slot_start", request="R1", when="2026-11-19 08:35"),
    ),
    (
        "R1: B1-1 already meets in R2 at 2026-11-19T08:30",
        Msg("violation.busy", request="R1", who="B1-1", other="R2", when="2026-11-19 08:30"),
    ),
    (
        "R1: B1-1 is not available at 2026-11-19T08:30",
        Msg("violation.unavailable", request="R1", who="B1-1", when="2026-11-19 08:30"),
    ),
    (
        "R1: held in session d1-am, allowed d1-pm",
        Msg("violation.session", request="R1", session="d1-am", sessions="d1-pm"),
    ),
    (
        "R1: fixed at 2026-11-19T08:30, held at 2026-11-19T09:30",
        Msg("violation.fixed", request="R1", fixed="2026-11-19 08:30", when="2026-11-19 09:30"),
    ),
    ("R1: unknown table T9", Msg("violation.unknown_table", request="R1", table="T9")),
    (
        "R1: table T1 already holds R2 at 2026-11-19T08:30",
        Msg("violation.table_taken", request="R1", table="T1", other="R2", when="2026-11-19 08:30"),
    ),
    (
        "R1: table T1 is reserved for B1-1",
        Msg("violation.table_reserved", request="R1", table="T1", who="B1-1"),
    ),
    (
        "R1: B1-1 must meet at their table T1, not T2",
        Msg("violation.own_table", request="R1", who="B1-1", own="T1", table="T2"),
    ),
    (
        "interpreter:ko: 2 used at 2026-11-19T08:30, capacity 1",
        Msg(
            "violation.capacity",
            resource=Msg("resource.interpreter", language="ko"),
            used="2",
            when="2026-11-19 08:30",
            capacity="1",
        ),
    ),
    (
        "B1-1: 3 meetings, max_meetings 2",
        Msg("violation.max_meetings", who="B1-1", n="3", limit="2"),
    ),
    ("R1: required but not scheduled", Msg("violation.required", request="R1")),
    ("R2: must come after R1", Msg("violation.order", request="R2", other="R1")),
    ("B1-1: 3 breaks, max_breaks 2", Msg("violation.max_breaks", who="B1-1", n="3", limit="2")),
    ("something else", Msg("violation.other", text="something else")),
]


@pytest.mark.parametrize(("sentence", "message"), VIOLATIONS, ids=[m.code for _s, m in VIOLATIONS])
def test_a_violation_of_the_checker_is_read_as_its_message(sentence: str, message: Msg) -> None:
    assert reasons.violation(sentence) == message


def test_what_the_checker_writes_is_read_back() -> None:
    """Two meetings of one buyer in one slot, checked for real: the checker's own words."""
    event = domain.Event(
        name="Check",
        timezone="Asia/Ho_Chi_Minh",
        slot_minutes=20,
        sessions=(
            domain.Session(
                id="am", start=datetime(2026, 11, 19, 9, 0), end=datetime(2026, 11, 19, 10, 0)
            ),
        ),
        tables=(domain.Table(id="T1"), domain.Table(id="T2")),
        organisations=(),
        participants=tuple(domain.Participant(id=p) for p in ("B1-1", "S1-1", "S2-1")),
        requests=(
            domain.MeetingRequest(id="R1", from_id="S1-1", to_id="B1-1"),
            domain.MeetingRequest(id="R2", from_id="S2-1", to_id="B1-1"),
        ),
    )
    meetings = (
        domain.Meeting(request_id="R1", slot_idx=0, table_id="T1"),
        domain.Meeting(request_id="R2", slot_idx=0, table_id="T2"),
    )
    (found,) = check_schedule(
        event, domain.Schedule(event_name="Check", meetings=meetings)
    ).violations
    assert reasons.violation(found) == Msg(
        "violation.busy", request="R2", who="B1-1", other="R1", when="2026-11-19 09:00"
    )
