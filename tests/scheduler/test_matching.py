"""The matching score (scheduler.matching) on hand-made profiles."""

from __future__ import annotations

from scheduler.matching import (
    Code,
    Context,
    Fit,
    Profile,
    Relation,
    Role,
    Term,
    TermScore,
    Wants,
    fit,
    market,
    rank_key,
    suggest,
    unstated,
)

BUYER = Profile(
    id="B1",
    role=Role.BUYER,
    country="KR",
    sectors=("auto-parts",),
    languages=("ko", "en"),
    wants=Wants(products=("springs", "coils"), certifications=("IATF 16949",)),
)


def supplier(id: str, **fields: object) -> Profile:
    base: dict[str, object] = {
        "sectors": ("auto-parts",),
        "products": ("springs",),
        "certifications": ("IATF 16949",),
        "languages": ("vi", "en"),
    }
    base.update(fields)
    return Profile(id=id, role=Role.SUPPLIER, country="VN", **base)  # type: ignore[arg-type]


def ids(suggestions: tuple[object, ...]) -> list[str]:
    return [s.counterpart.id for s in suggestions]  # type: ignore[attr-defined]


def test_a_certification_gap_ranks_below_a_full_fit() -> None:
    full = supplier("S2")
    gap = supplier("S1", products=("springs", "coils"), certifications=("ISO 9001",))
    assert ids(suggest(BUYER, [gap, full])) == ["S2", "S1"]


def test_a_gap_is_not_a_zero() -> None:
    gap = fit(BUYER, supplier("S1", certifications=("ISO 9001",)))
    assert gap.score > 0 and gap.share(Term.CERTIFICATIONS) == 0.0


def test_the_gap_names_the_certification_needed_and_those_held() -> None:
    mine = supplier("S1", certifications=("ISO 9001",))
    (suggestion,) = suggest(mine, [BUYER])
    assert [r.values for r in suggestion.fit.gaps] == [("IATF 16949", "ISO 9001")]


def test_vietnamese_product_names_meet_english_needs() -> None:
    pair = fit(BUYER, supplier("S1", products=("Lò xo nén",)))
    assert (Code.PRODUCT_MATCH, ("springs", "springs", "Lò xo nén")) in [
        (r.code, r.values) for r in pair.reasons
    ]


def test_unaccented_vietnamese_meets_the_same_need() -> None:
    assert fit(BUYER, supplier("S1", products=("LO XO",))).share(Term.PRODUCTS) == fit(
        BUYER, supplier("S2", products=("lò xo",))
    ).share(Term.PRODUCTS)


def test_more_of_the_needed_products_scores_higher() -> None:
    one = fit(BUYER, supplier("S1", products=("springs",)))
    both = fit(BUYER, supplier("S2", products=("springs", "cuộn dây")))
    assert both.value > one.value


def test_certificate_spellings_and_years_are_the_same_certificate() -> None:
    buyer = Profile(id="B1", role=Role.BUYER, wants=Wants(certifications=("ISO 9001",)))
    pair = fit(buyer, supplier("S1", certifications=("iso9001:2015",)))
    assert pair.gaps == ()


def test_iatf_16949_meets_an_iso_9001_requirement() -> None:
    buyer = Profile(id="B1", role=Role.BUYER, wants=Wants(certifications=("ISO 9001",)))
    assert fit(buyer, supplier("S1", certifications=("IATF 16949",))).gaps == ()


def test_an_interpreter_earns_half_the_language_term() -> None:
    korean_only = supplier("S1", languages=("vi",))
    pair = fit(BUYER, korean_only, Context.from_resources(["interpreter:ko"]))
    assert pair.share(Term.LANGUAGES) == 0.5
    assert pair.reasons[-1].code is Code.LANGUAGE_INTERPRETER


def test_no_common_language_and_no_interpreter_earns_nothing() -> None:
    pair = fit(BUYER, supplier("S1", languages=("vi",)))
    assert pair.share(Term.LANGUAGES) == 0.0


def test_equal_scores_break_by_product_fit_not_by_name() -> None:
    products = Fit(
        buyer="B",
        supplier="Z",
        value=50.0,
        terms=(TermScore(Term.PRODUCTS, 40, 1.0), TermScore(Term.SECTORS, 15, 0.0)),
        reasons=(),
    )
    sectors = Fit(
        buyer="B",
        supplier="A",
        value=50.0,
        terms=(TermScore(Term.PRODUCTS, 40, 0.5), TermScore(Term.SECTORS, 15, 1.0)),
        reasons=(),
    )
    assert sorted([rank_key(sectors, "A"), rank_key(products, "Z")])[0][-1] == "Z"


def test_identical_fits_break_by_id_not_by_name() -> None:
    zeta = supplier("S1", name="Zeta Springs")
    alpha = supplier("S2", name="Alpha Springs")
    assert ids(suggest(BUYER, [alpha, zeta])) == ["S1", "S2"]


def test_counterparts_already_met_are_left_out() -> None:
    met, fresh = supplier("S1"), supplier("S2")
    assert ids(suggest(BUYER, [met, fresh], relations={"S1": Relation.MET})) == ["S2"]


def test_counterparts_not_hidden_are_marked_with_their_relation() -> None:
    theirs = supplier("S1")
    (suggestion,) = suggest(
        BUYER,
        [theirs],
        relations={"S1": Relation.REQUESTED_BY_THEM},
        hide=frozenset({Relation.MET, Relation.DECLINED}),
    )
    assert suggestion.relation is Relation.REQUESTED_BY_THEM


def test_suppliers_with_nothing_in_common_are_not_suggested() -> None:
    textiles = supplier("S1", sectors=("textile-garment",), products=("zippers",))
    assert suggest(BUYER, [textiles]) == ()


def test_a_supplier_in_another_sector_counts_by_what_it_makes() -> None:
    # "cơ khí" (mechanical) but it makes springs, an auto part.
    mechanical = supplier("S1", sectors=("cơ khí",))
    assert fit(BUYER, mechanical).share(Term.SECTORS) == 1.0


def test_needs_in_the_description_count_when_nothing_is_listed() -> None:
    buyer = Profile(id="B1", role=Role.BUYER, description="Chúng tôi cần mua khuôn mẫu.")
    pair = fit(buyer, supplier("S1", products=("injection moulds",)))
    assert pair.share(Term.PRODUCTS) == 1.0


def test_a_supplier_seeking_the_buyers_country_ranks_first() -> None:
    seeks_kr = supplier("S2", wants=Wants(countries=("KR",)))
    seeks_jp = supplier("S1", wants=Wants(countries=("JP",)))
    assert ids(suggest(BUYER, [seeks_jp, seeks_kr])) == ["S2", "S1"]


def test_a_stated_size_counts_only_when_the_buyer_states_it() -> None:
    buyer = Profile(
        id="B1", role=Role.BUYER, sectors=("auto-parts",), wants=Wants(sizes=("medium",))
    )
    assert fit(buyer, supplier("S1", size="medium")).share(Term.SIZE) == 1.0
    assert fit(BUYER, supplier("S1", size="medium")).share(Term.SIZE) is None


def test_scores_spread_over_the_range() -> None:
    candidates = [
        supplier("S1"),
        supplier("S2", products=("springs", "coils")),
        supplier("S3", certifications=()),
        supplier("S4", products=("gears",), sectors=("mechanical",)),
        supplier("S5", products=("wire harnesses",)),
    ]
    scores = [s.fit.score for s in suggest(BUYER, candidates)]
    assert len(set(scores)) == len(scores)


def test_suppliers_get_the_buyers_that_need_what_they_make() -> None:
    other = Profile(
        id="B2", role=Role.BUYER, sectors=("auto-parts",), wants=Wants(products=("gears",))
    )
    assert ids(suggest(supplier("S1"), [other, BUYER])) == ["B1", "B2"]


def test_a_bare_looking_for_list_means_certifications() -> None:
    assert Wants.from_mapping(["ISO 9001"]) == Wants(certifications=("ISO 9001",))


def test_market_counts_qualified_suppliers_and_certificate_holders() -> None:
    overview = market([BUYER, supplier("S1"), supplier("S2", certifications=("ISO 9001",))])
    assert (overview.buyers[0].qualified, overview.buyers[0].relevant) == (1, 2)
    assert [(c.certification, c.held_by) for c in overview.certifications] == [("IATF 16949", 1)]


def test_an_empty_supplier_profile_is_told_to_name_its_products_first() -> None:
    empty = Profile(id="S1", role=Role.SUPPLIER, description="Founded in 2010.")
    assert unstated(empty) == ("products", "certifications", "sectors")


def test_a_buyer_whose_description_names_a_product_needs_no_product_list() -> None:
    buyer = Profile(id="B1", role=Role.BUYER, description="We source lò xo.", sectors=("auto",))
    assert unstated(buyer) == ("wants.certifications",)
