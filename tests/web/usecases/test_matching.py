"""Suggestions for buyers and suppliers from the matching score: ranked by fit, explained,
gaps named, past contacts left out or marked; the organiser's offers and market."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from sqlmodel import Session, select

from scheduler.matching import Code, Fit, Reason, Relation, Term
from tests.web.helpers import (
    clear_requests,
    domain_event,
    load_tiny,
    person,
    publish_placed,
    set_profile,
)
from web import models as m
from web.usecases import matching
from web.usecases.errors import Msg
from web.usecases.matching import Tone


@pytest.fixture
def fair(app: FastAPI) -> Iterator[tuple[FastAPI, int]]:
    """B001 needs springs, IATF 16949 required: S007 makes springs and holds it, S002 makes
    "lò xo" (springs) with ISO 9001 only; nobody has asked anyone yet."""
    event_id = load_tiny(app)
    clear_requests(app)
    set_profile(
        app, "B001", looking_for={"products": ["springs"], "certifications": ["IATF 16949"]}
    )
    set_profile(app, "S007", certifications=["IATF 16949"])
    set_profile(app, "S002", products=["lò xo"], certifications=["ISO 9001"])
    yield app, event_id


def _suggested(app: FastAPI, ext_id: str) -> list[tuple[str, matching.Explained]]:
    with Session(app.state.engine) as session:
        me = session.exec(select(m.Participant).where(m.Participant.ext_id == ext_id)).one()
        found = matching.suggestions(session, me).found
        names = {p.id: p.ext_id for p in session.exec(select(m.Participant))}
    return [(names[pid], fit) for pid, fit in found]


def _request(app: FastAPI, a: str, b: str, status: str = "pending") -> str:
    with Session(app.state.engine) as session:
        event_id = person(app, a).event_id
        ext_id = f"R{len(session.exec(select(m.MeetingRequest)).all()) + 900:05d}"
        session.add(
            m.MeetingRequest(
                event_id=event_id,
                ext_id=ext_id,
                from_id=person(app, a).id,
                to_id=person(app, b).id,
                status=status,
            )
        )
        session.commit()
    return ext_id


def test_a_full_fit_ranks_above_a_certification_gap(fair: tuple[FastAPI, int]) -> None:
    app, _ = fair
    assert [ext for ext, _fit in _suggested(app, "B001-1")][:2] == ["S007-1", "S002-1"]


def test_the_buyer_reads_the_gap_of_a_supplier(fair: tuple[FastAPI, int]) -> None:
    app, _ = fair
    fit = dict(_suggested(app, "B001-1"))["S002-1"]
    assert fit.gaps == (
        matching.Line(Tone.GAP, Msg("match.lacks", certification="IATF 16949", held="ISO 9001")),
    )


def test_the_buyer_reads_what_the_supplier_makes_in_its_words(fair: tuple[FastAPI, int]) -> None:
    app, _ = fair
    fit = dict(_suggested(app, "B001-1"))["S002-1"]
    assert matching.Line(Tone.FIT, Msg("match.makes_as", offered="lò xo", wanted="springs")) in (
        fit.lines
    )


def test_a_supplier_gets_the_buyers_that_need_what_it_makes(fair: tuple[FastAPI, int]) -> None:
    app, _ = fair
    assert "B001-1" in dict(_suggested(app, "S002-1"))


def test_a_supplier_is_told_the_certification_it_lacks(fair: tuple[FastAPI, int]) -> None:
    app, _ = fair
    fit = dict(_suggested(app, "S002-1"))["B001-1"]
    assert fit.gaps == (
        matching.Line(Tone.GAP, Msg("match.you_lack", certification="IATF 16949", held="ISO 9001")),
    )


def test_a_counterpart_i_requested_is_left_out(fair: tuple[FastAPI, int]) -> None:
    app, _ = fair
    _request(app, "B001-1", "S007-1")
    assert "S007-1" not in dict(_suggested(app, "B001-1"))


def test_a_counterpart_that_requested_me_is_left_out(fair: tuple[FastAPI, int]) -> None:
    app, _ = fair
    _request(app, "S007-1", "B001-1")
    assert "S007-1" not in dict(_suggested(app, "B001-1"))


def test_a_declined_counterpart_is_left_out(fair: tuple[FastAPI, int]) -> None:
    app, _ = fair
    _request(app, "B001-1", "S007-1", status="declined")
    assert "S007-1" not in dict(_suggested(app, "B001-1"))


def test_a_counterpart_met_in_the_published_schedule_is_marked_met(
    fair: tuple[FastAPI, int],
) -> None:
    app, event_id = fair
    request = _request(app, "B001-1", "S007-1", status="accepted")
    event = domain_event(app, event_id)
    publish_placed(app, event_id, {request: (event.slots[-1].idx, event.tables[0].id)})
    with Session(app.state.engine) as session:
        fits = matching.fits(session, person(app, "B001-1"))
    assert fits[person(app, "S007-1").id].relation is Relation.MET


def test_one_person_per_organisation_is_suggested(fair: tuple[FastAPI, int]) -> None:
    """B003 sends two people; a supplier is offered one of them, not both."""
    app, _ = fair
    set_profile(app, "B003", looking_for={"products": ["coils"]})
    suggested = [ext for ext, _fit in _suggested(app, "S002-1")]
    assert sum(1 for ext in suggested if ext.startswith("B003-")) == 1


def test_a_supplier_that_names_no_product_is_told_to(fair: tuple[FastAPI, int]) -> None:
    app, _ = fair
    set_profile(app, "S004", products=[], description="")
    with Session(app.state.engine) as session:
        found = matching.suggestions(session, person(app, "S004-1"))
    assert found.unstated[:1] == ("products",)


def test_someone_without_a_side_gets_no_suggestions_and_is_told_why(
    fair: tuple[FastAPI, int],
) -> None:
    app, _ = fair
    set_profile(app, "S004", role=None)
    with Session(app.state.engine) as session:
        found = matching.suggestions(session, person(app, "S004-1"))
    assert (found.found, found.unstated) == ([], ("role",))


def test_the_organiser_is_offered_the_full_fit_first(fair: tuple[FastAPI, int]) -> None:
    app, event_id = fair
    with Session(app.state.engine) as session:
        offers = matching.for_organiser(session, event_id)
    for_b001 = [o.supplier.ext_id for o in offers if o.buyer.ext_id == "B001-1"]
    assert for_b001[:2] == ["S007-1", "S002-1"]


def test_the_organiser_is_not_offered_a_pair_already_requested(fair: tuple[FastAPI, int]) -> None:
    app, event_id = fair
    _request(app, "S007-1", "B001-1")
    with Session(app.state.engine) as session:
        offers = matching.for_organiser(session, event_id)
    assert ("B001-1", "S007-1") not in {(o.buyer.ext_id, o.supplier.ext_id) for o in offers}


def test_the_market_counts_the_qualified_suppliers_of_a_buyer(fair: tuple[FastAPI, int]) -> None:
    app, event_id = fair
    with Session(app.state.engine) as session:
        view = matching.market_view(session, event_id)
    b001 = next(b for b in view.buyers if b.organisation.ext_id == "B001")
    assert b001.qualified == 1


def test_the_market_counts_the_suppliers_that_requested_a_buyer(
    fair: tuple[FastAPI, int],
) -> None:
    app, event_id = fair
    _request(app, "S007-1", "B001-1")
    _request(app, "B001-1", "S002-1")
    with Session(app.state.engine) as session:
        view = matching.market_view(session, event_id)
    b001 = next(b for b in view.buyers if b.organisation.ext_id == "B001")
    assert (b001.requested_it, b001.in_contact) == (1, 2)


def test_the_market_counts_holders_of_a_required_certification(
    fair: tuple[FastAPI, int],
) -> None:
    app, event_id = fair
    with Session(app.state.engine) as session:
        view = matching.market_view(session, event_id)
    iatf = next(c for c in view.certifications if c.certification == "IATF 16949")
    assert (iatf.required_by, iatf.held_by) == (2, 1)


def test_a_sought_language_is_named_not_coded() -> None:
    """A supplier seeking Korean speakers: the line carries the language for the reader."""
    sought = Reason(Term.SEEKS, Code.SEEKS_MATCH, ("languages", "ko"))
    pair = Fit(buyer="B", supplier="S", value=50.0, terms=(), reasons=(sought,))
    assert matching.explain(pair, matching.Viewer.TO_SUPPLIER, "B").lines == (
        matching.Line(Tone.FIT, Msg("match.you_seek_language", language="ko")),
    )
