"""The matching benchmark (bench.matching) runs and measures what it claims."""

from __future__ import annotations

from bench.fit_events import FitSpec, generate
from bench.matching import Quality, new_score, quality, supplier_truth

SMALL = FitSpec(name="test", buyers=15, suppliers=60)


def test_the_generator_is_deterministic() -> None:
    assert generate(SMALL) == generate(SMALL)


def test_precision_and_recall_count_true_fits_in_the_first_ten() -> None:
    top = {"B1": ["S1", "S2", "S3"]}
    truth = {"B1": frozenset({"S2", "S9"}), "B2": frozenset()}
    assert quality(top, truth) == Quality(precision=0.1, recall=0.5, ceiling=0.2, measured=1)


def test_suppliers_truth_is_the_buyers_truth_turned_around() -> None:
    event = generate(SMALL)
    pairs = {(b, s) for b, fits in event.fits.items() for s in fits}
    assert {(b, s) for s, buyers in supplier_truth(event).items() for b in buyers} == pairs


def test_buyers_are_suggested_suppliers_and_suppliers_buyers() -> None:
    for_buyers, for_suppliers = new_score(generate(SMALL))
    roles = (
        {s[0] for top in for_buyers.values() for s in top},
        {b[0] for top in for_suppliers.values() for b in top},
    )
    assert roles == ({"S"}, {"B"})
