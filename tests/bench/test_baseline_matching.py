"""The matching benchmark's baseline score (bench.baseline_matching): pure, no database."""

from __future__ import annotations

from bench.baseline_matching import Candidate, Kind, Needs, Reason, score, suggest

NEEDS = Needs(
    sectors=("auto-parts",),
    products=("brake pads",),
    certifications=("IATF 16949",),
    languages=("ko",),
)
FULL = Candidate(
    id=1,
    name="Full Fit",
    sectors=("Auto-parts",),
    products=("Brake pads and discs",),
    certifications=("IATF 16949", "ISO 9001"),
    languages=("vi", "ko"),
)
NO_KOREAN = Candidate(
    id=2,
    name="No Korean",
    sectors=("auto-parts",),
    products=("brake pads",),
    certifications=("iatf 16949",),
    languages=("vi", "en"),
)
NOTHING = Candidate(id=3, name="Textiles", sectors=("textiles",))


def test_full_fit_scores_100_with_reasons() -> None:
    match = score(NEEDS, FULL)
    assert match.score == 100
    assert match.reasons == (
        Reason(Kind.CERTIFICATION, "IATF 16949", True),
        Reason(Kind.SECTOR, "auto-parts", True),
        Reason(Kind.PRODUCT, "brake pads", True),
        Reason(Kind.LANGUAGE, "ko", True),
    )


def test_missing_language_costs_its_weight() -> None:
    match = score(NEEDS, NO_KOREAN)
    assert match.score == round(100 * 7 / 8)
    assert match.reasons[-1] == Reason(Kind.LANGUAGE, "ko", False)


def test_ranking_and_exclusion() -> None:
    ranked = suggest(NEEDS, [NOTHING, NO_KOREAN, FULL])
    assert [m.candidate.id for m in ranked] == [1, 2]
    assert suggest(NEEDS, [NOTHING]) == []
    assert suggest(Needs(), [FULL]) == []
    assert len(suggest(NEEDS, [FULL, NO_KOREAN], limit=1)) == 1


def test_ties_by_name() -> None:
    a = Candidate(id=9, name="beta", sectors=("auto-parts",))
    b = Candidate(id=8, name="Alpha", sectors=("auto-parts",))
    assert [m.candidate.id for m in suggest(Needs(sectors=("auto-parts",)), [a, b])] == [8, 9]


def test_needs_from_mapping() -> None:
    needs = Needs.from_mapping({"sectors": ["a"], "languages": ["ko"]})
    assert needs == Needs(sectors=("a",), languages=("ko",))
    assert Needs.from_mapping(None).empty()
