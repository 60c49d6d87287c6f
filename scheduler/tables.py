"""Tables for the meetings of a timed schedule.

A meeting with a host participant is held at the host's table. Pooled meetings are placed
slot by slot so that people stay put: each meeting first tries the table one of its two
participants sat at last (the busier participant first, as they have more moves to lose),
and only then takes a free table. A re-solve first gives meetings the tables they were
published at (`wanted`, in its order: kept meetings before moved ones).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from scheduler.assignment import UNSCHEDULED
from scheduler.problem import Problem


def assign_tables(
    problem: Problem, slot_of: Sequence[int], wanted: Mapping[int, str] | None = None
) -> list[str]:
    """Table id per request ("" for a request left out). Assumes pooled capacity holds.

    `wanted` (request index -> pooled table id) is honoured where that table is free in the
    meeting's slot, claims taken in the mapping's order.
    """
    event = problem.event
    host_table = event.host_table_of()
    ids = problem.participant_ids
    pooled = sorted(t.id for t in event.tables if t.host is None)
    table_of = [""] * len(problem.requests)
    meetings_of = [0] * problem.n_participants
    by_slot: dict[int, list[int]] = defaultdict(list)
    for req in problem.requests:
        s = slot_of[req.idx]
        if s == UNSCHEDULED:
            continue
        meetings_of[req.a] += 1
        meetings_of[req.b] += 1
        host = host_table.get(ids[req.a]) or host_table.get(ids[req.b])
        if host is not None:
            table_of[req.idx] = host
        else:
            by_slot[s].append(req.idx)

    claims: dict[int, list[int]] = defaultdict(list)
    wanted = wanted or {}
    for r in wanted:
        if slot_of[r] != UNSCHEDULED and not table_of[r]:
            claims[slot_of[r]].append(r)
    last_table: dict[int, str] = {}
    for s in sorted(by_slot):
        requests = [problem.requests[r] for r in by_slot[s]]
        requests.sort(key=lambda q: (-max(meetings_of[q.a], meetings_of[q.b]), q.idx))
        free = set(pooled)
        for r in claims[s]:
            claimed = wanted[r]
            if claimed in free:
                free.discard(claimed)
                table_of[r] = claimed
        waiting = []
        for req in requests:
            if table_of[req.idx]:
                continue
            people = sorted((req.a, req.b), key=lambda who: -meetings_of[who])
            preferred = [last_table[who] for who in people if who in last_table]
            table = next((t for t in preferred if t in free), None)
            if table is None:
                waiting.append(req)
                continue
            free.discard(table)
            table_of[req.idx] = table
        remaining = sorted(free)
        for req, table in zip(waiting, remaining, strict=False):
            table_of[req.idx] = table
        for req in requests:
            for who in (req.a, req.b):
                last_table[who] = table_of[req.idx]
    return table_of
