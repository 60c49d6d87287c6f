"""The break problem as weighted MaxSAT, after Bofill et al. (JAIR 74, 2022, section 4).

Given which meetings to place (each with the slots it may take), the hard clauses say that
every rule of the event holds, and one unit soft clause per possible *break end* (a
participant busy at a slot, free at the one before, busy earlier that day) costs 1: the
optimum is the fewest breaks. Variables:

- `x[r, s]`: request r is held at slot s (the paper's meetingHeld);
- `busy[p, s]`: participant p meets someone at s (usedSlot), equal to the OR of p's x;
- `seen[p, s]`: p was busy at s or earlier that day (one direction suffices: it only forces);
- `end[p, s]`: a break of p ends at s (endHole), forced by busy, not busy before, seen.

Implied constraints (redundant, they only help the SAT solver): `busy_count` ("busy slots
of p = meetings of p", for participants whose meetings are all held), `slot_capacity`
("busy participants in a slot <= 2 x the meetings it can hold"). Table and resource
cardinalities run over *clusters*: meetings that share a participant are never at the
same slot, so one literal per cluster and slot stands for all of them.

Rules live here once; a meeting the caller wants fixed is one with a single slot. With
`explain=True` the rules that can make the problem infeasible (each required meeting,
each participant's max_breaks and max_meetings, the pooled tables, each resource, each
`after` order) are guarded by a selector literal, so that a SAT solver's core names the
rules in conflict; an implied constraint is guarded by the rules it follows from.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pysat.card import CardEnc, EncType
from pysat.formula import WCNF, IDPool

from scheduler.maxsat.job import EncodingOptions, Rule
from scheduler.problem import Problem

# Cardinality encodings by name (pysat.card.EncType), for the options below.
CARDINALITY = {
    "seqcounter": EncType.seqcounter,
    "totalizer": EncType.totalizer,
    "mtotalizer": EncType.mtotalizer,
    "kmtotalizer": EncType.kmtotalizer,
    "sortnetwrk": EncType.sortnetwrk,
    "cardnetwrk": EncType.cardnetwrk,
}
# At-most-one over this many literals or fewer is written pairwise; beyond, as a ladder.
PAIRWISE_AT_MOST = 6


@dataclass(slots=True)
class BreakFormula:
    """The hard and soft clauses, and the maps to read a model back."""

    wcnf: WCNF
    x: dict[tuple[int, int], int]
    end: dict[tuple[int, int], int]  # (participant, slot) -> literal of its soft clause
    selectors: dict[int, Rule] = field(default_factory=dict)  # with explain=True

    def decode(self, model: Iterable[int]) -> dict[int, int]:
        """Slot per placed request from a model (a request the model leaves out is absent)."""
        true = {lit for lit in model if lit > 0}
        return {r: s for (r, s), v in self.x.items() if v in true}


def encode(
    problem: Problem,
    domains: Mapping[int, Sequence[int]],
    *,
    optional: Iterable[int] = (),
    options: EncodingOptions | None = None,
    explain: bool = False,
) -> BreakFormula:
    """The MaxSAT formula of placing the requests of `domains`, each within its slots.

    Requests in `optional` may be left out (at most one slot); every other one in
    `domains` is held (exactly one slot); requests not in `domains` are not held.
    """
    return _Encoder(
        problem, domains, frozenset(optional), options or EncodingOptions(), explain
    ).formula


class _Encoder:
    def __init__(
        self,
        problem: Problem,
        domains: Mapping[int, Sequence[int]],
        optional: frozenset[int],
        options: EncodingOptions,
        explain: bool,
    ) -> None:
        self.p = problem
        self.domains = {r: tuple(sorted(set(slots))) for r, slots in domains.items()}
        self.optional = optional & set(self.domains)
        self.options = options
        self.card = CARDINALITY[options.cardinality]
        self.pool = IDPool()
        self.wcnf = WCNF()
        self.explain = explain
        self.selectors: dict[int, Rule] = {}
        self._selector_of: dict[Rule, int] = {}

        self.x: dict[tuple[int, int], int] = {}
        self.at: dict[tuple[int, int], list[int]] = defaultdict(list)  # (p, s) -> x literals
        self.meetings_of: dict[int, list[int]] = defaultdict(list)
        for r, slots in sorted(self.domains.items()):
            req = problem.requests[r]
            self.meetings_of[req.a].append(r)
            self.meetings_of[req.b].append(r)
            for s in slots:
                v = self._new(("x", r, s))
                self.x[r, s] = v
                self.at[req.a, s].append(v)
                self.at[req.b, s].append(v)
        self.busy: dict[tuple[int, int], int] = {}
        self.end: dict[tuple[int, int], int] = {}

        self.add_one_slot_per_meeting()
        self.add_one_meeting_per_participant_and_slot()
        self.add_max_meetings()
        self.add_capacity()
        self.add_after()
        self.add_breaks()
        if options.busy_count:
            self.add_busy_count()
        if options.slot_capacity:
            self.add_slot_capacity()
        if options.span:
            self.add_span()
        self.formula = BreakFormula(self.wcnf, self.x, self.end, self.selectors)

    # --- clauses -----------------------------------------------------------------------

    def _new(self, name: tuple[object, ...]) -> int:
        return int(self.pool.id(name))

    def _guard(self, rule: Rule | None) -> list[int]:
        if rule is None or not self.explain:
            return []
        if rule not in self._selector_of:
            v = self._new(("rule", rule.kind, *rule.ids))
            self._selector_of[rule] = v
            self.selectors[v] = rule
        return [-self._selector_of[rule]]

    def hard(self, clause: list[int], rule: Rule | None = None) -> None:
        self.wcnf.append(clause + self._guard(rule))

    def at_most(self, literals: Sequence[int], bound: int, rule: Rule | None = None) -> None:
        if len(literals) <= bound:
            return
        if bound == 0:
            for v in literals:
                self.hard([-v], rule)
            return
        if bound == 1:
            encoding = EncType.pairwise if len(literals) <= PAIRWISE_AT_MOST else EncType.ladder
        else:
            encoding = self.card
        cnf = CardEnc.atmost(list(literals), bound, vpool=self.pool, encoding=encoding)
        for clause in cnf.clauses:
            self.hard(list(clause), rule)

    def equals(self, literals: Sequence[int], bound: int, guard: list[int]) -> None:
        cnf = CardEnc.equals(list(literals), bound, vpool=self.pool, encoding=self.card)
        for clause in cnf.clauses:
            self.wcnf.append(list(clause) + guard)

    # --- rules -------------------------------------------------------------------------

    def add_one_slot_per_meeting(self) -> None:
        """A held meeting takes exactly one of its slots, an optional one at most one."""
        for r, slots in self.domains.items():
            literals = [self.x[r, s] for s in slots]
            if r not in self.optional:
                self.hard(literals, Rule("meeting", (r,)))
            self.at_most(literals, 1)

    def add_one_meeting_per_participant_and_slot(self) -> None:
        """busy[p, s] is the OR of p's meetings at s, of which at most one is held."""
        for (who, s), literals in sorted(self.at.items()):
            if len(literals) == 1:
                self.busy[who, s] = literals[0]
                continue
            u = self._new(("busy", who, s))
            self.busy[who, s] = u
            self.hard([-u, *literals])
            for v in literals:
                self.hard([-v, u])
            self.at_most(literals, 1)

    def add_max_meetings(self) -> None:
        for who, requests in self.meetings_of.items():
            cap = self.p.max_meetings[who]
            if cap < len(requests):
                busy = [v for (p, _), v in sorted(self.busy.items()) if p == who]
                self.at_most(busy, cap, Rule("max_meetings", (who,)))

    def add_capacity(self) -> None:
        """Pooled tables and resources: per slot, at most their capacity in use."""
        pooled = [r for r in self.domains if self.p.requests[r].pooled]
        self._cap_per_slot(pooled, self.p.pooled_tables, Rule("tables"))
        for k, capacity in enumerate(self.p.resource_capacity):
            users = [r for r in self.domains if k in self.p.requests[r].resources]
            self._cap_per_slot(users, capacity, Rule("resource", (k,)))

    def _cap_per_slot(self, requests: Sequence[int], capacity: int, rule: Rule) -> None:
        groups = self._clusters(requests) if self.options.clusters else [[r] for r in requests]
        per_slot: dict[int, list[int]] = defaultdict(list)
        for g, members in enumerate(groups):
            slots = sorted({s for r in members for s in self.domains[r]})
            for s in slots:
                literals = [self.x[r, s] for r in members if (r, s) in self.x]
                if len(literals) == 1:
                    per_slot[s].append(literals[0])
                    continue
                # One direction: the cluster literal may be true with no meeting, which
                # only tightens the cap, and a solver never needs that.
                c = self._new(("cluster", rule.kind, *rule.ids, g, s))
                for v in literals:
                    self.hard([-v, c])
                per_slot[s].append(c)
        for s in sorted(per_slot):
            self.at_most(per_slot[s], capacity, rule)

    def _clusters(self, requests: Sequence[int]) -> list[list[int]]:
        """Requests grouped so that the members of a group share a participant: greedily,
        the participant with the most requests not yet grouped takes them all."""
        left = set(requests)
        by_participant: dict[int, set[int]] = defaultdict(set)
        for r in requests:
            by_participant[self.p.requests[r].a].add(r)
            by_participant[self.p.requests[r].b].add(r)
        groups: list[list[int]] = []
        while left:
            who = max(sorted(by_participant), key=lambda p: len(by_participant[p] & left))
            members = sorted(by_participant[who] & left)
            groups.append(members)
            left -= set(members)
        return groups

    def add_after(self) -> None:
        """A request comes after each request of its `after` list that is held too."""
        for r, slots in self.domains.items():
            for earlier in self.p.requests[r].after:
                if earlier not in self.domains:
                    continue
                rule = Rule("after", (r, earlier))
                before = self.domains[earlier]
                for s in slots:
                    if earlier in self.optional:
                        for t in before:
                            if t >= s:
                                self.hard([-self.x[r, s], -self.x[earlier, t]], rule)
                    else:
                        sooner = [self.x[earlier, t] for t in before if t < s]
                        self.hard([-self.x[r, s], *sooner], rule)

    def add_breaks(self) -> None:
        """end[p, s] wherever a break of p can end; soft clause: not end. max_breaks caps
        the ends per participant."""
        cap = self.p.max_breaks
        for who in sorted(self.meetings_of):
            ends: list[int] = []
            for day in self.p.day_slots:
                ends.extend(self._day_ends(who, day))
            if cap is not None:
                self.at_most(ends, cap, Rule("max_breaks", (who,)))

    def _day_ends(self, who: int, day: Sequence[int]) -> list[int]:
        """The break-end literals of one participant-day; None stands for a literal known
        to be false (p cannot be busy there, or cannot have been busy yet)."""
        ends: list[int] = []
        previous: int | None = None  # busy at the slot before
        seen_two_back: int | None = None  # busy at some slot before the slot before
        seen_one_back: int | None = None  # busy at the slot before or earlier
        for s in day:
            here = self.busy.get((who, s))
            if here is not None and seen_two_back is not None:
                e = self._new(("end", who, s))
                clause = [-here, -seen_two_back, e]
                if previous is not None:
                    clause.append(previous)
                self.hard(clause)
                self.wcnf.append([-e], weight=1)
                self.end[who, s] = e
                ends.append(e)
            seen_here = self._either(seen_one_back, here, ("seen", who, s))
            seen_two_back, seen_one_back, previous = seen_one_back, seen_here, here
        return ends

    def _either(self, a: int | None, b: int | None, name: tuple[object, ...]) -> int | None:
        """A literal implied by a and by b (one direction only: it may be true alone)."""
        if a is None or b is None:
            return b if a is None else a
        v = self._new(name)
        self.hard([-a, v])
        self.hard([-b, v])
        return v

    def add_busy_count(self) -> None:
        """Implied: a participant whose meetings are all held is busy at exactly that many
        slots."""
        for who, requests in sorted(self.meetings_of.items()):
            if any(r in self.optional for r in requests):
                continue
            busy = [v for (p, _), v in sorted(self.busy.items()) if p == who]
            if len(busy) > len(requests):
                self.equals(busy, len(requests), self._implied_by_meetings(who, requests))

    def _implied_by_meetings(self, who: int, requests: Sequence[int]) -> list[int]:
        """The guard of a constraint implied by holding all these requests: in an
        explanation, a literal forced once every one of their rules is on."""
        if not self.explain:
            return []
        on = self._new(("all held", who))
        self.wcnf.append([on, *(g for r in requests for g in self._guard(Rule("meeting", (r,))))])
        return [-on]

    def add_span(self) -> None:
        """Implied: a participant busy at two slots of a day further apart than they have
        meetings is free somewhere between, so a break ends between them. With every break
        end assumed false (as core-guided MaxSAT starts), these are binary clauses that
        keep a compact day within a window of its length."""
        for who, requests in sorted(self.meetings_of.items()):
            most = len(requests)
            for day in self.p.day_slots:
                positions = [(i, s) for i, s in enumerate(day) if (who, s) in self.busy]
                for (i, s), (j, t) in itertools.combinations(positions, 2):
                    if j - i < most:
                        continue
                    between = [self.end[who, u] for u in day[i + 2 : j + 1] if (who, u) in self.end]
                    self.hard([-self.busy[who, s], -self.busy[who, t], *between])

    def add_slot_capacity(self) -> None:
        """Implied: in a slot, busy participants are twice the meetings held, and meetings
        are at most the pooled tables plus the hosts who can meet then."""
        hosts = set(self.p.event.host_table_of())
        host_idx = {i for i, pid in enumerate(self.p.participant_ids) if pid in hosts}
        per_slot: dict[int, list[int]] = defaultdict(list)
        for (_who, s), v in sorted(self.busy.items()):
            per_slot[s].append(v)
        for s, literals in sorted(per_slot.items()):
            hosting = sum(1 for (who, t) in self.busy if t == s and who in host_idx)
            self.at_most(literals, 2 * (self.p.pooled_tables + hosting), Rule("tables"))
