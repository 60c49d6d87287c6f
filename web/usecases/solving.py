"""Solve jobs: one per event at a time, run in a separate (spawned) process, progress in the DB.

The child process reads the event from the database, solves, and writes a new draft
ScheduleVersion. A failed, cancelled or crashed solve only marks its job row: earlier versions
and the published schedule are never touched.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from scheduler.domain import SolveStatus
from scheduler.solve import Progress, SolveParams, solve
from web import models as m
from web.db import make_engine
from web.models import JobState, utcnow
from web.usecases import mapper
from web.usecases.errors import Conflict, Invalid, Msg
from web.usecases.versions import create_version, pins_of

# job id -> solver process started by this web process
_children: dict[int, multiprocessing.process.BaseProcess] = {}
PROGRESS_EVERY = 0.4  # seconds between progress writes / cancel checks
TIME_LIMIT_MIN, TIME_LIMIT_MAX = 1.0, 3600.0  # seconds an organiser may give one solve


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
    database_url: str,
    event_id: int,
    *,
    time_limit: float,
    workers: int = 1,
    base_version_id: int | None = None,
) -> m.SolveJob:
    """Create the job row and spawn the solver process; Conflict if one is active already."""
    if not TIME_LIMIT_MIN <= time_limit <= TIME_LIMIT_MAX:
        raise Invalid(Msg("solve.bad_time_limit", low=TIME_LIMIT_MIN, high=TIME_LIMIT_MAX))
    reap(session, event_id)
    job = m.SolveJob(
        event_id=event_id,
        params={"time_limit": time_limit, "workers": workers, "base_version_id": base_version_id},
        progress={"phase": "queued", "elapsed": 0.0},
    )
    session.add(job)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(Msg("solve.busy")) from None
    session.refresh(job)
    process = multiprocessing.get_context("spawn").Process(
        target=run_job, args=(database_url, job.id), name=f"ketnoi-solve-{job.id}", daemon=True
    )
    process.start()
    _children[job.id] = process
    job.pid = process.pid
    session.add(job)
    session.commit()
    session.refresh(job)
    return job


def cancel_active(session: Session, event_id: int) -> None:
    """Ask the event's running solve to stop (it finishes as cancelled, writing nothing)."""
    job = active_job(session, event_id)
    if job is not None and job.active:
        job.cancel_requested = True
        session.add(job)
        session.commit()


def _alive(job: m.SolveJob) -> bool:
    process = _children.get(job.id or -1)
    # Job ids are per database: a child of another database's job (tests) is not this one.
    if process is not None and process.pid == job.pid:
        if process.is_alive():
            return True
        process.join(0)
        _children.pop(job.id or -1, None)
        return False
    if job.pid is None:
        return True  # not started yet by this process's knowledge
    try:
        os.kill(job.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie still answers kill(0)
        with open(f"/proc/{job.pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


def reap(session: Session, event_id: int) -> None:
    """Mark an active job whose process died without finishing as failed."""
    job = active_job(session, event_id)
    if job is None or _alive(job):
        return
    session.refresh(job)
    if job.active:
        job.active = False
        job.state = JobState.FAILED.value
        job.error, job.error_params = "solve.crashed", {}
        job.finished_at = utcnow()
        session.add(job)
        session.commit()


# --- the child process ---------------------------------------------------------------------


def run_job(database_url: str, job_id: int) -> None:
    """Entry point of the solver process."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            found = session.get(m.SolveJob, job_id)
            if found is None:
                return
            job: m.SolveJob = found  # the closures below see a job, never None
            job.state = JobState.RUNNING.value
            job.pid = os.getpid()
            job.started_at = utcnow()
            session.add(job)
            session.commit()
            params: dict[str, Any] = dict(job.params)
            base_id = params.get("base_version_id")
            base = session.get(m.ScheduleVersion, base_id) if base_id else None
            pins = pins_of(session, base) if base is not None else {}
            event = mapper.event_of(session, job.event_id, for_solver=True, fixed=pins)
            previous = mapper.schedule_of(session, base, event) if base is not None else None
            last = [0.0]
            cancelled = [False]

            def on_progress(p: Progress) -> None:
                now = time.monotonic()
                if now - last[0] < PROGRESS_EVERY:
                    return
                last[0] = now
                _write_progress(session, job, p)

            def should_stop() -> bool:
                now = time.monotonic()
                if now - last[0] >= PROGRESS_EVERY:
                    last[0] = now
                    session.refresh(job)
                    cancelled[0] = job.cancel_requested
                return cancelled[0]

            solve_params = SolveParams(
                time_limit=float(params.get("time_limit", 30)),
                workers=int(params.get("workers", 1)),
                seed=0,
            )
            schedule = solve(
                event,
                solve_params,
                on_progress=on_progress,
                should_stop=should_stop,
                previous=previous,
            )
            session.refresh(job)
            if job.cancel_requested:
                _finish(session, job, JobState.CANCELLED, Msg("solve.cancelled"))
                return
            stats = schedule.stats
            if stats is not None and stats.status in (SolveStatus.INFEASIBLE, SolveStatus.UNKNOWN):
                if stats.message:
                    failure = Msg("solve.no_schedule_because", reason=stats.message)
                else:
                    failure = Msg("solve.no_schedule")
                _finish(session, job, JobState.FAILED, failure)
                return
            version = create_version(
                session,
                job.event_id,
                event,
                schedule,
                source="solve",
                pinned=set(pins),
                commit=False,
            )
            job.version_id = version.id
            job.progress = dict(job.progress) | {
                "phase": "done",
                "meetings": len(schedule.meetings),
            }
            if stats is not None:
                job.progress |= {
                    "weight": stats.weight,
                    "weight_bound": stats.weight_bound,
                    "breaks": stats.breaks,
                }
            _finish(session, job, JobState.SUCCEEDED, None)
    except Exception as error:  # report every failure on the job row, never lose it
        with Session(engine) as session:
            failed = session.get(m.SolveJob, job_id)
            if failed is not None:
                detail = "".join(traceback.format_exception_only(error)).strip()
                _finish(session, failed, JobState.FAILED, Msg("solve.failed", e=detail))
    finally:
        engine.dispose()


def _write_progress(session: Session, job: m.SolveJob, p: Progress) -> None:
    job.progress = {
        "elapsed": round(p.elapsed, 1),
        "phase": p.phase,
        "meetings": p.meetings,
        "weight": p.weight,
        "weight_bound": p.weight_bound,
        "breaks": p.breaks,
        "breaks_bound": p.breaks_bound,
    }
    session.add(job)
    session.commit()


def _finish(session: Session, job: m.SolveJob, state: JobState, error: Msg | None) -> None:
    job.state = state.value
    job.error = error.code if error else None
    job.error_params = dict(error.params) if error else {}
    job.active = False
    job.finished_at = utcnow()
    session.add(job)
    session.commit()


def error_of(job: m.SolveJob) -> Msg | None:
    """Why a job failed or was cancelled, to be shown in the reader's language."""
    return Msg(job.error, **(job.error_params or {})) if job.error else None


def elapsed(job: m.SolveJob) -> float:
    start = job.started_at or job.created_at
    end: datetime = job.finished_at or utcnow()
    return max(0.0, (end - start).total_seconds())
