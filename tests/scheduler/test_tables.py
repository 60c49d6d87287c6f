"""Pooled tables: people stay at their table from one meeting to the next."""

from __future__ import annotations

from tests.scheduler.factories import at, event, request, solved


def test_a_participant_keeps_their_pooled_table() -> None:
    # S meets three buyers in a row; whichever table S gets, S should not move.
    ev = event(
        ["S", "B1", "B2", "B3", "X", "Y"],
        [
            request("R0", "X", "Y", fixed=at(0)),
            request("R1", "S", "B1", fixed=at(0)),
            request("R2", "S", "B2", fixed=at(1)),
            request("R3", "S", "B3", fixed=at(2)),
            request("R4", "X", "B2", fixed=at(2)),
        ],
        tables=3,
    )
    schedule = solved(ev)
    table = {m.request_id: m.table_id for m in schedule.meetings}
    assert table["R1"] == table["R2"] == table["R3"]
    assert table["R4"] == table["R0"]  # X stays too
