"""The curated matchmaking vocabulary stays consistent as it grows."""

from __future__ import annotations

from scheduler.matching.concepts import find_products, words
from scheduler.matching.vocabulary import PRODUCTS, SECTORS


def test_no_label_names_two_products() -> None:
    owner: dict[tuple[str, ...], str] = {}
    clashes = []
    for concept in PRODUCTS:
        for label in {words(x) for x in (concept.key, *concept.labels)}:
            if owner.setdefault(label, concept.key) != concept.key:
                clashes.append((label, owner[label], concept.key))
    assert clashes == []


def test_every_product_belongs_to_a_known_sector() -> None:
    assert {s for c in PRODUCTS for s in c.sectors} - set(SECTORS) == set()


def test_every_product_family_is_itself_a_product() -> None:
    keys = {c.key for c in PRODUCTS}
    assert {family for c in PRODUCTS for family in c.broader} - keys == set()


def test_every_label_reads_as_its_own_product() -> None:
    wrong = [
        (label, [m.key for m in find_products(label)[0]])
        for concept in PRODUCTS
        for label in concept.labels
        if [m.key for m in find_products(label)[0]] != [concept.key]
    ]
    assert wrong == []


def test_the_longest_label_wins() -> None:
    assert [m.key for m in find_products("khuôn dập và chi tiết dập")[0]] == [
        "moulds and dies",
        "stamped parts",
    ]
