"""Select, then time: the slot-class MIP chooses which meetings to hold, then they are timed."""

from __future__ import annotations

import time
from dataclasses import replace

from scheduler.assignment import UNSCHEDULED, empty, merge
from scheduler.bounds import class_selection
from scheduler.cpsat import found, run_model
from scheduler.greedy import packing_greedy
from scheduler.incumbent import Phase
from scheduler.model import ScheduleModel
from scheduler.phases.context import Context

# SCIP proves the 270-participant sample's selection in 4 s; on the 850 one it does not beat
# the greedy in 30 s where CP-SAT, started from it, gains 0.2 %.
SCIP_MAX_VARIABLES = 30_000


def run(ctx: Context, until: float) -> None:
    """Tighten the weight bound with the MIP's; keep the timed selection when it weighs more."""
    p = ctx.problem
    inc = ctx.incumbent
    engine = "SCIP" if ctx.n_variables <= SCIP_MAX_VARIABLES else "CP_SAT"
    selection = class_selection(
        p, until - time.monotonic(), inc.slot_of, engine=engine, workers=ctx.params.workers
    )
    if selection.bound is not None and inc.weight_bound is not None:
        inc.tighten_weight_bound(selection.bound)
    if selection.weight <= inc.score.weight or ctx.clock.stopped():
        return
    # The chosen meetings become required, each within the slots of its class.
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
        model = ScheduleModel(timing, sorted(selection.slots), empty(p), with_breaks=False)
        model.hint(slot_of)
        status, solver = run_model(ctx, model, ctx.clock.remaining() * 0.5)
        if not found(status):
            return
        slot_of = merge(empty(p), model.extract(solver))
    inc.offer(slot_of, Phase.SELECT_THEN_TIME)
