"""Solve jobs: one per event at a time, run by a worker, progress and cancel in the database.

`start_solve` stores the job row and hands its id to a launcher (web/usecases/jobs.py, whose
lifecycle of claimed runs, heartbeats, retries and cancel every kind of job shares). The run,
`run_job`, reads the event, solves, and writes a new draft ScheduleVersion. A failed,
cancelled or lost solve only marks its job row: earlier versions and the published schedule
are never touched.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from scheduler.domain import Event, PublishedMeeting, Schedule, SolveStatus
from scheduler.resolve import published_meetings, resolve
from scheduler.solve import Progress, SolveParams, solve
from web import models as m
from web.models import JobState
from web.usecases import jobs, mapper, releases
from web.usecases.availability import event_time
from web.usecases.errors import Conflict, Invalid, Msg
from web.usecases.jobs import Launcher
from web.usecases.versions import create_version, pins_of

PROGRESS_EVERY = 0.4  # seconds between progress writes / cancel checks
TIME_LIMIT_MIN, TIME_LIMIT_MAX = 1.0, 3600.0  # seconds an organiser may give one solve
KIND = jobs.Kind(
    label="solve",
    table=m.SolveJob,
    task="ketnoi.solve",
    queued={"phase": "queued", "elapsed": 0.0},
    busy="solve.busy",
    crashed="solve.crashed",
    cancelled="solve.cancelled",
    failed="solve.failed",
    not_queued="solve.not_queued",
)


def active_job(session: Session, event_id: int) -> m.SolveJob | None:
    return jobs.active_job(session, KIND, event_id)


def latest_job(session: Session, event_id: int) -> m.SolveJob | None:
    return jobs.latest_job(session, KIND, event_id)


def base_version_id(session: Session, event_id: int, raw: str | None) -> int | None:
    """The version a form names by row id (its pins are kept), if it is one of the event's."""
    if not raw or not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        return None
    row = session.get(m.ScheduleVersion, int(raw))
    return row.id if row is not None and row.event_id == event_id else None


def start_solve(
    session: Session,
    launcher: Launcher,
    event_id: int,
    *,
    time_limit: float,
    max_time_limit: float = TIME_LIMIT_MAX,
    workers: int = 1,
    base_version_id: int | None = None,
    from_release: bool = False,
) -> m.SolveJob:
    """Store the job row and hand it to the launcher; Conflict if one is active already.

    `from_release`: the minimal-change re-solve (`scheduler.resolve`) from the published
    release, for late changes: every published meeting that still fits stays where it is.
    """
    high = min(max_time_limit, TIME_LIMIT_MAX)
    if not TIME_LIMIT_MIN <= time_limit <= high:
        raise Invalid(Msg("solve.bad_time_limit", low=TIME_LIMIT_MIN, high=high))
    if from_release and releases.current(session, event_id) is None:
        raise Conflict(Msg("solve.nothing_published"))
    params: dict[str, Any] = {
        "time_limit": time_limit,
        "workers": workers,
        "base_version_id": None if from_release else base_version_id,
    }
    if from_release:
        params["from_release"] = True
    return jobs.start(session, KIND, launcher, m.SolveJob(event_id=event_id, params=params))


def cancel_active(session: Session, event_id: int) -> None:
    """Stop the event's solve: a queued one at once, a running one at its next check (it
    finishes as cancelled, writing nothing)."""
    jobs.cancel(session, KIND, event_id)


def reap(session: Session, event_id: int, lost_after: float | None) -> None:
    """Mark the event's active solve failed when nothing has run it for `lost_after` seconds."""
    jobs.reap(session, KIND, event_id, lost_after)


# --- running a job (in a worker, or in a child process of `ketnoi serve`) -----------------


def run_job(database_url: str, job_id: int, *, parent_pid: int | None = None) -> None:
    """Claim the job and run it to its end. `parent_pid`: stop when that process is gone
    (a solve started by a web process that was killed)."""
    jobs.run(KIND, _run, database_url, job_id, parent_pid)


def _run(session: Session, job_id: int, attempt: int, parent_pid: int | None) -> None:
    params, pins, event, previous, published = jobs.retrying(
        session, lambda: _load(session, job_id)
    )
    last = [0.0]

    def on_progress(p: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            jobs.write_progress(session, KIND, job_id, attempt, _progress(p))

    should_stop = jobs.stopper(session, KIND, job_id, attempt, parent_pid, PROGRESS_EVERY)
    solve_params = SolveParams(
        time_limit=float(params.get("time_limit", 30)),
        workers=int(params.get("workers", 1)),
        seed=0,
    )
    if published is not None:
        schedule = resolve(
            event,
            published,
            solve_params,
            on_progress=on_progress,
            should_stop=should_stop,
            not_before=under_way(event, datetime.now(UTC)),
        )
    else:
        schedule = solve(
            event,
            solve_params,
            on_progress=on_progress,
            should_stop=should_stop,
            previous=previous,
        )
    jobs.retrying(
        session, lambda: _store(session, job_id, attempt, parent_pid, event, schedule, pins)
    )


def under_way(event: Event, now: datetime) -> datetime | None:
    """`now` as event-local time while the event runs (between its first slot's start and
    its last slot's end), else None: before it nothing has started, after it nothing is
    left to change, and a re-solve then may use every slot."""
    local = event_time(now, event.timezone)
    if event.slots and min(s.start for s in event.slots) <= local < max(s.end for s in event.slots):
        return local
    return None


def _load(
    session: Session, job_id: int
) -> tuple[
    dict[str, Any], dict[str, Any], Event, Schedule | None, tuple[PublishedMeeting, ...] | None
]:
    """The job's parameters, pinned meetings, event, the version it starts from, and (for a
    re-solve from the published release) the published meetings."""
    job = session.get(m.SolveJob, job_id)
    assert job is not None  # claimed just now
    params: dict[str, Any] = dict(job.params)
    base_id = params.get("base_version_id")
    base = session.get(m.ScheduleVersion, base_id) if base_id else None
    pins = pins_of(session, base) if base is not None else {}
    event = mapper.event_of(session, job.event_id, for_solver=True, fixed=pins)
    previous = mapper.schedule_of(session, base, event) if base is not None else None
    published = None
    if params.get("from_release"):
        release = releases.current(session, job.event_id)
        if release is not None:
            published = published_meetings(release.schedule, release.event)
    session.commit()  # no transaction held open through the solve
    return params, pins, event, previous, published


def _store(
    session: Session,
    job_id: int,
    attempt: int,
    parent_pid: int | None,
    event: Event,
    schedule: Schedule,
    pins: dict[str, Any],
) -> None:
    job = jobs.locked(session, KIND, job_id, attempt, parent_pid)
    if job is None:
        return
    stats = schedule.stats
    if stats is not None and stats.status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN):
        if stats.message:
            failure = Msg("solve.no_schedule_because", reason=stats.message)
        else:
            failure = Msg("solve.no_schedule")
        session.rollback()
        jobs.finish(session, KIND, job_id, attempt, JobState.FAILED, failure)
        return
    source = "resolve" if job.params.get("from_release") else "solve"
    version = create_version(
        session, job.event_id, event, schedule, source=source, pinned=set(pins), commit=False
    )
    job.version_id = version.id
    job.progress = dict(job.progress) | {"phase": "done", "meetings": len(schedule.meetings)}
    if stats is not None:
        job.progress |= {
            "weight": stats.weight,
            "weight_bound": stats.weight_bound,
            "breaks": stats.breaks,
        }
    for key, value in jobs.finished(JobState.SUCCEEDED, None).items():
        setattr(job, key, value)
    session.add(job)
    session.commit()


def _progress(p: Progress) -> dict[str, Any]:
    return {
        "elapsed": round(p.elapsed, 1),
        "phase": p.phase,
        "meetings": p.meetings,
        "weight": p.weight,
        "weight_bound": p.weight_bound,
        "breaks": p.breaks,
        "breaks_bound": p.breaks_bound,
    }
