"""The review of a version, on a small event solved for real whose unscheduled requests are
known (`tests.web.helpers.small_event`: three left out at a buyer's meeting limit, one whose
two sides are never there at the same time); and what a version's statistics prove, level by
level."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from sqlmodel import Session

from scheduler.explain import ReasonKind
from tests.web.helpers import solved_small_event
from web import models as m
from web.usecases import review
from web.usecases.errors import Msg, NotFound
from web.usecases.review import Level, Proof, Proven


@pytest.fixture
def solved(app: FastAPI) -> m.ScheduleVersion:
    with Session(app.state.engine) as session:
        version = solved_small_event(session)
        session.expunge(version)
        return version


def _counts(groups: tuple[review.ReasonGroup, ...]) -> list[tuple[ReasonKind, int]]:
    return [(g.kind, g.count) for g in groups]


def test_unscheduled_requests_are_counted_by_kind_of_reason(
    app: FastAPI, solved: m.ScheduleVersion
) -> None:
    with Session(app.state.engine) as session:
        found = review.summary(session, solved, size=25)
    assert _counts(found.groups) == [(ReasonKind.MEETING_LIMIT, 3), (ReasonKind.AVAILABILITY, 1)]


def test_the_total_counts_every_unscheduled_request(
    app: FastAPI, solved: m.ScheduleVersion
) -> None:
    with Session(app.state.engine) as session:
        assert review.summary(session, solved, size=25).unscheduled == 4


def test_each_reason_is_a_message_with_its_participants(
    app: FastAPI, solved: m.ScheduleVersion
) -> None:
    with Session(app.state.engine) as session:
        limit = review.summary(session, solved, size=25).groups[0]
    assert {u.reason for u in limit.items} == {Msg("reason.max_meetings", who="B1-1", n="1")}


def test_an_unscheduled_request_names_both_sides(app: FastAPI, solved: m.ScheduleVersion) -> None:
    with Session(app.state.engine) as session:
        availability = review.summary(session, solved, size=25).groups[1]
    (left,) = availability.items
    assert [(s.ext_id, s.name) for s in left.sides] == [
        ("S5-1", "Person S5"),
        ("B2-1", "Person B2"),
    ]


def test_a_group_shows_one_page_of_requests(app: FastAPI, solved: m.ScheduleVersion) -> None:
    with Session(app.state.engine) as session:
        limit = review.summary(session, solved, size=2).groups[0]
    assert (len(limit.items), limit.page, limit.pages) == (2, 1, 2)


def test_the_open_group_is_at_the_page_asked_for(app: FastAPI, solved: m.ScheduleVersion) -> None:
    with Session(app.state.engine) as session:
        limit = review.summary(session, solved, size=2, open_kind="meeting_limit", page=2).groups[0]
    assert (len(limit.items), limit.page) == (1, 2)


def test_the_pages_of_a_group_hold_each_request_once(
    app: FastAPI, solved: m.ScheduleVersion
) -> None:
    with Session(app.state.engine) as session:
        pages = [
            review.unscheduled_group(session, solved, "meeting_limit", page, size=2)
            for page in (1, 2)
        ]
    assert sorted(u.request for p in pages for u in p.items) == sorted(
        u["request"] for u in solved.unscheduled if "max_meetings" in u["reason"]
    )


def test_a_page_past_the_last_is_the_last(app: FastAPI, solved: m.ScheduleVersion) -> None:
    with Session(app.state.engine) as session:
        group = review.unscheduled_group(session, solved, "meeting_limit", 9, size=2)
    assert group.page == 2


def test_an_unknown_kind_of_reason_is_not_found(app: FastAPI, solved: m.ScheduleVersion) -> None:
    with Session(app.state.engine) as session, pytest.raises(NotFound):
        review.unscheduled_group(session, solved, "nonsense", 1, size=2)


def test_an_optimal_version_is_proven_at_both_levels() -> None:
    stats = {
        "weight": 2481,
        "weight_bound": 2481,
        "breaks": 4,
        "breaks_bound": 4,
        "status": "optimal",
    }
    assert review.proof(stats) == Proof(
        Level(2481, 2481, Proven.OPTIMAL), Level(4, 4, Proven.OPTIMAL), edited=False
    )


def test_a_weight_below_its_bound_is_bounded_and_its_breaks_wait_for_it() -> None:
    stats = {
        "weight": 2470,
        "weight_bound": 2481,
        "breaks": 13,
        "breaks_bound": 4,
        "status": "feasible",
    }
    assert review.proof(stats) == Proof(
        Level(2470, 2481, Proven.BOUNDED), Level(13, 4, Proven.AFTER_WEIGHT), edited=False
    )


def test_the_best_weight_with_more_breaks_than_the_bound() -> None:
    stats = {
        "weight": 2481,
        "weight_bound": 2481,
        "breaks": 13,
        "breaks_bound": 4,
        "status": "feasible",
    }
    assert review.proof(stats) == Proof(
        Level(2481, 2481, Proven.OPTIMAL), Level(13, 4, Proven.BOUNDED), edited=False
    )


def test_a_hand_edit_keeps_the_bounds_and_says_so() -> None:
    stats = {
        "weight": 2481,
        "weight_bound": 2481,
        "breaks": 5,
        "breaks_bound": 4,
        "status": "edited",
    }
    assert review.proof(stats) == Proof(
        Level(2481, 2481, Proven.OPTIMAL), Level(5, 4, Proven.BOUNDED), edited=True
    )


def test_without_a_bound_nothing_is_proven() -> None:
    stats = {"weight": 10, "weight_bound": None, "breaks": 2, "status": "feasible"}
    assert review.proof(stats) == Proof(
        Level(10, None, Proven.UNPROVEN), Level(2, None, Proven.AFTER_WEIGHT), edited=False
    )


def test_a_version_without_statistics_proves_nothing() -> None:
    assert review.proof({}) is None
