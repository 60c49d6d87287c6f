"""Refill: schedule the freed capacity around the published meetings that stay.

`bound` caps the weight with the LP relaxation of the event with the staying meetings
fixed; `start` is the packing greedy around them; `run` is CP-SAT on every other request
(published meetings that must move, requests left out before, new requests) with the
staying meetings fixed, maximising the weight, then the published meetings still held,
then fewer breaks, then fewer people without a meeting; `descent` and `improve` are the
plain solve's local search and neighbourhoods on the event with the staying meetings
required at their slots, so that they never move one. When no schedule completes the
staying meetings (a required meeting, max_breaks), `rebuild` chooses what stays again on
the full model: first as many kept as possible, then the same levels as `run`.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from scheduler.assignment import UNSCHEDULED, empty, merge
from scheduler.bounds import weight_upper_bound
from scheduler.cpsat import found, run_model
from scheduler.domain import SolveStatus
from scheduler.greedy import packing_greedy
from scheduler.incumbent import Phase
from scheduler.model import ScheduleModel
from scheduler.phases import local_search, neighbourhoods
from scheduler.phases.context import Context
from scheduler.phases.infeasible import give_up_unknown
from scheduler.phases.resolving import ResolveContext, fixed_problem, resolving

# The rebuild's second model counts breaks only up to this many (request, slot) pairs (as
# the plain solve's full models); beyond, it settles the weight and the local search and
# neighbourhoods are not run on a re-solve, so breaks are what the greedy timing gives.
REBUILD_BREAKS_MAX_VARIABLES = 60_000
# Below this budget the refill model is not worth building (it can take seconds to build).
MIN_REFILL_SECONDS = 0.5


def bound(ctx: Context, until: float) -> None:
    """The weight bound of schedules that keep the staying meetings at their slots."""
    rc = resolving(ctx)
    stay = rc.staying()
    result = weight_upper_bound(fixed_problem(ctx.problem, stay))
    if not result.feasible:
        rc.stay_completes = False
    elif result.value is not None:
        rc.incumbent.tighten_weight_bound(result.value)


def start(ctx: Context, until: float) -> None:
    """The packing greedy around the staying meetings."""
    rc = resolving(ctx)
    rc.incumbent.offer(packing_greedy(ctx.problem, start=rc.staying()), Phase.START)


def run(ctx: Context, until: float) -> None:
    """CP-SAT on the freed capacity, staying meetings fixed."""
    rc = resolving(ctx)
    if not rc.stay_completes or until - time.monotonic() < MIN_REFILL_SECONDS:
        return
    stay = rc.staying()
    inc = rc.resolve_incumbent
    free = [r for r in ctx.schedulable if stay[r] == UNSCHEDULED]
    model = ScheduleModel(ctx.problem, free, stay)
    _maximise_refill(model, rc)
    model.hint(inc.slot_of)
    status, solver = run_model(
        ctx, model, until - time.monotonic(), callback=_Offer(ctx, model, stay)
    )
    if status == cp_model.INFEASIBLE:
        rc.stay_completes = False
        return
    if not found(status):
        return
    refilled = merge(stay, model.extract(solver))
    if not inc.feasible(refilled):
        # The model caps the breaks of the people it touches; someone with only staying
        # meetings can still have too many: what stays must be chosen again.
        rc.stay_completes = False
        return
    inc.offer(refilled, Phase.REFILL)
    if status == cp_model.OPTIMAL and inc.slot_of == refilled:
        inc.prove_weight()
        inc.prove_breaks()
    inc.report(Phase.REFILL)


def descent(ctx: Context, until: float) -> None:
    """The local search's quick descent on breaks, staying meetings fixed."""
    local_search.descent(resolving(ctx).around_stay(), until)


def improve(ctx: Context, until: float) -> None:
    """The plain solve's neighbourhoods (and plateau walk), staying meetings fixed."""
    neighbourhoods.improve(resolving(ctx).around_stay(), until)


def rebuild(ctx: Context, until: float) -> None:
    """The full model: the most published meetings kept, then refilled as `run` does."""
    rc = resolving(ctx)
    inc = rc.resolve_incumbent
    p = ctx.problem
    inc.keep_proven = False
    inc.weight_bound = None
    inc.weight_proven = inc.breaks_proven = False
    inc.breaks_bound = None
    middle = time.monotonic() + 0.5 * (until - time.monotonic())
    keeping = ScheduleModel(p, ctx.schedulable, empty(p), with_breaks=False)
    kept = _kept_expr(keeping, rc)
    keeping.model.maximize(kept)
    keeping.hint(inc.slot_of)
    status, solver = run_model(ctx, keeping, middle - time.monotonic())
    if status == cp_model.INFEASIBLE:
        _give_up_infeasible(rc)
        return
    if not found(status):
        give_up_unknown(ctx)
        return
    most_kept = round(solver.objective_value)
    inc.keep_proven = status == cp_model.OPTIMAL
    inc.offer(merge(empty(p), keeping.extract(solver)), Phase.REPAIR)

    with_breaks = ctx.n_variables <= REBUILD_BREAKS_MAX_VARIABLES
    model = ScheduleModel(p, ctx.schedulable, empty(p), with_breaks=with_breaks)
    model.model.add(_kept_expr(model, rc) >= most_kept)
    _maximise_refill(model, rc)
    model.hint(inc.slot_of)
    status, solver = run_model(ctx, model, until - time.monotonic())
    if found(status):
        inc.offer(merge(empty(p), model.extract(solver)), Phase.REPAIR)
    if status == cp_model.OPTIMAL and inc.feasible():
        inc.prove_weight()
        if with_breaks:
            inc.prove_breaks()
    # What stays now is what the rebuilt schedule holds at the published slots.
    rc.stay = rc.baseline.stay(inc.slot_of)
    rc.stay_completes = True
    if not inc.weight_proven:
        bound(ctx, until)
    inc.report(Phase.REPAIR)


# --- objective and helpers ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Levels:
    """The refill's levels in one sum: each outweighs everything below it."""

    weight: int
    held: int
    breaks: int

    @classmethod
    def of(cls, model: ScheduleModel, published_free: int) -> _Levels:
        touched = len(model.touched)
        breaks = touched + 1  # one break fewer outweighs any number of idle people
        held = breaks * (touched * model.problem.n_slots + 1)
        return cls(weight=held * (published_free + 1), held=held, breaks=breaks)


def _maximise_refill(model: ScheduleModel, rc: ResolveContext) -> None:
    published = rc.baseline.published
    held = [v for r in model.free if r in published for _, v in model.by_request[r]]
    levels = _Levels.of(model, sum(1 for r in model.free if r in published))
    model.model.maximize(
        levels.weight * model.weight_expr
        + levels.held * sum(held)
        - levels.breaks * model.breaks_expr()
        - sum(model.idle_terms)
    )


def _kept_expr(model: ScheduleModel, rc: ResolveContext) -> cp_model.LinearExprT:
    """Published meetings at their slot and table, then at their slot, as one sum."""
    b = rc.baseline
    at_table = [model.x[r, b.slot[r]] for r in sorted(b.table_suits) if (r, b.slot[r]) in model.x]
    at_slot = [model.x[r, b.slot[r]] for r in sorted(b.fits) if (r, b.slot[r]) in model.x]
    return (len(b.fits) + 1) * sum(at_table) + sum(at_slot)


def _give_up_infeasible(rc: ResolveContext) -> None:
    """No schedule holds every required meeting within max_breaks: say so, and keep the
    staying meetings with a greedy fill that ignores max_breaks."""
    inc = rc.incumbent
    inc.verdict = SolveStatus.INFEASIBLE
    inc.message = "no schedule holds every required meeting within max_breaks"
    relaxed = replace(rc.problem, max_breaks=None)
    inc.replace(packing_greedy(relaxed, start=rc.staying()))


class _Offer(cp_model.CpSolverSolutionCallback):  # type: ignore[misc]
    """Offers each refill found to the incumbent, reporting progress at most once a
    second; stops on cancel."""

    def __init__(self, ctx: Context, model: ScheduleModel, stay: Sequence[int]) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = model
        self.stay = stay
        self.reported = time.monotonic()

    def on_solution_callback(self) -> None:
        if self.ctx.clock.should_stop():
            self.stop_search()
            return
        slot_of = list(self.stay)
        for (r, s), v in self.model.x.items():
            if self.boolean_value(v):
                slot_of[r] = s
        quiet = time.monotonic() - self.reported < 1.0
        self.ctx.incumbent.offer(slot_of, Phase.REFILL, quiet=quiet)
        if not quiet:
            self.reported = time.monotonic()
