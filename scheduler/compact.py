"""Fast local search that removes breaks without changing which meetings are held.

Two moves, each kept only when it lowers the total breaks (a plain move now and then also
when it keeps them equal, to walk across plateaus): move one meeting to a slot where both
participants are free, or exchange two slots along a Kempe chain of meetings. Every hard rule is re-checked for the
slots a move touches, so the schedule stays valid; CP-SAT neighbourhoods do the rest.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence

from scheduler.assignment import UNSCHEDULED
from scheduler.problem import Problem


class _State:
    def __init__(self, problem: Problem, slot_of: Sequence[int]) -> None:
        self.p = problem
        self.slot_of = list(slot_of)
        self.busy = [[False] * problem.n_slots for _ in range(problem.n_participants)]
        self.at: list[dict[int, int]] = [{} for _ in range(problem.n_participants)]
        self.pool = [0] * problem.n_slots
        self.resource = [[0] * problem.n_slots for _ in problem.resource_names]
        self.successors: list[list[int]] = [[] for _ in problem.requests]
        for req in problem.requests:
            for earlier in req.after:
                self.successors[earlier].append(req.idx)
            s = self.slot_of[req.idx]
            if s != UNSCHEDULED:
                self._occupy(req.idx, s, 1)

    def _occupy(self, r: int, s: int, sign: int) -> None:
        req = self.p.requests[r]
        for who in (req.a, req.b):
            self.busy[who][s] = sign > 0
            if sign > 0:
                self.at[who][s] = r
            else:
                self.at[who].pop(s, None)
        if req.pooled:
            self.pool[s] += sign
        for k in req.resources:
            self.resource[k][s] += sign

    def day_breaks(self, who: int, day: int) -> int:
        busy = self.busy[who]
        runs = 0
        previous = False
        for s in self.p.day_slots[day]:
            here = busy[s]
            if here and not previous:
                runs += 1
            previous = here
        return max(0, runs - 1)

    def breaks(self, who: int) -> int:
        return sum(self.day_breaks(who, d) for d in range(len(self.p.day_slots)))

    def order_allows(self, r: int, s: int, ignore: int = UNSCHEDULED) -> bool:
        for e in self.p.requests[r].after:
            if e != ignore and self.slot_of[e] != UNSCHEDULED and self.slot_of[e] >= s:
                return False
        return all(
            x == ignore or self.slot_of[x] == UNSCHEDULED or self.slot_of[x] <= s
            for x in self.successors[r]
        )

    def capacity_allows(self, r: int, s: int) -> bool:
        req = self.p.requests[r]
        if req.pooled and self.pool[s] >= self.p.pooled_tables:
            return False
        return all(self.resource[k][s] < self.p.resource_capacity[k] for k in req.resources)


def compact(
    problem: Problem,
    slot_of: Sequence[int],
    *,
    seed: int,
    until: float,
    sideways: float = 0.05,
    plateau: bool = False,
) -> list[int]:
    """slot_of with fewer (never more) breaks in total; the same meetings are held."""
    st = _State(problem, slot_of)
    rng = random.Random(seed)
    cap = problem.max_breaks
    people = [who for who in range(problem.n_participants) if problem.requests_of[who]]
    checks = 0
    while time.monotonic() < until:
        improved = False
        troubled = [who for who in people if st.breaks(who) > 0]
        if not troubled:
            break
        rng.shuffle(troubled)
        for who in troubled:
            mine = [r for r in problem.requests_of[who] if st.slot_of[r] != UNSCHEDULED]
            rng.shuffle(mine)
            for r in mine:
                if _try_move(st, r, rng, cap, sideways) or _try_kempe(st, r, rng, cap, sideways):
                    improved = True
                    break
            checks += 1
            if checks % 64 == 0 and time.monotonic() >= until:
                return st.slot_of
        if not improved and not plateau:
            break
    return st.slot_of


def _affected_breaks(st: _State, people: Sequence[int], days: set[int]) -> int:
    return sum(st.day_breaks(who, d) for who in people for d in days)


def _within_cap(st: _State, people: Sequence[int], cap: int | None) -> bool:
    return cap is None or all(st.breaks(who) <= cap for who in people)


def _try_move(st: _State, r: int, rng: random.Random, cap: int | None, sideways: float) -> bool:
    p = st.p
    req = p.requests[r]
    s = st.slot_of[r]
    people = (req.a, req.b)
    for t in req.slots:
        if t == s or st.busy[req.a][t] or st.busy[req.b][t]:
            continue
        if not st.capacity_allows(r, t) or not st.order_allows(r, t):
            continue
        days = {p.slot_day[s], p.slot_day[t]}
        before = _affected_breaks(st, people, days)
        st._occupy(r, s, -1)
        st._occupy(r, t, 1)
        st.slot_of[r] = t
        after = _affected_breaks(st, people, days)
        if (after < before or (after == before and rng.random() < sideways)) and _within_cap(
            st, people, cap
        ):
            return after < before
        st._occupy(r, t, -1)
        st._occupy(r, s, 1)
        st.slot_of[r] = s
    return False


def _try_kempe(
    st: _State, r: int, rng: random.Random, cap: int | None, sideways: float, limit: int = 40
) -> bool:
    """Swap slots s and t for the chain of meetings linked to r (a Kempe chain).

    In the meetings held at s or t each participant has at most one per slot, so the
    meetings connected to r form a path or a cycle; exchanging their two slots keeps every
    participant in at most one meeting per slot. Capacities and order are re-checked.
    """
    p = st.p
    s = st.slot_of[r]
    for t in p.requests[r].slots:
        if t == s:
            continue
        chain = _chain(st, r, s, t, limit)
        if chain is None:
            continue
        other = {m: t if st.slot_of[m] == s else s for m in chain}
        if any(other[m] not in p.requests[m].slots for m in chain):
            continue
        people = sorted({w for m in chain for w in (p.requests[m].a, p.requests[m].b)})
        days = {p.slot_day[s], p.slot_day[t]}
        before = _affected_breaks(st, people, days)
        for m in chain:
            st._occupy(m, st.slot_of[m], -1)
        old = {m: st.slot_of[m] for m in chain}
        for m in chain:
            st.slot_of[m] = other[m]
        fits = all(st.order_allows(m, other[m]) for m in chain)
        for m in chain:
            fits = fits and st.capacity_allows(m, other[m])
            st._occupy(m, other[m], 1)
        after = _affected_breaks(st, people, days) if fits else before + 1
        if (after < before or (after == before and rng.random() < sideways)) and _within_cap(
            st, people, cap
        ):
            return after < before
        for m in chain:
            st._occupy(m, other[m], -1)
        for m in chain:
            st.slot_of[m] = old[m]
            st._occupy(m, old[m], 1)
    return False


def _chain(st: _State, r: int, s: int, t: int, limit: int) -> list[int] | None:
    p = st.p
    chain = [r]
    seen = {r}
    stack = [r]
    while stack:
        m = stack.pop()
        target = t if st.slot_of[m] == s else s
        for who in (p.requests[m].a, p.requests[m].b):
            n = st.at[who].get(target)
            if n is not None and n not in seen:
                if len(chain) >= limit:
                    return None
                seen.add(n)
                chain.append(n)
                stack.append(n)
    return chain
