"""Insights counted on a small event whose every number is known.

Three 20-minute slots, a host table (T1, buyer B1-1) and a pooled one (T2), one Korean
interpreter. Buyers B1 (KR) and B2 (JP, max one meeting); suppliers S1..S4. Seven requests:
R1..R5 accepted, R6 pending, R7 declined. Version 1 holds R1, R2 and R4 and leaves out R3
(B1-1 busy) and R5 (B2-1 at its limit).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from scheduler import domain
from scheduler.explain import ReasonKind
from scheduler.formats import event_to_json
from tests.conftest import import_event_json, publish
from web import models as m
from web.usecases import mapper, outcomes, versions
from web.usecases.insights import (
    Answers,
    Basis,
    BuyerLoad,
    CertificationGap,
    Demand,
    Insights,
    OtherBuyers,
    Reason,
    Stage,
    Use,
    insights,
)

KO = "interpreter:ko"
AFTER = datetime(2026, 11, 19, 12, 0, tzinfo=UTC)  # 19:00 in Hanoi: every meeting has ended
BUSY = "B1-1 and S3-1 share 1 slot; B1-1 is busy in each, all holding priority 2 or higher meetings"


def _event() -> domain.Event:
    def org(oid: str, role: str, **kw: object) -> domain.Organisation:
        return domain.Organisation(id=oid, name=f"Org {oid}", role=role, **kw)  # type: ignore[arg-type]

    organisations = (
        org(
            "B1",
            "buyer",
            country="KR",
            extra={"looking_for": {"certifications": ["ISO 9001", "IATF 16949"]}},
        ),
        org("B2", "buyer", country="JP", extra={"looking_for": ["ISO 9001"]}),
        org(
            "S1",
            "supplier",
            country="VN",
            sectors=("auto-parts", "electronics"),
            certifications=("ISO 9001",),
        ),
        org(
            "S2",
            "supplier",
            country="VN",
            sectors=("electronics",),
            certifications=("ISO 9001", "ISO 14001"),
        ),
        org("S3", "supplier", country="VN"),
        org("S4", "supplier", country="VN", sectors=("packaging",)),
    )
    people = tuple(
        domain.Participant(
            id=f"{o.id}-1",
            organisation=o.id,
            name=f"Person {o.id}",
            max_meetings=1 if o.id == "B2" else None,
        )
        for o in organisations
    )
    pairs = [
        ("S1", "B1"),
        ("S2", "B1"),
        ("S3", "B1"),
        ("S1", "B2"),
        ("S2", "B2"),
        ("S3", "B2"),
        ("S4", "B1"),
    ]
    requests = tuple(
        domain.MeetingRequest(
            id=f"R{n}", from_id=f"{a}-1", to_id=f"{b}-1", requires=(KO,) if n == 1 else ()
        )
        for n, (a, b) in enumerate(pairs, start=1)
    )
    return domain.Event(
        name="Insights fair",
        timezone="Asia/Ho_Chi_Minh",
        slot_minutes=20,
        sessions=(
            domain.Session(
                id="am", start=datetime(2026, 11, 19, 9), end=datetime(2026, 11, 19, 10)
            ),
        ),
        resources=((KO, 1),),
        tables=(domain.Table(id="T1", host="B1-1"), domain.Table(id="T2")),
        organisations=organisations,
        participants=people,
        requests=requests,
    )


def _load(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        event_id = import_event_json(session, event_to_json(_event())).id
        for row in session.exec(select(m.MeetingRequest)):
            row.status = {"R6": "pending", "R7": "declined"}.get(row.ext_id, row.status)
            session.add(row)
        session.commit()
        return event_id


def _store(app: FastAPI, event_id: int, placed: dict[str, tuple[int, str]]) -> m.ScheduleVersion:
    with Session(app.state.engine) as session:
        full = mapper.event_of(session, event_id)
        schedule = domain.Schedule(
            event_name=full.name,
            meetings=tuple(
                sorted(
                    (
                        domain.Meeting(request_id=r, slot_idx=s, table_id=t)
                        for r, (s, t) in placed.items()
                    ),
                    key=lambda x: (x.slot_idx, x.table_id),
                )
            ),
            unscheduled=(
                domain.Unscheduled(request_id="R3", reason=BUSY),
                domain.Unscheduled(request_id="R5", reason="B2-1 reached max_meetings 1"),
            ),
        )
        version = versions.create_version(session, event_id, full, schedule, source="import")
        session.expunge(version)
        return version


def _insights(app: FastAPI, event_id: int, top: int = 15) -> Insights:
    with Session(app.state.engine) as session:
        return insights(session, event_id, top=top)


PLACED = {"R1": (0, "T1"), "R2": (1, "T1"), "R4": (0, "T2")}


@pytest.fixture
def solved(app: FastAPI) -> int:
    event_id = _load(app)
    _store(app, event_id, PLACED)
    return event_id


def test_without_a_version_only_demand_is_counted(app: FastAPI) -> None:
    found = _insights(app, _load(app))
    assert found.basis is None
    assert found.funnel == (Stage("requested", 7), Stage("accepted", 5))
    assert (found.use, found.reasons) == ((), ())
    assert found.countries == (Demand("KR", 3, 0), Demand("JP", 2, 0))


def test_the_funnel_of_a_draft_stops_at_scheduled(app: FastAPI, solved: int) -> None:
    found = _insights(app, solved)
    assert found.basis == Basis(1, published=False)
    assert found.funnel == (
        Stage("requested", 7),
        Stage("accepted", 5),
        Stage("scheduled", 3),
    )


def _publish(app: FastAPI, event_id: int) -> None:
    with Session(app.state.engine) as session:
        publish(app, session, versions.get_version(session, event_id, 1))


def _answer(app: FastAPI, event_id: int, ext_id: str, request: str, took_place: bool) -> None:
    with Session(app.state.engine) as session:
        me = session.exec(
            select(m.Participant).where(
                m.Participant.event_id == event_id, m.Participant.ext_id == ext_id
            )
        ).one()
        draft = outcomes.Draft(took_place, frozenset(), None, "")
        outcomes.record(session, me, request, draft, AFTER)


def test_a_published_version_is_preferred_to_a_newer_draft(app: FastAPI, solved: int) -> None:
    _publish(app, solved)
    _store(app, solved, {"R1": (0, "T1")})
    assert _insights(app, solved).basis == Basis(1, published=True)


def test_before_any_answer_nothing_is_held_and_every_meeting_is_unanswered(
    app: FastAPI, solved: int
) -> None:
    _publish(app, solved)
    found = _insights(app, solved)
    assert (found.funnel[-2:], found.answers) == (
        (Stage("scheduled", 3), Stage("held", 0)),
        Answers(meetings=3, held=0, not_held=0, unanswered=3),
    )


def test_held_is_answered_as_held_by_a_side_and_not_as_not_held_by_the_other(
    app: FastAPI, solved: int
) -> None:
    _publish(app, solved)
    _answer(app, solved, "B1-1", "R1", took_place=True)  # held: the other side is silent
    _answer(app, solved, "B1-1", "R2", took_place=True)  # not held: the other side says no
    _answer(app, solved, "S2-1", "R2", took_place=False)
    found = _insights(app, solved)  # R4: nobody answered
    assert (found.funnel[-1], found.answers) == (
        Stage("held", 1),
        Answers(meetings=3, held=1, not_held=1, unanswered=1),
    )


def test_a_draft_has_no_answers(app: FastAPI, solved: int) -> None:
    assert _insights(app, solved).answers is None


def test_requests_count_under_the_suppliers_sectors(app: FastAPI, solved: int) -> None:
    assert _insights(app, solved).sectors == (
        Demand("electronics", 4, 3),
        Demand("auto-parts", 2, 2),
        Demand("", 1, 0),
    )


def test_requests_count_under_the_buyers_country(app: FastAPI, solved: int) -> None:
    assert _insights(app, solved).countries == (Demand("KR", 3, 2), Demand("JP", 2, 1))


def test_tables_and_interpreters_in_use_per_slot(app: FastAPI, solved: int) -> None:
    found = _insights(app, solved)
    assert found.slots == ("09:00", "09:20", "09:40")
    assert found.use == (Use(None, 2, (2, 1, 0)), Use(KO, 1, (1, 0, 0)))


def test_unscheduled_requests_are_grouped_by_the_kind_of_reason(app: FastAPI, solved: int) -> None:
    assert _insights(app, solved).reasons == (
        Reason(ReasonKind.BUSY, 1, ("R3",)),
        Reason(ReasonKind.MEETING_LIMIT, 1, ("R5",)),
    )


def test_a_request_moved_into_the_schedule_is_no_longer_unscheduled(app: FastAPI) -> None:
    event_id = _load(app)
    _store(app, event_id, PLACED | {"R3": (2, "T1")})
    assert _insights(app, event_id).reasons == (Reason(ReasonKind.MEETING_LIMIT, 1, ("R5",)),)


def test_a_buyer_asked_for_more_than_they_can_hold_is_over_requested(
    app: FastAPI, solved: int
) -> None:
    found = _insights(app, solved)
    assert found.buyers == (
        BuyerLoad("B1-1", "Person B1 (Org B1)", requested=3, scheduled=2, possible=3),
        BuyerLoad("B2-1", "Person B2 (Org B2)", requested=2, scheduled=1, possible=1),
    )
    assert [b.over_requested for b in found.buyers] == [False, True]


def test_buyers_after_the_top_ones_are_summed(app: FastAPI, solved: int) -> None:
    found = _insights(app, solved, top=1)
    assert [b.participant for b in found.buyers] == ["B1-1"]
    assert found.other_buyers == OtherBuyers(count=1, requested=2, scheduled=1, over_requested=1)
    assert found.over_requested == 1


def test_required_certifications_against_the_suppliers_that_hold_them(
    app: FastAPI, solved: int
) -> None:
    found = _insights(app, solved)
    assert found.certifications == (
        CertificationGap("ISO 9001", buyers_requiring=2, suppliers_holding=2),
        CertificationGap("IATF 16949", buyers_requiring=1, suppliers_holding=0),
    )
    assert (found.buyer_organisations, found.supplier_organisations) == (2, 4)
