"""solve(event, params) -> Schedule: phases, bounds and status around the CP-SAT model.

1. Bounds: the LP relaxation caps the total weight.
2. Start: the packing greedy (or a previous schedule); if it misses a required meeting or
   breaks max_breaks, a full CP-SAT feasibility solve repairs it, or proves it cannot be done.
3. Weight: on events small enough, the full model without break variables, warm-started,
   proves the best weight; otherwise the large-neighbourhood search below raises it.
4. Breaks: large-neighbourhood search (free the meetings of a few participants, or of a few
   slots, re-solve that part exactly, keep the result when it is no worse); on small events
   the full lexicographic model finishes the job and proves a lower bound on breaks.
5. Tables, explanations, and the independent checker over the result.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from scheduler.bounds import class_selection, weight_upper_bound
from scheduler.check import check_schedule
from scheduler.compact import compact
from scheduler.domain import (
    Event,
    Meeting,
    Schedule,
    ScheduleStats,
    SolveStatus,
    Unscheduled,
)
from scheduler.explain import explain_unscheduled
from scheduler.greedy import Occupancy, packing_greedy
from scheduler.model import UNSCHEDULED, ObjectiveWeights, ScheduleModel
from scheduler.problem import Problem, compile_event
from scheduler.tables import assign_tables

# Full models up to this many (request, slot) variables are solved whole; beyond, only LNS.
FULL_MODEL_MAX_VARIABLES = 60_000
# Time limit of one neighbourhood re-solve: many quick steps beat few long ones (measured).
LNS_STEP_SECONDS = 0.3
# Probability of taking a move that keeps the breaks equal in the plateau walk (measured on
# the 270-participant sample from the greedy, 15 s: 0.05 -> 39 breaks, 0.3 -> 23, 0.6 -> 22).
PLATEAU_SIDEWAYS = 0.5
# Exact break models (minimisation, "at most K breaks" probes) up to this many variables.
EXACT_BREAKS_MAX_VARIABLES = 10_000
# Time for refuting one "at most K breaks" before the probe moves on to finding a schedule.
PROBE_REFUTE_SECONDS = 2.0
# Select-then-time: the slot-class MIP runs on events up to this many (request, slot) pairs
# (its class variables are far fewer), within this share of the time limit. Measured on the
# 850-participant sample (120 s): the selection alone reaches 9969 in 45 s and 9972 in 70 s
# (LP bound 9974), while the breaks fall far below the target within 15 s of timing.
SELECTION_MAX_VARIABLES = 400_000
SELECTION_SHARE = 0.6
SCIP_MAX_VARIABLES = 30_000
# Share of the time limit given to the weight phase when it runs the full model.
WEIGHT_PHASE_SHARE = 0.35


@dataclass(frozen=True, slots=True, kw_only=True)
class SolveParams:
    time_limit: float = 30.0
    workers: int = 2
    seed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    elapsed: float
    phase: str
    meetings: int
    weight: int
    weight_bound: int | None
    breaks: int | None
    breaks_bound: int | None = None


ProgressCallback = Callable[[Progress], None]
StopCallback = Callable[[], bool]


@dataclass(frozen=True, slots=True, kw_only=True, order=True)
class Score:
    """Lexicographic quality of a complete schedule: compare with < and >."""

    weight: int
    neg_breaks: int
    neg_idle: int

    @property
    def breaks(self) -> int:
        return -self.neg_breaks


class InternalError(RuntimeError):
    """The solver produced a schedule the independent checker rejects: a bug, never input."""


def solve(
    event: Event,
    params: SolveParams | None = None,
    *,
    on_progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    previous: Schedule | None = None,
) -> Schedule:
    """Best schedule found within the time limit, with its bounds, checked independently."""
    problem = compile_event(event)
    search = _Search(
        problem,
        params or SolveParams(),
        on_progress or (lambda _: None),
        should_stop or (lambda: False),
    )
    slot_of = search.run(_previous_slots(problem, previous))
    return search.schedule(slot_of)


def _previous_slots(problem: Problem, previous: Schedule | None) -> list[int] | None:
    """The previous schedule's meetings that still fit the event, in time order.

    The event may have changed since (a new unavailability, a dropped request): a meeting
    that no longer fits is left out rather than trusted.
    """
    if previous is None:
        return None
    index = {r.id: r.idx for r in problem.requests}
    occupancy = Occupancy(problem)
    for meeting in sorted(previous.meetings, key=lambda m: m.slot_idx):
        r = index.get(meeting.request_id)
        s = meeting.slot_idx
        if r is not None and s in problem.requests[r].slots and occupancy.can_place(r, s):
            occupancy.place(r, s)
    return occupancy.slot_of


def evaluate(problem: Problem, slot_of: Sequence[int]) -> Score:
    """Weight, breaks and idle participants of a complete assignment (no feasibility check)."""
    busy: list[set[int]] = [set() for _ in range(problem.n_participants)]
    weight = 0
    for req in problem.requests:
        s = slot_of[req.idx]
        if s != UNSCHEDULED:
            weight += req.weight
            busy[req.a].add(s)
            busy[req.b].add(s)
    breaks = sum(breaks_of(problem, slots) for slots in busy)
    idle = sum(
        1
        for who, slots in enumerate(busy)
        if not slots and any(problem.requests[r].slots for r in problem.requests_of[who])
    )
    return Score(weight=weight, neg_breaks=-breaks, neg_idle=-idle)


def breaks_of(problem: Problem, busy: set[int]) -> int:
    total = 0
    for day in problem.day_slots:
        runs = sum(1 for i, s in enumerate(day) if s in busy and (i == 0 or day[i - 1] not in busy))
        total += max(0, runs - 1)
    return total


class _Search:
    def __init__(
        self,
        problem: Problem,
        params: SolveParams,
        on_progress: ProgressCallback,
        should_stop: StopCallback,
    ) -> None:
        self.problem = problem
        self.params = params
        self.on_progress = on_progress
        self.should_stop = should_stop
        self.started = time.monotonic()
        self.deadline = self.started + max(params.time_limit, 0.0)
        self.rng = random.Random(params.seed)
        self.best: list[int] = [UNSCHEDULED] * len(problem.requests)
        self.best_score = evaluate(problem, self.best)
        self.weight_bound: int | None = None
        self.weight_proven = False
        self.breaks_bound: int | None = None
        self.breaks_proven = False
        self.status = SolveStatus.UNKNOWN
        self.message: str | None = None
        self.schedulable = [r.idx for r in problem.requests if r.slots]
        self.n_variables = sum(len(r.slots) for r in problem.requests)
        self.all_required = all(problem.requests[r].required for r in self.schedulable)

    # --- driver ------------------------------------------------------------------------

    def run(self, previous: list[int] | None) -> list[int]:
        if any(r.required and not r.slots for r in self.problem.requests):
            return self._give_up_required("a required meeting has no possible slot")
        bound = weight_upper_bound(self.problem)
        if not bound.feasible:
            return self._give_up_required("the required meetings cannot all be held")
        self.weight_bound = bound.value
        start = previous if previous is not None and self._feasible(previous) else None
        if start is None:
            start = packing_greedy(self.problem)
        self._offer(start, "greedy")
        if not self._feasible(self.best):
            found = self._repair()
            if found is None:
                return self.best
        self._prove_weight_if_fixed()
        self._compact()
        if not self.weight_proven and self.n_variables <= SELECTION_MAX_VARIABLES:
            self._select_and_time(self._after(SELECTION_SHARE))
            self._compact()
        if not self.weight_proven and self.n_variables <= FULL_MODEL_MAX_VARIABLES:
            self._full_weight(self._after(WEIGHT_PHASE_SHARE))
            self._compact()
        if self.n_variables <= EXACT_BREAKS_MAX_VARIABLES:
            # Small events (the JAIR instances): exact models can prove the fewest breaks.
            self._full_lexicographic(time.monotonic() + 0.25 * self._remaining())
            if self.weight_proven:
                self._probe_breaks(time.monotonic() + 0.7 * self._remaining())
            self._improve(time.monotonic() + 0.6 * self._remaining())
            self._full_lexicographic(self.deadline)
        else:
            self._improve(self.deadline)
        self._settle_status()
        return self.best

    def _after(self, share: float) -> float:
        return self.started + share * (self.deadline - self.started)

    def _remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def _stopped(self) -> bool:
        return time.monotonic() >= self.deadline or self.should_stop()

    def _finished(self) -> bool:
        return (self.weight_proven and self.breaks_proven) or self._stopped()

    def _settle_status(self) -> None:
        if self.weight_proven and self.breaks_proven:
            self.status = SolveStatus.OPTIMAL
        else:
            self.status = SolveStatus.FEASIBLE

    # --- bookkeeping -------------------------------------------------------------------

    def _feasible(self, slot_of: Sequence[int]) -> bool:
        """The hard rules a heuristic can miss: required meetings and max_breaks."""
        p = self.problem
        if any(r.required and slot_of[r.idx] == UNSCHEDULED for r in p.requests):
            return False
        if p.max_breaks is None:
            return True
        busy: list[set[int]] = [set() for _ in range(p.n_participants)]
        for r in p.requests:
            if slot_of[r.idx] != UNSCHEDULED:
                busy[r.a].add(slot_of[r.idx])
                busy[r.b].add(slot_of[r.idx])
        return all(breaks_of(p, slots) <= p.max_breaks for slots in busy)

    def _offer(self, slot_of: Sequence[int], phase: str, *, quiet: bool = False) -> bool:
        """Keep slot_of when it is no worse than the best so far; report progress."""
        score = evaluate(self.problem, slot_of)
        better = score >= self.best_score or not self._feasible(self.best)
        if better:
            self.best = list(slot_of)
            self.best_score = score
            if self.weight_bound is not None and score.weight >= self.weight_bound:
                self.weight_proven = True
            if self.weight_proven and score.breaks == 0:
                self.breaks_bound = 0
                self.breaks_proven = True
        if not quiet:
            self._report(phase)
        return better

    def _report(self, phase: str) -> None:
        self.on_progress(
            Progress(
                elapsed=round(time.monotonic() - self.started, 2),
                phase=phase,
                meetings=sum(1 for s in self.best if s != UNSCHEDULED),
                weight=self.best_score.weight,
                weight_bound=self.weight_bound,
                breaks=self.best_score.breaks,
                breaks_bound=self.breaks_bound,
            )
        )

    def _prove_weight_if_fixed(self) -> None:
        if self.all_required:
            # Every schedulable request is required and held: no schedule weighs more.
            self.weight_bound = self.best_score.weight
            self.weight_proven = True

    def _solver(self, seconds: float, workers: int, *, probe: bool = False) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.05, seconds)
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = self.params.seed
        if probe and workers == 2:
            # "At most K breaks" is a feasibility question: a no-LP worker beside the default
            # one finds forum-13's 0 breaks in 1.4 s; CP-SAT's own two-worker portfolio is
            # better at minimising (it proves samples/tiny.json optimal in 1.5 s).
            solver.parameters.subsolvers.append("no_lp")
            solver.parameters.subsolvers.append("default_lp")
        return solver

    def _run(
        self,
        model: ScheduleModel,
        seconds: float,
        workers: int,
        callback: cp_model.CpSolverSolutionCallback | None = None,
        *,
        probe: bool = False,
    ) -> tuple[int, cp_model.CpSolver]:
        """Solve with a watcher thread, so that a cancel stops even a search with no news."""
        solver = self._solver(seconds, workers, probe=probe)
        done = threading.Event()

        def watch() -> None:
            while not done.wait(0.2):
                if self.should_stop():
                    solver.stop_search()
                    return

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            status = solver.solve(model.model, callback)
        finally:
            done.set()
        return status, solver

    # --- phases ------------------------------------------------------------------------

    def _repair(self) -> list[int] | None:
        """Full feasibility solve when the heuristic misses a required meeting or max_breaks."""
        model = ScheduleModel(
            self.problem, self.schedulable, self._unscheduled(), with_breaks=False
        )
        model.model.maximize(model.weight_expr)
        model.hint(self.best)
        status, solver = self._run(model, self._remaining(), self.params.workers)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            slot_of = self._merge(self._unscheduled(), model.extract(solver))
            self.best = slot_of
            self.best_score = evaluate(self.problem, slot_of)
            if status == cp_model.OPTIMAL:
                self.weight_bound = self.best_score.weight
                self.weight_proven = True
            self._report("repair")
            return slot_of
        if status == cp_model.INFEASIBLE:
            self._give_up_required("no schedule satisfies every required meeting and max_breaks")
        else:
            self.status = SolveStatus.UNKNOWN
            self.message = "no schedule holding every required meeting was found in the time limit"
        return None

    def _give_up_required(self, why: str) -> list[int]:
        """Infeasible event: say why, and keep the best schedule that drops required meetings."""
        self.status = SolveStatus.INFEASIBLE
        self.message = why
        relaxed = replace(self.problem, max_breaks=None)
        slot_of = packing_greedy(relaxed)
        self.best = slot_of
        self.best_score = evaluate(self.problem, slot_of)
        return slot_of

    def _select_and_time(self, until: float) -> None:
        """Choose the meetings by slot class (MIP), then time them (greedy, else CP-SAT)."""
        p = self.problem
        # SCIP proves the 270-participant sample's selection in 4 s; on the 850 one it does
        # not beat the greedy in 30 s where CP-SAT, started from it, gains 0.2 %.
        engine = "SCIP" if self.n_variables <= SCIP_MAX_VARIABLES else "CP_SAT"
        selection = class_selection(
            p, until - time.monotonic(), self.best, engine=engine, workers=self.params.workers
        )
        if selection.bound is not None and self.weight_bound is not None:
            self.weight_bound = min(self.weight_bound, selection.bound)
        if self.weight_bound is not None and self.best_score.weight >= self.weight_bound:
            self.weight_proven = True
        if selection.weight <= self.best_score.weight or self._stopped():
            return
        timing = replace(
            p,
            requests=tuple(
                replace(req, required=True, slots=selection.slots[req.idx])
                if req.idx in selection.slots
                else replace(req, required=False, slots=())
                for req in p.requests
            ),
        )
        slot_of = packing_greedy(timing)
        if any(slot_of[r] == UNSCHEDULED for r in selection.slots):
            model = ScheduleModel(
                timing, sorted(selection.slots), self._unscheduled(), with_breaks=False
            )
            model.hint(slot_of)
            status, solver = self._run(model, self._remaining() * 0.5, self.params.workers)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                return
            slot_of = self._merge(self._unscheduled(), model.extract(solver))
        self._offer(slot_of, "select and time")

    def _full_weight(self, until: float) -> None:
        """Full model without break variables: proves the best weight on small events."""
        if self._stopped():
            return
        model = ScheduleModel(
            self.problem, self.schedulable, self._unscheduled(), with_breaks=False
        )
        model.model.maximize(model.weight_expr)
        model.hint(self.best)
        status, solver = self._run(model, until - time.monotonic(), self.params.workers)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return
        bound = math.floor(solver.best_objective_bound + 1e-6)
        self.weight_bound = bound if self.weight_bound is None else min(self.weight_bound, bound)
        found = self._merge(self._unscheduled(), model.extract(solver))
        if evaluate(self.problem, found).weight > self.best_score.weight:
            self._offer(found, "weight")
        if self.best_score.weight >= self.weight_bound:
            self.weight_proven = True
        self._report("weight")

    def _full_lexicographic(self, until: float) -> None:
        """Full model with breaks; with the weight proven, its bound bounds the breaks."""
        if self._finished() or until - time.monotonic() < 0.2:
            return
        p = self.problem
        model = ScheduleModel(
            p,
            self.schedulable,
            self._unscheduled(),
            min_weight=self.best_score.weight if self.weight_proven else None,
        )
        idle_scale = p.n_participants + 1
        if self.weight_proven:
            model.model.minimize(idle_scale * model.breaks_expr() + sum(model.idle_terms))
        else:
            model.set_lexicographic_objective(self._levels(p.n_participants))
        model.hint(self.best)
        callback = _ImprovementCallback(self, model)
        status, solver = self._run(model, until - time.monotonic(), self.params.workers, callback)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self._offer(self._merge(self._unscheduled(), model.extract(solver)), "breaks")
            if self.weight_proven:
                bound = math.ceil(solver.best_objective_bound - 1e-6) // idle_scale
                self.breaks_bound = max(self.breaks_bound or 0, bound)
                if status == cp_model.OPTIMAL or self.best_score.breaks <= self.breaks_bound:
                    self.breaks_proven = True
                    self.breaks_bound = self.best_score.breaks
            self._report("breaks")

    def _probe_breaks(self, until: float) -> None:
        """Raise the breaks lower bound by proving "at most K breaks" infeasible, K = 0, 1, ...

        With the total capped, most participant-days are forced into one compact window and
        CP-SAT propagates far better than when minimising. Refuting a K takes about a second
        on the JAIR instances, so each K first gets a short probe; the first K that resists
        gets the rest of the budget to find a schedule with at most K breaks (~15 s on the
        hardest JAIR instances), which is then optimal.
        """
        k = self.breaks_bound or 0
        resisting: int | None = None
        while k < self.best_score.breaks and not self._finished():
            left = until - time.monotonic()
            seconds = left if resisting == k else min(PROBE_REFUTE_SECONDS, left)
            if seconds < 0.2:
                return
            status, found = self._probe(k, seconds)
            if status == cp_model.INFEASIBLE:
                k += 1
                self.breaks_bound = k
                self._report("breaks bound")
            elif found is not None:
                self._offer(found, "breaks")
                if self.best_score.breaks <= k:
                    self.breaks_bound = self.best_score.breaks
                    self.breaks_proven = True
                return
            elif resisting == k:
                return
            else:
                resisting = k

    def _probe(self, k: int, seconds: float) -> tuple[int, list[int] | None]:
        model = ScheduleModel(
            self.problem, self.schedulable, self._unscheduled(), min_weight=self.best_score.weight
        )
        model.model.add(model.breaks_expr() <= k)
        # No hint: measured, a hint with many breaks slows the search down (ticf-14crafa,
        # "at most 0": found in 15 s without it, not in 25 s with it).
        status, solver = self._run(model, seconds, self.params.workers, probe=True)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return status, self._merge(self._unscheduled(), model.extract(solver))
        return status, None

    def _compact(self, seconds: float | None = None) -> None:
        """Kempe-chain local search on the best schedule: a quick descent, or with `seconds`
        a plateau walk that also takes moves keeping the breaks equal."""
        if self._stopped():
            return
        plateau = seconds is not None
        budget = seconds if seconds is not None else max(1.0, 0.05 * self.params.time_limit)
        until = min(self.deadline, time.monotonic() + budget)
        found = compact(
            self.problem,
            self.best,
            seed=self.rng.randrange(1 << 30),
            until=until,
            sideways=PLATEAU_SIDEWAYS if plateau else 0.0,
            plateau=plateau,
        )
        self._offer(found, "compact")

    def _improve(self, until: float) -> None:
        """Alternate the Kempe-chain plateau walk (breaks) with CP-SAT neighbourhoods (all)."""
        round_seconds = min(10.0, max(2.0, 0.1 * self.params.time_limit))
        while not self._finished() and time.monotonic() < until - 0.1:
            # Once the weight is proven, neighbourhoods only serve breaks and idle people,
            # which the walk does faster.
            walk = 0.95 if self.weight_proven else 0.6
            left = until - time.monotonic()
            self._compact(min(left, walk * round_seconds))
            self._lns(min(until, time.monotonic() + (1 - walk) * round_seconds))

    def _levels(self, touched: int) -> ObjectiveWeights:
        idle = touched + 1
        breaks = idle
        most_breaks = touched * self.problem.n_slots + 1
        return ObjectiveWeights(weight=breaks * most_breaks, breaks=breaks, idle=1)

    # --- large-neighbourhood search ----------------------------------------------------

    def _lns(self, until: float) -> None:
        size = 30.0
        since_report = time.monotonic()
        while time.monotonic() < until - 0.05 and not self._finished():
            free = self._neighbourhood(int(size))
            if not free:
                break
            model = ScheduleModel(self.problem, free, self.best)
            model.set_lexicographic_objective(self._levels(len(model.touched)))
            model.hint(self.best)
            seconds = min(LNS_STEP_SECONDS, until - time.monotonic())
            solver = self._solver(seconds, 1)
            solver.parameters.random_seed = self.rng.randrange(1 << 30)
            status = solver.solve(model.model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                quiet = time.monotonic() - since_report < 1.0
                self._offer(self._merge(self.best, model.extract(solver)), "improve", quiet=quiet)
                if not quiet:
                    since_report = time.monotonic()
            size = min(400.0, size * 1.08) if status == cp_model.OPTIMAL else max(12.0, size * 0.85)

    def _neighbourhood(self, size: int) -> list[int]:
        """Requests to re-solve: around a participant with breaks, or a few slots of a day."""
        p = self.problem
        if self.rng.random() < 0.6:
            return self._participant_neighbourhood(size)
        day = p.day_slots[self.rng.randrange(len(p.day_slots))]
        if not day:
            return []
        width = self.rng.randint(2, min(6, len(day)))
        if self.rng.random() < 0.5:
            first = self.rng.randrange(len(day) - width + 1)
            chosen = set(day[first : first + width])
        else:
            chosen = set(self.rng.sample(day, width))
        in_slots = [r for r in self.schedulable if self.best[r] in chosen]
        self.rng.shuffle(in_slots)
        return sorted(in_slots[:size])

    def _participant_neighbourhood(self, size: int) -> list[int]:
        p = self.problem
        busy: list[set[int]] = [set() for _ in range(p.n_participants)]
        for r in self.schedulable:
            if self.best[r] != UNSCHEDULED:
                busy[p.requests[r].a].add(self.best[r])
                busy[p.requests[r].b].add(self.best[r])
        troubled = [
            who
            for who in range(p.n_participants)
            if breaks_of(p, busy[who]) > 0
            or any(self.best[r] == UNSCHEDULED and p.requests[r].slots for r in p.requests_of[who])
        ]
        pool = troubled if troubled and self.rng.random() < 0.8 else range(p.n_participants)
        seed = self.rng.choice(list(pool))
        chosen: set[int] = set()
        frontier = [seed]
        seen = {seed}
        while frontier and len(chosen) < size:
            who = frontier.pop(self.rng.randrange(len(frontier)))
            mine = [r for r in p.requests_of[who] if p.requests[r].slots]
            chosen.update(mine)
            for r in mine:
                partner = p.requests[r].b if p.requests[r].a == who else p.requests[r].a
                if partner not in seen and self.best[r] != UNSCHEDULED:
                    seen.add(partner)
                    frontier.append(partner)
        return sorted(chosen)

    # --- result ------------------------------------------------------------------------

    def _unscheduled(self) -> list[int]:
        return [UNSCHEDULED] * len(self.problem.requests)

    @staticmethod
    def _merge(base: Sequence[int], changes: dict[int, int]) -> list[int]:
        out = list(base)
        for r, s in changes.items():
            out[r] = s
        return out

    def schedule(self, slot_of: list[int]) -> Schedule:
        p = self.problem
        event = p.event
        tables = assign_tables(p, slot_of)
        meetings = sorted(
            (
                Meeting(request_id=req.id, slot_idx=slot_of[req.idx], table_id=tables[req.idx])
                for req in p.requests
                if slot_of[req.idx] != UNSCHEDULED
            ),
            key=lambda m: (m.slot_idx, m.table_id),
        )
        reasons = explain_unscheduled(p, slot_of)
        unscheduled = tuple(
            Unscheduled(request_id=req.id, reason=reasons[req.idx])
            for req in p.requests
            if slot_of[req.idx] == UNSCHEDULED
        )
        draft = Schedule(event_name=event.name, meetings=tuple(meetings), unscheduled=unscheduled)
        result = check_schedule(event, draft)
        tolerated = (
            ("required but not scheduled", "max_breaks")
            if self.status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN)
            else ()
        )
        bugs = [v for v in result.violations if not any(t in v for t in tolerated)]
        if bugs:
            raise InternalError("; ".join(bugs[:5]))
        metrics = result.metrics
        message = self.message
        if self.status is SolveStatus.INFEASIBLE:
            missing = [u for u in unscheduled if p.requests[self._index(u.request_id)].required]
            detail = "; ".join(f"{u.request_id}: {u.reason}" for u in missing[:10])
            message = f"{message}. {detail}" if detail else message
        stats = ScheduleStats(
            meetings=metrics.meetings,
            weight=metrics.weight,
            weight_bound=self.weight_bound,
            breaks=metrics.breaks,
            # Zero is always a valid lower bound; a better one only holds at the proven weight.
            breaks_bound=(self.breaks_bound or 0) if self.weight_proven else 0,
            solve_seconds=round(time.monotonic() - self.started, 2),
            status=self.status,
            participants_without_meeting=metrics.participants_without_meeting,
            max_participant_breaks=metrics.max_participant_breaks,
            message=message,
        )
        return replace(draft, stats=stats)

    def _index(self, request_id: str) -> int:
        return next(r.idx for r in self.problem.requests if r.id == request_id)


class _ImprovementCallback(cp_model.CpSolverSolutionCallback):  # type: ignore[misc]
    """Reports each improving solution of a full solve as progress."""

    def __init__(self, search: _Search, model: ScheduleModel) -> None:
        super().__init__()
        self.search = search
        self.model = model

    def on_solution_callback(self) -> None:
        if self.search.should_stop():
            self.stop_search()
            return
        found = {r: s for (r, s), v in self.model.x.items() if self.boolean_value(v)}
        slot_of = [UNSCHEDULED] * len(self.search.problem.requests)
        for r, s in found.items():
            slot_of[r] = s
        self.search._offer(slot_of, "breaks")
