"""The lifecycle of a background job row (a solve, an advice), written once for every kind.

A job is a row with `state`, `active`, `cancel_requested`, `progress`, `attempt`, `worker`,
`heartbeat_at` and `queue_job_id`; a partial unique index keeps one active job of a kind per
event. `start` stores the row and hands its id to a `Launcher` (the job queue that workers
read on PostgreSQL, a runner inside `ketnoi serve` on SQLite), which calls `run` with the
kind's body. Every run claims the row by raising its `attempt`; a run that a retry replaced
(its worker was taken for dead) writes nothing more. A run whose process dies is queued once
more by whoever notices (`worker_lost`), then failed; a row nobody heartbeats for
`lost_after` seconds reads as lost (`reap`).
"""

from __future__ import annotations

import logging
import os
import socket
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from web import models as m
from web.db import make_engine
from web.models import JobState, utcnow
from web.usecases.errors import Conflict, Msg

log = logging.getLogger(__name__)
UNQUEUED_AFTER = 60.0  # seconds a job may wait for its queue entry before it is failed
DB_TRIES, DB_RETRY_SECONDS = 60, 2.0  # each database step of a job waits up to two minutes

J = TypeVar("J", m.SolveJob, m.AdviceJob)  # a job table
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Kind(Generic[J]):
    """One kind of job: its table, the queue's task that runs it, and its messages."""

    label: str  # for logs and process names: "solve", "advice"
    table: type[J]
    task: str  # the procrastinate task name, also how a launcher tells kinds apart
    queued: dict[str, Any]  # the progress of a job waiting for its run
    busy: str  # message codes (web.messages): another one is active for the event,
    crashed: str  # its process died,
    cancelled: str  # cancelled,
    failed: str  # an error ended the run ({e}),
    not_queued: str  # the queue could not be reached ({e})


class Launcher(Protocol):
    """Runs queued jobs: `submit` hands one over (and returns the queue's id for it).

    `lost_after` is how long an active job may go without a heartbeat before whoever reads
    it takes it for lost (None: the queue detects lost jobs itself)."""

    lost_after: float | None

    def submit(self, kind: Kind[Any], job_id: int) -> int | None: ...


# --- reading --------------------------------------------------------------------------------


def active_job(session: Session, kind: Kind[J], event_id: int) -> J | None:
    table = kind.table
    return session.exec(select(table).where(table.event_id == event_id, col(table.active))).first()


def latest_job(session: Session, kind: Kind[J], event_id: int) -> J | None:
    table = kind.table
    query = select(table).where(table.event_id == event_id).order_by(col(table.id).desc())
    return session.exec(query).first()


def error_of(job: m.SolveJob | m.AdviceJob) -> Msg | None:
    """Why a job failed or was cancelled, to be shown in the reader's language."""
    return Msg(job.error, **(job.error_params or {})) if job.error else None


def elapsed(job: m.SolveJob | m.AdviceJob) -> float:
    start = job.started_at or job.created_at
    end: datetime = job.finished_at or utcnow()
    return max(0.0, (end - start).total_seconds())


# --- in the web process ---------------------------------------------------------------------


def start(session: Session, kind: Kind[J], launcher: Launcher, job: J) -> J:
    """Store the new job row and hand it to the launcher; Conflict if one is active already.
    A queue that cannot be reached fails the job at once (nothing stays active)."""
    reap(session, kind, job.event_id, launcher.lost_after)
    job.progress = dict(kind.queued)
    job.heartbeat_at = utcnow()
    session.add(job)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(Msg(kind.busy)) from None
    session.refresh(job)
    try:
        job.queue_job_id = launcher.submit(kind, job.id)
    except Exception as error:
        log.exception("%s job %s could not be queued", kind.label, job.id)
        detail = "".join(traceback.format_exception_only(error)).strip()
        finish(session, kind, job.id, job.attempt, JobState.FAILED, Msg(kind.not_queued, e=detail))
    else:
        session.add(job)
        session.commit()
    session.refresh(job)
    return job


def cancel(session: Session, kind: Kind[J], event_id: int) -> None:
    """Stop the event's job: a queued one at once, a running one at its next check (it
    finishes as cancelled, writing nothing)."""
    job = active_job(session, kind, event_id)
    if job is None:
        return
    table, job_id = kind.table, job.id
    session.exec(
        update(table)
        .where(col(table.id) == job_id, col(table.active))
        .values(cancel_requested=True)
    )
    session.exec(
        update(table)
        .where(
            col(table.id) == job_id,
            col(table.active),
            col(table.state) == JobState.QUEUED.value,
        )
        .values(finished(JobState.CANCELLED, Msg(kind.cancelled)))
    )
    session.commit()


def reap(session: Session, kind: Kind[J], event_id: int, lost_after: float | None) -> None:
    """Mark the event's active job failed when nothing has run it for `lost_after` seconds
    (its process died without finishing)."""
    if lost_after is None:
        return
    job = active_job(session, kind, event_id)
    if job is None:
        return
    last = job.heartbeat_at or job.created_at
    if utcnow() - last > timedelta(seconds=lost_after):
        worker_lost(session, kind, job.id, retry=False)


# --- in whatever runs jobs (a worker, a launcher) ----------------------------------------


def touch(session: Session, kind: Kind[J], job_ids: set[int]) -> None:
    """A sign of life for jobs that a runner holds (queued or running)."""
    if job_ids:
        table = kind.table
        session.exec(
            update(table)
            .where(col(table.id).in_(job_ids), col(table.active))
            .values(heartbeat_at=utcnow())
        )
        session.commit()


def worker_lost(session: Session, kind: Kind[J], job_id: int, *, retry: bool) -> None:
    """The process running a job died: queue the job again, or mark it failed."""
    table = kind.table
    if retry:
        values: dict[str, Any] = {
            "state": JobState.QUEUED.value,
            "progress": dict(kind.queued) | {"retry": True},
            "worker": None,
            "heartbeat_at": utcnow(),
        }
    else:
        values = finished(JobState.FAILED, Msg(kind.crashed))
    session.exec(update(table).where(col(table.id) == job_id, col(table.active)).values(values))
    session.commit()


def fail_unqueued(session: Session, kind: Kind[J]) -> None:
    """Jobs whose web process stopped between storing them and queueing them: failed."""
    table = kind.table
    session.exec(
        update(table)
        .where(
            col(table.active),
            col(table.state) == JobState.QUEUED.value,
            col(table.attempt) == 0,
            col(table.queue_job_id).is_(None),
            col(table.created_at) < utcnow() - timedelta(seconds=UNQUEUED_AFTER),
        )
        .values(finished(JobState.FAILED, Msg(kind.crashed)))
    )
    session.commit()


# --- a run ------------------------------------------------------------------------------------

Body = Callable[[Session, int, int, int | None], None]  # session, job id, attempt, parent pid


def run(kind: Kind[J], body: Body, database_url: str, job_id: int, parent_pid: int | None) -> None:
    """Claim the job and run `body` to its end; any error ends the run as failed.
    `parent_pid`: the run stops when that process is gone (a job started by a web process
    that was killed)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            attempt = retrying(session, lambda: _claim(session, kind, job_id))
        if attempt is None:
            return
        try:
            with Session(engine) as session:
                body(session, job_id, attempt, parent_pid)
        except Exception as error:  # report every failure on the job row, never lose it
            log.exception("%s job %s failed", kind.label, job_id)
            detail = "".join(traceback.format_exception_only(error)).strip()
            failure = Msg(kind.failed, e=detail)
            with Session(engine) as session:
                retrying(
                    session,
                    lambda: finish(session, kind, job_id, attempt, JobState.FAILED, failure),
                )
    finally:
        engine.dispose()


def _claim(session: Session, kind: Kind[J], job_id: int) -> int | None:
    """Start a run of the job (its number), unless it is over or being cancelled."""
    table, now = kind.table, utcnow()
    claimed = session.exec(
        update(table)
        .where(
            col(table.id) == job_id,
            col(table.active),
            col(table.cancel_requested).is_(False),
        )
        .values(
            state=JobState.RUNNING.value,
            attempt=table.attempt + 1,
            worker=f"{socket.gethostname()}:{os.getpid()}",
            started_at=now,
            heartbeat_at=now,
        )
    )
    session.commit()
    job = session.get(table, job_id)
    if job is None:
        return None
    if claimed.rowcount == 1:
        return job.attempt
    if job.active:  # cancelled while queued
        finish(session, kind, job_id, job.attempt, JobState.CANCELLED, Msg(kind.cancelled))
    return None


def retrying(session: Session, step: Callable[[], T]) -> T:
    """Run one database step of a job, waiting out a database that is restarting: a job is
    not lost, nor minutes of solving thrown away, for a connection that drops at the wrong
    moment."""
    for _ in range(DB_TRIES - 1):
        try:
            return step()
        except OperationalError:
            log.warning("database unavailable during a job; trying again")
            session.rollback()
            time.sleep(DB_RETRY_SECONDS)
    return step()


def orphaned(parent_pid: int | None) -> bool:
    """The web process that started this run is gone (this process was re-parented)."""
    return parent_pid is not None and os.getppid() != parent_pid


def still_wanted(
    session: Session, kind: Kind[J], job_id: int, attempt: int, parent_pid: int | None
) -> bool:
    """False when the run should stop: cancelled, replaced, given up, or orphaned. A database
    that does not answer for a moment stops nothing."""
    if orphaned(parent_pid):
        return False
    table = kind.table
    try:
        row = session.exec(
            select(table.cancel_requested, table.active, table.attempt).where(
                col(table.id) == job_id
            )
        ).first()
        session.commit()
    except OperationalError:
        log.warning("database unavailable during %s job %s; running on", kind.label, job_id)
        session.rollback()
        return True
    if row is None:
        return False
    cancel_requested, active, current = row
    return bool(active and not cancel_requested and current == attempt)


def stopper(
    session: Session, kind: Kind[J], job_id: int, attempt: int, parent_pid: int | None, every: float
) -> Callable[[], bool]:
    """A `should_stop` for the solver: `still_wanted` asked at most every `every` seconds."""
    last = [0.0]
    stop = [False]

    def should_stop() -> bool:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            stop[0] = not still_wanted(session, kind, job_id, attempt, parent_pid)
        return stop[0]

    return should_stop


def write_progress(
    session: Session, kind: Kind[J], job_id: int, attempt: int, progress: dict[str, Any]
) -> None:
    """The run's progress (and a heartbeat), unless another run took over."""
    table = kind.table
    try:
        session.exec(
            update(table)
            .where(col(table.id) == job_id, col(table.attempt) == attempt, col(table.active))
            .values(progress=progress, heartbeat_at=utcnow())
        )
        session.commit()
    except OperationalError:  # progress is shown again at the next write
        log.warning(
            "database unavailable during %s job %s; progress not written", kind.label, job_id
        )
        session.rollback()


def locked(
    session: Session, kind: Kind[J], job_id: int, attempt: int, parent_pid: int | None
) -> J | None:
    """The job row, locked (PostgreSQL) so that no recovery marks it while the run stores its
    result, or None when the run must store nothing: replaced by a retry or given up (the
    other outcome stands), cancelled or orphaned (then marked so)."""
    table = kind.table
    job = session.exec(
        select(table)
        .where(col(table.id) == job_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if job.attempt != attempt or not job.active:
        session.rollback()
        return None
    if job.cancel_requested:
        session.rollback()
        finish(session, kind, job_id, attempt, JobState.CANCELLED, Msg(kind.cancelled))
        return None
    if orphaned(parent_pid):
        session.rollback()
        finish(session, kind, job_id, attempt, JobState.FAILED, Msg(kind.crashed))
        return None
    return job


def finished(state: JobState, error: Msg | None) -> dict[str, Any]:
    """The columns of a job that ended."""
    return {
        "state": state.value,
        "error": error.code if error else None,
        "error_params": dict(error.params) if error else {},
        "active": False,
        "finished_at": utcnow(),
    }


def finish(
    session: Session, kind: Kind[J], job_id: int, attempt: int, state: JobState, error: Msg | None
) -> None:
    """End the job's run `attempt` (nothing happens if another run has taken over)."""
    table = kind.table
    session.exec(
        update(table)
        .where(col(table.id) == job_id, col(table.attempt) == attempt, col(table.active))
        .values(finished(state, error))
    )
    session.commit()
