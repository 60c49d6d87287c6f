"""Result: tables, a reason per left-out request, statistics, and the independent check."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace

from scheduler.assignment import UNSCHEDULED
from scheduler.check import check_schedule
from scheduler.domain import Meeting, Schedule, ScheduleStats, SolveStatus, Unscheduled
from scheduler.explain import explain_unscheduled
from scheduler.phases.context import Context
from scheduler.problem import Problem
from scheduler.tables import assign_tables


class InternalError(RuntimeError):
    """The solver produced a schedule the independent checker rejects: a bug, never input."""


def check_slots(problem: Problem, slot_of: Sequence[int]) -> None:
    """Raise InternalError unless the checker accepts slot_of (tables assigned) as it is:
    for schedules from an engine whose model the solver does not share."""
    draft = Schedule(event_name=problem.event.name, meetings=_meetings(problem, slot_of))
    violations = check_schedule(problem.event, draft).violations
    if violations:
        raise InternalError("; ".join(violations[:5]))


def _meetings(
    problem: Problem, slot_of: Sequence[int], wanted_tables: Mapping[int, str] | None = None
) -> tuple[Meeting, ...]:
    tables = assign_tables(problem, slot_of, wanted_tables)
    return tuple(
        sorted(
            (
                Meeting(request_id=req.id, slot_idx=slot_of[req.idx], table_id=tables[req.idx])
                for req in problem.requests
                if slot_of[req.idx] != UNSCHEDULED
            ),
            key=lambda m: (m.slot_idx, m.table_id),
        )
    )


def build_schedule(ctx: Context, wanted_tables: Mapping[int, str] | None = None) -> Schedule:
    """The incumbent as a Schedule, accepted by scheduler/check.py or an InternalError.

    `wanted_tables` (request index -> table, see tables.assign_tables) keeps meetings at
    the tables they were published at."""
    p = ctx.problem
    inc = ctx.incumbent
    slot_of = inc.slot_of
    status = inc.status()
    meetings = _meetings(p, slot_of, wanted_tables)
    reasons = explain_unscheduled(p, slot_of)
    unscheduled = tuple(
        Unscheduled(request_id=req.id, reason=reasons[req.idx])
        for req in p.requests
        if slot_of[req.idx] == UNSCHEDULED
    )
    draft = Schedule(event_name=p.event.name, meetings=meetings, unscheduled=unscheduled)
    result = check_schedule(p.event, draft)
    tolerated = (
        ("required but not scheduled", "max_breaks")
        if status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN)
        else ()
    )
    bugs = [v for v in result.violations if not any(t in v for t in tolerated)]
    if bugs:
        raise InternalError("; ".join(bugs[:5]))
    metrics = result.metrics
    message = inc.message
    if status is SolveStatus.INFEASIBLE:
        required = {r.id for r in p.requests if r.required}
        missing = [u for u in unscheduled if u.request_id in required]
        detail = "; ".join(f"{u.request_id}: {u.reason}" for u in missing[:10])
        message = f"{message}. {detail}" if detail else message
    stats = ScheduleStats(
        meetings=metrics.meetings,
        weight=metrics.weight,
        weight_bound=inc.weight_bound,
        breaks=metrics.breaks,
        # Zero is always a valid lower bound; a better one only holds at the proven weight.
        breaks_bound=(inc.breaks_bound or 0) if inc.weight_proven else 0,
        solve_seconds=round(time.monotonic() - ctx.clock.started, 2),
        status=status,
        participants_without_meeting=metrics.participants_without_meeting,
        max_participant_breaks=metrics.max_participant_breaks,
        message=message,
    )
    return replace(draft, stats=stats)
