"""The benchmark's event shapes (bench.shapes) are what their names say."""

from __future__ import annotations

from collections import Counter

import pytest

from bench.shapes import SHAPES, generate
from scheduler.domain import Event
from scheduler.formats import event_to_json, parse_event


def shaped(name: str) -> Event:
    return generate(SHAPES[name], seed=1)


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_shape_is_a_one_day_event_of_200_to_300_participants(name: str) -> None:
    event = shaped(name)
    assert len({s.start.date() for s in event.sessions}) == 1
    assert 200 <= len(event.participants) <= 300


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_each_shape_reads_back_as_b2b_event_1(name: str) -> None:
    event = shaped(name)
    assert parse_event(event_to_json(event)) == event


def test_the_same_seed_gives_the_same_event_and_another_seed_another() -> None:
    shape = SHAPES["partial"]
    assert generate(shape, 1) == generate(shape, 1)
    assert generate(shape, 1) != generate(shape, 2)


def test_popular_buyers_receive_30_requests_or_more() -> None:
    event = shaped("popular")
    received = Counter(r.to_id for r in event.requests) + Counter(r.from_id for r in event.requests)
    assert sum(1 for who, n in received.items() if who.startswith("FB") and n >= 30) >= 5


def test_pooled_has_no_host_table_and_hosted_no_pooled_one() -> None:
    assert not any(t.host for t in shaped("pooled").tables)
    assert all(t.host for t in shaped("hosted").tables)


def test_hosted_meetings_are_all_at_a_suppliers_booth() -> None:
    event = shaped("hosted")
    hosts = set(event.host_table_of())
    assert all(
        len(hosts & {r.from_id, r.to_id}) == 1 and (hosts & {r.from_id, r.to_id}).pop()[:2] == "VS"
        for r in event.requests
    )


def test_partial_has_many_people_away_part_of_the_day() -> None:
    event = shaped("partial")
    away = sum(1 for p in event.participants if p.available is not None or p.unavailable)
    assert away >= 0.4 * len(event.participants)
