"""What the MaxSAT engine is asked to solve, and how: plain data, sent to its worker process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from scheduler.problem import Problem

# "minimise": the fewest breaks (RC2); "feasible": any placement keeping every rule (SAT).
Mode = Literal["minimise", "feasible"]


@dataclass(frozen=True, slots=True, order=True)
class Rule:
    """A rule an explanation of infeasibility can name: kind "meeting" (request r must be
    held), "max_breaks" (participant p), "max_meetings" (p), "tables" (the pooled tables),
    "resource" (k), "after" (request r after request e)."""

    kind: str
    ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class EncodingOptions:
    """Which optional parts of the encoding to add (scheduler/maxsat/encoding.py)."""

    busy_count: bool = True  # implied constraint 1: busy slots of p = meetings of p
    slot_capacity: bool = False  # implied constraint 2: busy people <= 2 x meetings a slot holds
    span: bool = False  # busy at two slots further apart than p's meetings: a break between
    clusters: bool = True  # table and resource caps over clusters of meetings
    cardinality: str = "seqcounter"  # pysat.card encoding of caps above one


@dataclass(frozen=True, slots=True)
class Config:
    """One configuration of the engine: the encoding, RC2's SAT back-end and its options."""

    solver: str = "glucose4"  # a pysat.solvers name
    options: EncodingOptions = field(default_factory=EncodingOptions)
    exhaust: bool = False  # RC2 core exhaustion
    minz: bool = False  # RC2 heuristic core minimisation

    @property
    def name(self) -> str:
        implied = "imp1" if self.options.busy_count else "noimp"
        if self.options.slot_capacity:
            implied += "+imp2"
        return f"{self.solver}/{implied}"


@dataclass(frozen=True, slots=True)
class Job:
    """Place the requests of `domains` (request index -> slots it may take) with the fewest
    breaks; those in `optional` may be left out, every other one must be held."""

    problem: Problem
    domains: dict[int, tuple[int, ...]]
    optional: frozenset[int]
    config: Config
    mode: Mode = "minimise"
