"""Solve jobs: one per event at a time, run by a worker, progress and cancel in the database.

`start_solve` stores the job row and hands its id to a `Launcher`: the job queue that solve
workers read (PostgreSQL), or a runner inside `ketnoi serve` (SQLite). Either one calls
`run_job`, which reads the event, solves, and writes a new draft ScheduleVersion. A failed,
cancelled or lost solve only marks its job row: earlier versions and the published schedule
are never touched. Every run claims the row by raising its `attempt`; a run that a retry
replaced (its worker was taken for dead) writes nothing more.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from scheduler.domain import Event, PublishedMeeting, Schedule, SolveStatus
from scheduler.resolve import published_meetings, resolve
from scheduler.solve import Progress, SolveParams, solve
from web import models as m
from web.db import make_engine
from web.models import JobState, utcnow
from web.usecases import mapper, releases
from web.usecases.errors import Conflict, Invalid, Msg
from web.usecases.versions import create_version, pins_of

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.4  # seconds between progress writes / cancel checks
TIME_LIMIT_MIN, TIME_LIMIT_MAX = 1.0, 3600.0  # seconds an organiser may give one solve
UNQUEUED_AFTER = 60.0  # seconds a job may wait for its queue entry before it is failed
DB_TRIES, DB_RETRY_SECONDS = 60, 2.0  # each database step of a job waits up to two minutes


class Launcher(Protocol):
    """Runs queued solve jobs: `submit` hands one over (and returns the queue's id for it).

    `lost_after` is how long an active job may go without a heartbeat before whoever reads
    it takes it for lost (None: the queue detects lost jobs itself)."""

    lost_after: float | None

    def submit(self, job_id: int) -> int | None: ...


def active_job(session: Session, event_id: int) -> m.SolveJob | None:
    return session.exec(
        select(m.SolveJob).where(m.SolveJob.event_id == event_id, col(m.SolveJob.active))
    ).first()


def latest_job(session: Session, event_id: int) -> m.SolveJob | None:
    query = (
        select(m.SolveJob)
        .where(m.SolveJob.event_id == event_id)
        .order_by(col(m.SolveJob.id).desc())
    )
    return session.exec(query).first()


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
    reap(session, event_id, launcher.lost_after)
    params: dict[str, Any] = {
        "time_limit": time_limit,
        "workers": workers,
        "base_version_id": None if from_release else base_version_id,
    }
    if from_release:
        params["from_release"] = True
    job = m.SolveJob(
        event_id=event_id,
        params=params,
        progress={"phase": "queued", "elapsed": 0.0},
        heartbeat_at=utcnow(),
    )
    session.add(job)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(Msg("solve.busy")) from None
    session.refresh(job)
    try:
        job.queue_job_id = launcher.submit(job.id)
    except Exception as error:  # the queue is unreachable: say so on the job, keep nothing active
        log.exception("solve job %s could not be queued", job.id)
        detail = "".join(traceback.format_exception_only(error)).strip()
        _finish(session, job.id, job.attempt, JobState.FAILED, Msg("solve.not_queued", e=detail))
    else:
        session.add(job)
        session.commit()
    session.refresh(job)
    return job


def cancel_active(session: Session, event_id: int) -> None:
    """Stop the event's solve: a queued one at once, a running one at its next check (it
    finishes as cancelled, writing nothing)."""
    job = active_job(session, event_id)
    if job is None:
        return
    job_id = job.id
    session.exec(
        update(m.SolveJob)
        .where(col(m.SolveJob.id) == job_id, col(m.SolveJob.active))
        .values(cancel_requested=True)
    )
    cancelled = Msg("solve.cancelled")
    session.exec(
        update(m.SolveJob)
        .where(
            col(m.SolveJob.id) == job_id,
            col(m.SolveJob.active),
            col(m.SolveJob.state) == JobState.QUEUED.value,
        )
        .values(_finished(JobState.CANCELLED, cancelled))
    )
    session.commit()


def reap(session: Session, event_id: int, lost_after: float | None) -> None:
    """Mark the event's active job failed when nothing has run it for `lost_after` seconds
    (its process died without finishing)."""
    if lost_after is None:
        return
    job = active_job(session, event_id)
    if job is None:
        return
    last = job.heartbeat_at or job.created_at
    if utcnow() - last > timedelta(seconds=lost_after):
        worker_lost(session, job.id, retry=False)


def touch(session: Session, job_ids: set[int]) -> None:
    """A sign of life for jobs that a runner holds (queued or running)."""
    if job_ids:
        session.exec(
            update(m.SolveJob)
            .where(col(m.SolveJob.id).in_(job_ids), col(m.SolveJob.active))
            .values(heartbeat_at=utcnow())
        )
        session.commit()


def worker_lost(session: Session, job_id: int, *, retry: bool) -> None:
    """The process running a job died: queue the job again, or mark it failed."""
    where = (col(m.SolveJob.id) == job_id, col(m.SolveJob.active))
    if retry:
        values: dict[str, Any] = {
            "state": JobState.QUEUED.value,
            "progress": {"phase": "queued", "elapsed": 0.0, "retry": True},
            "worker": None,
            "heartbeat_at": utcnow(),
        }
    else:
        values = _finished(JobState.FAILED, Msg("solve.crashed"))
    session.exec(update(m.SolveJob).where(*where).values(values))
    session.commit()


def fail_unqueued(session: Session) -> None:
    """Jobs whose web process stopped between storing them and queueing them: failed."""
    session.exec(
        update(m.SolveJob)
        .where(
            col(m.SolveJob.active),
            col(m.SolveJob.state) == JobState.QUEUED.value,
            col(m.SolveJob.attempt) == 0,
            col(m.SolveJob.queue_job_id).is_(None),
            col(m.SolveJob.created_at) < utcnow() - timedelta(seconds=UNQUEUED_AFTER),
        )
        .values(_finished(JobState.FAILED, Msg("solve.crashed")))
    )
    session.commit()


# --- running a job (in a worker, or in a child process of `ketnoi serve`) -----------------


def run_job(database_url: str, job_id: int, *, parent_pid: int | None = None) -> None:
    """Claim the job and run it to its end. `parent_pid`: stop when that process is gone
    (a solve started by a web process that was killed)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            attempt = _retrying(session, lambda: _claim(session, job_id))
        if attempt is None:
            return
        try:
            with Session(engine) as session:
                _run(session, job_id, attempt, parent_pid)
        except Exception as error:  # report every failure on the job row, never lose it
            log.exception("solve job %s failed", job_id)
            detail = "".join(traceback.format_exception_only(error)).strip()
            failure = Msg("solve.failed", e=detail)
            with Session(engine) as session:
                _retrying(
                    session, lambda: _finish(session, job_id, attempt, JobState.FAILED, failure)
                )
    finally:
        engine.dispose()


def _claim(session: Session, job_id: int) -> int | None:
    """Start a run of the job (its number), unless it is over or being cancelled."""
    now = utcnow()
    claimed = session.exec(
        update(m.SolveJob)
        .where(
            col(m.SolveJob.id) == job_id,
            col(m.SolveJob.active),
            col(m.SolveJob.cancel_requested).is_(False),
        )
        .values(
            state=JobState.RUNNING.value,
            attempt=m.SolveJob.attempt + 1,
            worker=f"{socket.gethostname()}:{os.getpid()}",
            started_at=now,
            heartbeat_at=now,
        )
    )
    session.commit()
    job = session.get(m.SolveJob, job_id)
    if job is None:
        return None
    if claimed.rowcount == 1:
        return job.attempt
    if job.active:  # cancelled while queued
        _finish(session, job_id, job.attempt, JobState.CANCELLED, Msg("solve.cancelled"))
    return None


def _run(session: Session, job_id: int, attempt: int, parent_pid: int | None) -> None:
    params, pins, event, previous, published = _retrying(session, lambda: _load(session, job_id))
    last = [0.0]
    stop = [False]

    def on_progress(p: Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            _write_progress(session, job_id, attempt, p)

    def should_stop() -> bool:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            stop[0] = not _still_wanted(session, job_id, attempt, parent_pid)
        return stop[0]

    solve_params = SolveParams(
        time_limit=float(params.get("time_limit", 30)),
        workers=int(params.get("workers", 1)),
        seed=0,
    )
    if published is not None:
        schedule = resolve(
            event, published, solve_params, on_progress=on_progress, should_stop=should_stop
        )
    else:
        schedule = solve(
            event,
            solve_params,
            on_progress=on_progress,
            should_stop=should_stop,
            previous=previous,
        )
    _retrying(session, lambda: _store(session, job_id, attempt, parent_pid, event, schedule, pins))


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


T = TypeVar("T")


def _retrying(session: Session, step: Callable[[], T]) -> T:
    """Run one database step of a job, waiting out a database that is restarting: a job is
    not lost, nor minutes of solving thrown away, for a connection that drops at the wrong
    moment."""
    for _ in range(DB_TRIES - 1):
        try:
            return step()
        except OperationalError:
            log.warning("database unavailable during a solve job; trying again")
            session.rollback()
            time.sleep(DB_RETRY_SECONDS)
    return step()


def _store(
    session: Session,
    job_id: int,
    attempt: int,
    parent_pid: int | None,
    event: Event,
    schedule: Schedule,
    pins: dict[str, Any],
) -> None:
    # Lock the row (PostgreSQL) so that no recovery marks it while the version is written.
    job = session.exec(
        select(m.SolveJob)
        .where(col(m.SolveJob.id) == job_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if job.attempt != attempt or not job.active:
        session.rollback()  # replaced by a retry, or given up: the other outcome stands
        return
    if job.cancel_requested:
        session.rollback()
        _finish(session, job_id, attempt, JobState.CANCELLED, Msg("solve.cancelled"))
        return
    if parent_pid is not None and os.getppid() != parent_pid:
        session.rollback()
        _finish(session, job_id, attempt, JobState.FAILED, Msg("solve.crashed"))
        return
    stats = schedule.stats
    if stats is not None and stats.status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN):
        if stats.message:
            failure = Msg("solve.no_schedule_because", reason=stats.message)
        else:
            failure = Msg("solve.no_schedule")
        session.rollback()
        _finish(session, job_id, attempt, JobState.FAILED, failure)
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
    for key, value in _finished(JobState.SUCCEEDED, None).items():
        setattr(job, key, value)
    session.add(job)
    session.commit()


def _still_wanted(session: Session, job_id: int, attempt: int, parent_pid: int | None) -> bool:
    """False when the run should stop: cancelled, replaced, given up, or orphaned. A database
    that does not answer for a moment stops nothing."""
    if parent_pid is not None and os.getppid() != parent_pid:
        return False
    try:
        row = session.exec(
            select(m.SolveJob.cancel_requested, m.SolveJob.active, m.SolveJob.attempt).where(
                col(m.SolveJob.id) == job_id
            )
        ).first()
        session.commit()
    except OperationalError:
        log.warning("database unavailable during solve job %s; solving on", job_id)
        session.rollback()
        return True
    if row is None:
        return False
    cancel_requested, active, current = row
    return active and not cancel_requested and current == attempt


def _write_progress(session: Session, job_id: int, attempt: int, p: Progress) -> None:
    progress = {
        "elapsed": round(p.elapsed, 1),
        "phase": p.phase,
        "meetings": p.meetings,
        "weight": p.weight,
        "weight_bound": p.weight_bound,
        "breaks": p.breaks,
        "breaks_bound": p.breaks_bound,
    }
    try:
        session.exec(
            update(m.SolveJob)
            .where(
                col(m.SolveJob.id) == job_id,
                col(m.SolveJob.attempt) == attempt,
                col(m.SolveJob.active),
            )
            .values(progress=progress, heartbeat_at=utcnow())
        )
        session.commit()
    except OperationalError:  # progress is shown again at the next write
        log.warning("database unavailable during solve job %s; progress not written", job_id)
        session.rollback()


def _finished(state: JobState, error: Msg | None) -> dict[str, Any]:
    return {
        "state": state.value,
        "error": error.code if error else None,
        "error_params": dict(error.params) if error else {},
        "active": False,
        "finished_at": utcnow(),
    }


def _finish(
    session: Session, job_id: int, attempt: int, state: JobState, error: Msg | None
) -> None:
    """End the job's run `attempt` (nothing happens if another run has taken over)."""
    session.exec(
        update(m.SolveJob)
        .where(
            col(m.SolveJob.id) == job_id,
            col(m.SolveJob.attempt) == attempt,
            col(m.SolveJob.active),
        )
        .values(_finished(state, error))
    )
    session.commit()


def error_of(job: m.SolveJob) -> Msg | None:
    """Why a job failed or was cancelled, to be shown in the reader's language."""
    return Msg(job.error, **(job.error_params or {})) if job.error else None


def elapsed(job: m.SolveJob) -> float:
    start = job.started_at or job.created_at
    end: datetime = job.finished_at or utcnow()
    return max(0.0, (end - start).total_seconds())
