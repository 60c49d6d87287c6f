"""Small deterministic events built in code, one rule at a time."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from scheduler.assignment import UNSCHEDULED
from scheduler.check import check_schedule
from scheduler.domain import (
    Event,
    Meeting,
    MeetingRequest,
    Participant,
    Schedule,
    Session,
    Table,
    TimeRange,
)
from scheduler.greedy import packing_greedy
from scheduler.incumbent import Incumbent
from scheduler.phases.context import Clock, Context
from scheduler.problem import compile_event
from scheduler.solve import SolveParams, solve
from scheduler.tables import assign_tables

DAY = datetime(2026, 11, 19, 9, 0)
# Unit tests are reproducible: one worker, fixed seed, instances that solve to OPTIMAL.
EXACT = SolveParams(time_limit=20, workers=1, seed=0)


def at(slot: int, day: int = 0) -> datetime:
    """Start of the n-th 20-minute slot of a morning session starting 09:00."""
    return DAY + timedelta(days=day, minutes=20 * slot)


def session(sid: str = "am", slots: int = 4, day: int = 0, start_slot: int = 0) -> Session:
    return Session(id=sid, start=at(start_slot, day), end=at(start_slot + slots, day))


def person(pid: str, **kwargs: object) -> Participant:
    return Participant(id=pid, **kwargs)  # type: ignore[arg-type]


def request(rid: str, a: str, b: str, **kwargs: object) -> MeetingRequest:
    return MeetingRequest(id=rid, from_id=a, to_id=b, **kwargs)  # type: ignore[arg-type]


def event(
    people: Sequence[Participant | str],
    requests: list[MeetingRequest],
    *,
    sessions: tuple[Session, ...] | None = None,
    tables: int = 10,
    host_tables: dict[str, str] | None = None,
    resources: tuple[tuple[str, int], ...] = (),
    max_breaks: int | None = None,
) -> Event:
    participants = tuple(person(p) if isinstance(p, str) else p for p in people)
    table_rows = [Table(id=f"T{i + 1:02d}") for i in range(tables)]
    table_rows += [Table(id=t, host=h) for h, t in (host_tables or {}).items()]
    return Event(
        name="test event",
        timezone="Asia/Ho_Chi_Minh",
        slot_minutes=20,
        sessions=sessions or (session(),),
        resources=resources,
        max_breaks=max_breaks,
        tables=tuple(table_rows),
        participants=participants,
        requests=tuple(requests),
    )


def unavailable(first_slot: int, last_slot: int) -> tuple[TimeRange, ...]:
    return (TimeRange(start=at(first_slot), end=at(last_slot + 1)),)


def solved(ev: Event, params: SolveParams = EXACT) -> Schedule:
    """Solve and insist the independent checker accepts the result."""
    schedule = solve(ev, params)
    result = check_schedule(ev, schedule)
    assert result.ok, result.violations
    return schedule


def slot_of(schedule: Schedule, request_id: str) -> int | None:
    return next((m.slot_idx for m in schedule.meetings if m.request_id == request_id), None)


def scheduled(schedule: Schedule) -> set[str]:
    return {m.request_id for m in schedule.meetings}


def context(ev: Event, seconds: float = 20.0, seed: int = 0) -> Context:
    """A search context on ev for running one phase on its own (one worker, reproducible)."""
    problem = compile_event(ev)
    clock = Clock.start(seconds, lambda: False)
    return Context(
        problem=problem,
        params=SolveParams(time_limit=seconds, workers=1, seed=seed),
        clock=clock,
        incumbent=Incumbent(problem, lambda _: None, clock.started),
        rng=random.Random(seed),
    )


def slots_by_id(ctx: Context, **slot_of_request: int) -> list[int]:
    """A slot-per-request list from request ids (R1=0, R2=3); the others unscheduled."""
    out = [UNSCHEDULED] * len(ctx.problem.requests)
    for req in ctx.problem.requests:
        out[req.idx] = slot_of_request.get(req.id, UNSCHEDULED)
    return out


def greedy_schedule(ev: Event) -> Schedule:
    """A valid schedule in milliseconds (the packing greedy, tables assigned): a published
    version to re-solve from when its quality does not matter."""
    problem = compile_event(ev)
    slot_of = packing_greedy(problem)
    tables = assign_tables(problem, slot_of)
    meetings = tuple(
        sorted(
            (
                Meeting(request_id=r.id, slot_idx=slot_of[r.idx], table_id=tables[r.idx])
                for r in problem.requests
                if slot_of[r.idx] != UNSCHEDULED
            ),
            key=lambda m: (m.slot_idx, m.table_id),
        )
    )
    schedule = Schedule(event_name=ev.name, meetings=meetings)
    result = check_schedule(ev, schedule)
    assert result.ok, result.violations
    return schedule


# Two tiny events with known fewest breaks, shared by the tests of every breaks engine.
def forced_break() -> Event:
    """A meets B only in slot 0 and C only in slot 2 (both required): one break at best."""
    return event(
        ["A", person("B", available=("s0",)), person("C", available=("s2",))],
        [request("R1", "A", "B", required=True), request("R2", "A", "C", required=True)],
        sessions=(session("s0", 1), session("s1", 1, start_slot=1), session("s2", 1, start_slot=2)),
    )


def fillable_gap() -> Event:
    """A meets B in slot 0 only, C in slot 1 or 3, D anywhere: 0 breaks with C at 1, D at 2."""
    return event(
        ["A", person("B", available=("s0",)), person("C", available=("s1", "s3")), "D"],
        [
            request("R1", "A", "B", required=True),
            request("R2", "A", "C", required=True),
            request("R3", "A", "D", required=True),
        ],
        sessions=tuple(session(f"s{i}", 1, start_slot=i) for i in range(4)),
    )
