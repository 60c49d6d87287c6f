"""A refutation's rules in an organiser's words: which required requests, which rules."""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.maxsat.job import Rule
from scheduler.problem import Problem

# Ids listed in full up to this many; beyond, "and N more".
LISTED = 12


def describe(problem: Problem, rules: Sequence[Rule]) -> str:
    """One sentence: the required requests that cannot all be held, and the rules that,
    with the participants' availability, sessions and fixed times, stop them."""
    ids = [problem.requests[rule.ids[0]].id for rule in sorted(rules) if rule.kind == "meeting"]
    head = (
        f"the required requests {_listed(ids)} cannot all be held"
        if ids
        else "the event's rules cannot all hold"
    )
    limits = [text for rule in sorted(rules) if (text := _limit(problem, rule))]
    breaking = [problem.participant_ids[r.ids[0]] for r in sorted(rules) if r.kind == "max_breaks"]
    if breaking:
        limits.append(f"max_breaks {problem.max_breaks} for {_listed(breaking)}")
    if not limits:
        return f"{head}: their participants' availability, sessions and fixed times leave no room"
    return f"{head} with " + "; ".join(limits)


def _limit(problem: Problem, rule: Rule) -> str:
    if rule.kind == "tables":
        return f"{problem.pooled_tables} pooled tables a slot"
    if rule.kind == "resource":
        k = rule.ids[0]
        return f"{problem.resource_names[k]} for {problem.resource_capacity[k]} meetings a slot"
    if rule.kind == "after":
        later, earlier = (problem.requests[r].id for r in rule.ids)
        return f"{later} after {earlier}"
    if rule.kind == "max_meetings":
        who = rule.ids[0]
        return f"at most {problem.max_meetings[who]} meetings for {problem.participant_ids[who]}"
    return ""  # "meeting" and "max_breaks": named above, in one phrase each


def _listed(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:LISTED])
    return shown if len(ids) <= LISTED else f"{shown} and {len(ids) - LISTED} more"
