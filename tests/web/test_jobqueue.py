"""Solve and advice jobs on the queue with real worker processes: the web process only
queues, a worker killed in the middle of a job is noticed, its job is run once more and then
failed, and nothing but the job row changes."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from sqlmodel import Session, col, select

from scheduler.formats import event_to_json
from tests.conftest import PG_ADMIN, import_event_json, start_worker, stop_process
from tests.scheduler.bottlenecks import bottleneck_event
from tests.web.helpers import ROOT, publish_placed
from web import models as m
from web.app import create_app
from web.settings import Settings
from web.usecases import advice, solving

HANOI = ROOT / "samples" / "hanoi-2026.json"
WAIT = 90.0  # seconds: far beyond the 4 s + 1 s the test workers take to notice a dead one


@pytest.fixture
def queue_db() -> Iterator[str]:
    """A PostgreSQL database of its own: no worker but the ones a test starts reads it."""
    name = f"ketnoi_q_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def workers(queue_db: str) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    """Start `ketnoi worker --concurrency 1` processes on the test's database."""
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        started.append(start_worker(queue_db, "--concurrency", "1"))
        return started[-1]

    yield start
    for process in started:
        stop_process(process)


def _app(database_url: str, tmp_path: Path) -> FastAPI:
    return create_app(
        Settings(database_url=database_url, secret_key="test-secret", var_dir=tmp_path / "var")
    )


Job = m.SolveJob | m.AdviceJob


def _job(app: FastAPI, table: type[Job] = m.SolveJob) -> Job:
    with Session(app.state.engine) as session:
        job: Job = session.exec(select(table)).one()  # type: ignore[assignment]  # a union of tables
        session.expunge(job)
        return job


def _wait(app: FastAPI, ready: Callable[[Job], bool], table: type[Job] = m.SolveJob) -> Job:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        job = _job(app, table)
        if ready(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"the job never got there: {_job(app, table)}")


def _running_on(process: subprocess.Popen[bytes], attempt: int) -> Callable[[Job], bool]:
    def ready(job: Job) -> bool:
        on_it = (job.worker or "").endswith(f":{process.pid}")
        return job.state == "running" and job.attempt == attempt and on_it

    return ready


def _start_solve(app: FastAPI, event_id: int, time_limit: float) -> None:
    with Session(app.state.engine) as session:
        solving.start_solve(session, app.state.launcher, event_id, time_limit=time_limit)


def _hanoi(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return import_event_json(session, json.loads(HANOI.read_text())).id


def _versions(app: FastAPI) -> list[tuple[int, str]]:
    with Session(app.state.engine) as session:
        rows = session.exec(select(m.ScheduleVersion).order_by(col(m.ScheduleVersion.number)))
        return [(v.number, v.status) for v in rows]


def test_a_queued_solve_waits_for_a_worker_and_runs_there(
    queue_db: str, workers: Callable[[], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    from tests.conftest import TINY_SAMPLE

    app = _app(queue_db, tmp_path)
    with Session(app.state.engine) as session:
        event_id = import_event_json(session, json.loads(TINY_SAMPLE.read_text())).id
    _start_solve(app, event_id, time_limit=20)
    queued = _job(app).state
    worker = workers()
    done = _wait(app, lambda job: not job.active)
    app.state.engine.dispose()
    assert (queued, done.state, done.worker) == (
        "queued",
        "succeeded",
        f"{socket.gethostname()}:{worker.pid}",
    )


def test_a_killed_worker_s_solve_is_run_again_by_another_worker(
    queue_db: str, workers: Callable[[], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    app = _app(queue_db, tmp_path)
    event_id = _hanoi(app)
    _start_solve(app, event_id, time_limit=120)
    first = workers()
    _wait(app, _running_on(first, attempt=1))
    first.send_signal(signal.SIGKILL)
    first.wait()
    second = workers()
    job = _wait(app, _running_on(second, attempt=2))
    with Session(app.state.engine) as session:
        solving.cancel_active(session, event_id)
    _wait(app, lambda job: not job.active)
    app.state.engine.dispose()
    assert job.attempt == 2


def test_a_solve_whose_worker_is_killed_twice_fails_and_leaves_the_schedules_alone(
    queue_db: str, workers: Callable[[], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    app = _app(queue_db, tmp_path)
    event_id = _hanoi(app)
    publish_placed(app, event_id, {})
    before = _versions(app)
    _start_solve(app, event_id, time_limit=120)
    for attempt in (1, 2):
        worker = workers()
        _wait(app, _running_on(worker, attempt))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    workers()  # a live worker notices the dead one
    job = _wait(app, lambda job: not job.active)
    after = _versions(app)
    app.state.engine.dispose()
    assert (job.state, job.error, after) == ("failed", "solve.crashed", before)


def _solver_pid(job: Job) -> int:
    return int((job.worker or "").rpartition(":")[2])


def _running_attempt(attempt: int) -> Callable[[Job], bool]:
    return lambda job: job.state == "running" and job.attempt == attempt


def test_on_sqlite_a_killed_solver_process_is_run_once_more_then_failed(tmp_path: Path) -> None:
    app = _app(f"sqlite:///{tmp_path / 'ketnoi.db'}", tmp_path)
    event_id = _hanoi(app)
    publish_placed(app, event_id, {})
    before = _versions(app)
    _start_solve(app, event_id, time_limit=120)
    pids = []
    for attempt in (1, 2):
        pids.append(_solver_pid(_wait(app, _running_attempt(attempt))))
        os.kill(pids[-1], signal.SIGKILL)
    job = _wait(app, lambda job: not job.active)
    after = _versions(app)
    app.state.engine.dispose()
    assert (os.getpid() in pids, job.state, job.error, after) == (
        False,
        "failed",
        "solve.crashed",
        before,
    )


# --- advice jobs ------------------------------------------------------------------------------


def _start_advice(app: FastAPI, event_id: int) -> None:
    with Session(app.state.engine) as session:
        advice.start_advice(session, app.state.launcher, event_id)


def _bottleneck(app: FastAPI) -> int:
    """An event whose advice finds suggestions within seconds."""
    with Session(app.state.engine) as session:
        return import_event_json(session, event_to_json(bottleneck_event())).id


def _advice_done(job: Job) -> bool:
    return not job.active


def test_a_queued_advice_waits_for_a_worker_and_runs_there(
    queue_db: str, workers: Callable[[], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    app = _app(queue_db, tmp_path)
    event_id = _bottleneck(app)
    _start_advice(app, event_id)
    queued = _job(app, m.AdviceJob).state
    worker = workers()
    done = _wait(app, _advice_done, m.AdviceJob)
    app.state.engine.dispose()
    assert (queued, done.state, done.worker) == (
        "queued",
        "succeeded",
        f"{socket.gethostname()}:{worker.pid}",
    )


def test_an_advice_whose_worker_is_killed_is_run_once_more_then_failed(
    queue_db: str, workers: Callable[[], subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    app = _app(queue_db, tmp_path)
    event_id = _hanoi(app)
    _start_advice(app, event_id)
    killed = []
    for attempt in (1, 2):
        worker = workers()
        _wait(app, _running_on(worker, attempt), m.AdviceJob)
        killed.append(time.monotonic())
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    workers()  # a live worker notices the dead one
    job = _wait(app, _advice_done, m.AdviceJob)
    noticed_after = time.monotonic() - killed[-1]
    app.state.engine.dispose()
    # Noticed within the stalled time (4 s) and a beat or two (1 s each) of the test workers,
    # plus the new worker's start-up.
    assert (job.state, job.error, job.attempt, noticed_after < 30) == (
        "failed",
        "advice.crashed",
        2,
        True,
    )


def test_on_sqlite_advice_runs_in_a_child_process_of_the_web_process(tmp_path: Path) -> None:
    app = _app(f"sqlite:///{tmp_path / 'ketnoi.db'}", tmp_path)
    event_id = _bottleneck(app)
    _start_advice(app, event_id)
    job = _wait(app, _advice_done, m.AdviceJob)
    app.state.engine.dispose()
    host, _, pid = (job.worker or "").rpartition(":")
    assert (job.state, host, int(pid) != os.getpid()) == ("succeeded", socket.gethostname(), True)


def test_on_sqlite_a_killed_advice_process_is_run_once_more_then_failed(tmp_path: Path) -> None:
    app = _app(f"sqlite:///{tmp_path / 'ketnoi.db'}", tmp_path)
    event_id = _hanoi(app)
    _start_advice(app, event_id)
    for attempt in (1, 2):
        os.kill(_solver_pid(_wait(app, _running_attempt(attempt), m.AdviceJob)), signal.SIGKILL)
    job = _wait(app, _advice_done, m.AdviceJob)
    app.state.engine.dispose()
    assert (job.state, job.error, job.attempt) == ("failed", "advice.crashed", 2)
