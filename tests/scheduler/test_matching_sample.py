"""The matching score on the demo event (samples/hanoi-2026.json)."""

from __future__ import annotations

from pathlib import Path

from scheduler.formats import read_event_file
from scheduler.matching import Role, Term, context_of, profiles_of, relations_of, suggest

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "hanoi-2026.json"
EVENT = read_event_file(SAMPLE)
PROFILES = profiles_of(EVENT)
BUYERS = [p for p in PROFILES if p.role is Role.BUYER]
SUPPLIERS = [p for p in PROFILES if p.role is Role.SUPPLIER]


def test_every_buyer_first_sees_a_supplier_making_what_it_needs() -> None:
    # Before any request: once the few makers are requested, weaker fits come first.
    firsts = [suggest(b, SUPPLIERS, context=context_of(EVENT))[0] for b in BUYERS]
    assert [s.counterpart.id for s in firsts if not s.fit.share(Term.PRODUCTS)] == []


def test_suggestions_leave_out_counterparts_already_requested() -> None:
    buyer = BUYERS[0]
    requested = set(relations_of(EVENT, buyer.id))
    shown = {
        s.counterpart.id
        for s in suggest(buyer, SUPPLIERS, relations=relations_of(EVENT, buyer.id), limit=None)
    }
    assert requested and shown & requested == set()


def test_a_supplier_without_the_required_certification_sees_the_gap() -> None:
    uncertified = next(s for s in SUPPLIERS if not s.certifications and suggest(s, BUYERS))
    first = suggest(uncertified, BUYERS)[0]
    assert [r.values[0] for r in first.fit.gaps] == ["ISO 9001"]
