"""Properties of the re-solve on random events and random changes (hypothesis).

Each example: a small random event, its published schedule (the packing greedy's), a few
random changes (people leaving or arriving late, requests withdrawn or new, a table or an
interpreter fewer), then the re-solve. Examples are derandomised and few, so the suite
stays quick and a failure reproduces.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.assignment import UNSCHEDULED, evaluate
from scheduler.check import check_schedule
from scheduler.domain import Event, MeetingRequest, Participant, Schedule, Table, TimeRange
from scheduler.greedy import Occupancy, packing_greedy
from scheduler.problem import Problem, compile_event
from scheduler.resolve import published_meetings, resolve
from tests.scheduler.factories import EXACT, at, greedy_schedule, session

PROPERTY = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
INTERPRETER = "interpreter:ko"


@dataclass(frozen=True)
class Scenario:
    before: Event
    published: Schedule
    after: Event


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    days = draw(st.integers(1, 2))
    slots = draw(st.integers(2, 4))
    buyers = [f"B{i}" for i in range(draw(st.integers(2, 3)))]
    suppliers = [f"S{i}" for i in range(draw(st.integers(3, 5)))]
    host = draw(st.booleans())
    tables = [Table(id=f"T{i}") for i in range(draw(st.integers(1, 2)))]
    if host:
        tables.append(Table(id="H0", host=buyers[0]))
    interpreters = draw(st.integers(0, 2))
    people = [_person(draw, who, days, slots) for who in buyers + suppliers]
    pairs = [(s, b) for b in buyers for s in suppliers]
    chosen = draw(
        st.lists(st.sampled_from(pairs), unique=True, min_size=len(pairs) // 2, max_size=len(pairs))
    )
    requests = [_request(draw, f"R{i}", pair, interpreters) for i, pair in enumerate(chosen)]
    before = Event(
        name="random",
        timezone="Asia/Ho_Chi_Minh",
        slot_minutes=20,
        sessions=tuple(session(f"d{d}", slots, day=d) for d in range(days)),
        resources=((INTERPRETER, interpreters),) if interpreters else (),
        tables=tuple(tables),
        participants=tuple(people),
        requests=tuple(requests),
    )
    published = greedy_schedule(before)
    after = before
    left = [pair for pair in pairs if pair not in chosen]
    kinds = ["leave", "late", "withdraw", "new", "table", "interpreter"]
    for kind in draw(st.lists(st.sampled_from(kinds), min_size=1, max_size=4)):
        after = _change(draw, kind, after, left, slots, days)
    return Scenario(before=before, published=published, after=after)


def _person(draw: st.DrawFn, who: str, days: int, slots: int) -> Participant:
    away = []
    if draw(st.booleans()):
        d = draw(st.integers(0, days - 1))
        first = draw(st.integers(0, slots - 1))
        away.append(
            TimeRange(start=at(first, d), end=at(draw(st.integers(first, slots - 1)) + 1, d))
        )
    return Participant(id=who, unavailable=tuple(away))


def _request(draw: st.DrawFn, rid: str, pair: tuple[str, str], interpreters: int) -> MeetingRequest:
    needs = interpreters > 0 and draw(st.booleans())
    return MeetingRequest(
        id=rid,
        from_id=pair[0],
        to_id=pair[1],
        priority=draw(st.integers(1, 3)),
        requires=(INTERPRETER,) if needs else (),
    )


def _change(
    draw: st.DrawFn, kind: str, ev: Event, left: list[tuple[str, str]], slots: int, days: int
) -> Event:
    ids = [p.id for p in ev.participants]
    if kind == "leave" and len(ids) > 2:
        gone = draw(st.sampled_from(ids))
        return replace(
            ev,
            participants=tuple(p for p in ev.participants if p.id != gone),
            requests=tuple(r for r in ev.requests if gone not in r.pair),
            tables=tuple(t for t in ev.tables if t.host != gone),
        )
    if kind == "late":
        who = draw(st.sampled_from(ids))
        d = draw(st.integers(0, days - 1))
        late = TimeRange(start=at(0, d), end=at(draw(st.integers(1, slots)), d))
        return replace(
            ev,
            participants=tuple(
                replace(p, unavailable=(*p.unavailable, late)) if p.id == who else p
                for p in ev.participants
            ),
        )
    if kind == "withdraw" and ev.requests:
        rid = draw(st.sampled_from([r.id for r in ev.requests]))
        return replace(ev, requests=tuple(r for r in ev.requests if r.id != rid))
    present = set(ids)
    fresh = [pair for pair in left if set(pair) <= present]
    if kind == "new" and fresh:
        pair = draw(st.sampled_from(fresh))
        left.remove(pair)
        capacity = dict(ev.resources).get(INTERPRETER, 0)
        return replace(ev, requests=(*ev.requests, _request(draw, f"N{len(left)}", pair, capacity)))
    pooled = [t.id for t in ev.tables if t.host is None]
    if kind == "table" and pooled:
        gone = draw(st.sampled_from(pooled))
        return replace(ev, tables=tuple(t for t in ev.tables if t.id != gone))
    if kind == "interpreter" and ev.resources:
        return replace(ev, resources=((INTERPRETER, max(0, ev.resources[0][1] - 1)),))
    return ev


# --- what "still fits" means, from the event's own rules ----------------------------------


def fitting(scenario: Scenario) -> dict[str, tuple[int, str]]:
    """Published meetings whose request is still in the event between the same two people
    and could be held at their slot if nothing else were: request id -> (slot, table)."""
    old = scenario.before.request_by_id()
    problem = compile_event(scenario.after)
    now = {r.id: r for r in problem.requests}
    slot_at = {s.start: s.idx for s in scenario.after.slots}
    out = {}
    for m in scenario.published.meetings:
        req = now.get(m.request_id)
        start = scenario.before.slots[m.slot_idx].start
        same_pair = req is not None and {
            problem.participant_ids[req.a],
            problem.participant_ids[req.b],
        } == set(old[m.request_id].pair)
        if req is not None and same_pair and slot_at.get(start) in req.slots:
            out[m.request_id] = (slot_at[start], m.table_id)
    return out


def excess(problem: Problem, fits: dict[str, tuple[int, str]]) -> Counter[int]:
    """Per slot, how many fitting meetings too many its pooled tables and interpreters hold."""
    requests = {r.id: r for r in problem.requests}
    pooled: Counter[int] = Counter()
    resource: Counter[tuple[int, int]] = Counter()
    for rid, (s, _) in fits.items():
        req = requests[rid]
        pooled[s] += req.pooled
        for k in req.resources:
            resource[k, s] += 1
    out: Counter[int] = Counter()
    for s, n in pooled.items():
        out[s] += max(0, n - problem.pooled_tables)
    for (k, s), n in resource.items():
        out[s] += max(0, n - problem.resource_capacity[k])
    return out


def resolved(scenario: Scenario) -> Schedule:
    return resolve(scenario.after, published_meetings(scenario.published, scenario.before), EXACT)


# --- properties ---------------------------------------------------------------------------


@PROPERTY
@given(scenarios())
def test_the_result_passes_the_independent_checker(scenario: Scenario) -> None:
    result = check_schedule(scenario.after, resolved(scenario))
    assert result.ok, result.violations


@PROPERTY
@given(scenarios())
def test_every_meeting_that_still_fits_stays_at_its_slot_and_table(scenario: Scenario) -> None:
    """Where the fitting meetings of a slot are not too many for its tables and
    interpreters, each stays, at its table when that table is still a pooled one."""
    fits = fitting(scenario)
    problem = compile_event(scenario.after)
    over = excess(problem, fits)
    pooled = {t.id for t in scenario.after.tables if t.host is None}
    held = {m.request_id: (m.slot_idx, m.table_id) for m in resolved(scenario).meetings}
    requests = {r.id: r for r in problem.requests}
    for rid, (s, table) in fits.items():
        if over[s]:
            continue
        expected_table = table if not requests[rid].pooled or table in pooled else held[rid][1]
        assert held.get(rid) == (s, expected_table), rid


@PROPERTY
@given(scenarios())
def test_no_more_fitting_meetings_leave_a_slot_than_it_has_too_many(scenario: Scenario) -> None:
    fits = fitting(scenario)
    problem = compile_event(scenario.after)
    over = excess(problem, fits)
    held = {m.request_id: m.slot_idx for m in resolved(scenario).meetings}
    leaving = Counter(s for rid, (s, _) in fits.items() if held.get(rid) != s)
    assert all(n <= over[s] for s, n in leaving.items()), (leaving, over)


@PROPERTY
@given(scenarios())
def test_added_weight_is_never_below_a_greedy_fill_of_the_freed_capacity(
    scenario: Scenario,
) -> None:
    """The meetings that stayed at their slots fixed, two greedy fills of everything else
    (by priority into the earliest slot, and the packing greedy) add no more weight."""
    schedule = resolved(scenario)
    problem = compile_event(scenario.after)
    fits = fitting(scenario)
    index = {r.id: r.idx for r in problem.requests}
    stay = [UNSCHEDULED] * len(problem.requests)
    for m in schedule.meetings:
        if fits.get(m.request_id, (None,))[0] == m.slot_idx:
            stay[index[m.request_id]] = m.slot_idx
    stayed = evaluate(problem, stay).weight
    ours = sum(problem.requests[index[m.request_id]].weight for m in schedule.meetings)
    greedy = max(
        _by_priority(problem, stay), evaluate(problem, packing_greedy(problem, stay)).weight
    )
    assert ours - stayed >= greedy - stayed


def _by_priority(problem: Problem, stay: list[int]) -> int:
    occupancy = Occupancy(problem)
    for r, s in enumerate(stay):
        if s != UNSCHEDULED:
            occupancy.place(r, s)
    for req in sorted(problem.requests, key=lambda q: -q.weight):
        if occupancy.slot_of[req.idx] != UNSCHEDULED:
            continue
        for s in req.slots:
            if occupancy.can_place(req.idx, s):
                occupancy.place(req.idx, s)
                break
    return evaluate(problem, occupancy.slot_of).weight
