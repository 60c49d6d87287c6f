"""Every wording of `explain_unscheduled` falls in one kind, so reasons can be counted by kind."""

from __future__ import annotations

from collections import Counter

import pytest

from scheduler.explain import ReasonKind, reason_kind
from scheduler.solve import solve
from tests.scheduler.bottlenecks import bottleneck_event
from tests.scheduler.factories import EXACT

REASONS = [
    ("S001-1 reached max_meetings 8", ReasonKind.MEETING_LIMIT),
    ("B002-1 accepts no meetings (max_meetings 0)", ReasonKind.MEETING_LIMIT),
    (
        "B001-1 and S003-1 share 9 slots; B001-1 is busy in each, all holding priority-3 meetings",
        ReasonKind.BUSY,
    ),
    (
        "B001-1 and S003-1 share 1 slot; B001-1 or S003-1 is busy in each, "
        "all holding other meetings worth more in total",
        ReasonKind.BUSY,
    ),
    (
        "B001-1 and B002-1 both host a table, so there is no table for them to meet at",
        ReasonKind.HOST_TABLES,
    ),
    ("the event has no interpreter:ko", ReasonKind.RESOURCE),
    ("no interpreter:ja free in any slot B001-1 and S002-1 share", ReasonKind.RESOURCE),
    ("there is no pooled table for meetings without a host", ReasonKind.POOLED_TABLES),
    ("every pooled table is taken in the slots S001-1 and S002-1 share", ReasonKind.POOLED_TABLES),
    ("S004-1 is not available in any slot", ReasonKind.AVAILABILITY),
    ("B001-1 and S004-1 are never available at the same time", ReasonKind.AVAILABILITY),
    ("B001-1 and S004-1 are never both available in session d1-am", ReasonKind.AVAILABILITY),
    ("fixed at 09:10, when B001-1 or S004-1 is not available", ReasonKind.AVAILABILITY),
    ("it must come after R00003, which is held later", ReasonKind.ORDER),
    (
        "holding it in a slot both have free would give B001-1 or S001-1 more than 2 breaks",
        ReasonKind.BREAKS,
    ),
    (
        "B001-1 and S001-1 have a free slot in common, but the search found no way to add "
        "this meeting without losing more elsewhere within the time limit",
        ReasonKind.SEARCH,
    ),
    ("no slot fits this request", ReasonKind.OTHER),
]


@pytest.mark.parametrize(("reason", "kind"), REASONS)
def test_a_reason_is_counted_under_its_kind(reason: str, kind: ReasonKind) -> None:
    assert reason_kind(reason) is kind


def test_the_bottlenecks_of_a_solved_event_are_counted_by_their_kind() -> None:
    # 2 Korean requests over the one interpreter, 6 pooled requests over the one pooled
    # table, 4 of the popular buyer's 10 requests over its 6 slots
    schedule = solve(bottleneck_event(), EXACT)
    kinds = Counter(reason_kind(u.reason) for u in schedule.unscheduled)
    assert kinds == {ReasonKind.RESOURCE: 2, ReasonKind.POOLED_TABLES: 6, ReasonKind.BUSY: 4}
