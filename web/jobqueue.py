"""Where jobs run (solves, advice): a procrastinate queue read by `ketnoi worker`
(PostgreSQL), or child processes of `ketnoi serve` itself (SQLite, one machine).

Both run the same task bodies (`web.usecases.solving.run_job`, `web.usecases.advice.run_job`),
and both retry a job once when the process running it dies, then mark it failed:

- PostgreSQL: the web process only queues (`QueueLauncher`). Each worker tells procrastinate
  it is alive every `worker_heartbeat_seconds`; every worker also looks, as often, for jobs
  of workers silent for `worker_stalled_seconds` (`recover_stalled`), so a killed worker's
  job is retried or failed within about `worker_stalled_seconds + worker_heartbeat_seconds`
  of its last heartbeat, as long as any worker runs.
- SQLite: `LocalLauncher` runs each job in a spawned process from a small thread pool and
  writes the jobs' heartbeats; a reader that finds an active job silent for
  `worker_stalled_seconds` (the web process that held it was killed) marks it failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import procrastinate
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Status
from procrastinate.worker import Worker
from sqlalchemy import Engine, make_url
from sqlmodel import Session

from web.courier import Courier
from web.db import make_engine
from web.settings import Settings
from web.usecases import advice, jobs, solving

log = logging.getLogger(__name__)
# Advice is solver work sized like a solve (`solve_workers` cores for a minute or more), so it
# shares the solve queue: a worker's `--concurrency` bounds the cores it takes whatever the mix.
SOLVE_QUEUE = "solve"
RETRIES = 1  # runs added to a job whose worker died, before it is failed


class Run(Protocol):
    def __call__(
        self, database_url: str, job_id: int, *, parent_pid: int | None = None
    ) -> None: ...


KINDS: dict[str, tuple[jobs.Kind[Any], Run]] = {
    kind.task: (kind, run)
    for kind, run in ((solving.KIND, solving.run_job), (advice.KIND, advice.run_job))
}


def is_postgresql(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


def _conninfo(database_url: str) -> str:
    """The SQLAlchemy URL as libpq understands it (without the `+psycopg` driver)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def procrastinate_app(database_url: str) -> procrastinate.App:
    """The queue, with a task per kind of job of this database."""
    connector = procrastinate.PsycopgConnector(
        conninfo=_conninfo(database_url), min_size=1, max_size=4
    )
    app = procrastinate.App(connector=connector)
    for name, (_, run) in KINDS.items():
        app.task(name=name, queue=SOLVE_QUEUE)(_task(run, database_url))
    return app


def _task(run: Run, database_url: str) -> Callable[[int], None]:
    def task(job_id: int) -> None:
        run(database_url, job_id)

    return task


class QueueLauncher:
    """Queues jobs for the workers; the web process never runs one."""

    lost_after: float | None = None  # the workers detect lost jobs (procrastinate heartbeats)

    def __init__(self, database_url: str) -> None:
        self._app = procrastinate_app(database_url)
        self._lock = threading.Lock()
        self._open = False

    def submit(self, kind: jobs.Kind[Any], job_id: int) -> int | None:
        with self._lock:
            if not self._open:
                self._app.open()
                self._open = True
        return self._app.tasks[kind.task].defer(job_id=job_id)

    def close(self) -> None:
        with self._lock:
            if self._open:
                self._app.close()
                self._open = False


class LocalLauncher:
    """Runs jobs in spawned child processes of this (web) process: SQLite, one machine."""

    def __init__(self, database_url: str, engine: Engine, settings: Settings) -> None:
        self.lost_after: float | None = settings.worker_stalled_seconds
        self._url = database_url
        self._engine = engine
        self._beat = settings.worker_heartbeat_seconds
        self._pool = ThreadPoolExecutor(settings.local_solvers, thread_name_prefix="job")
        self._held: set[tuple[str, int]] = set()  # (task, job id)
        self._lock = threading.Lock()
        self._heart: threading.Thread | None = None

    def submit(self, kind: jobs.Kind[Any], job_id: int) -> int | None:
        with self._lock:
            self._held.add((kind.task, job_id))
            if self._heart is None:
                self._heart = threading.Thread(target=self._heartbeat, daemon=True)
                self._heart.start()
        self._pool.submit(self._run, kind.task, job_id)
        return None

    def _run(self, task: str, job_id: int) -> None:
        kind, target = KINDS[task]
        try:
            for run in range(RETRIES + 1):
                process = multiprocessing.get_context("spawn").Process(
                    target=target,
                    args=(self._url, job_id),
                    kwargs={"parent_pid": os.getpid()},
                    name=f"ketnoi-{kind.label}-{job_id}",
                    daemon=True,
                )
                process.start()
                process.join()
                if process.exitcode == 0:
                    return
                log.error(
                    "%s process of job %s ended with %s", kind.label, job_id, process.exitcode
                )
                with Session(self._engine) as session:
                    jobs.worker_lost(session, kind, job_id, retry=run < RETRIES)
        except Exception:  # never lose a job silently: the reader will find it lost
            log.exception("running %s job %s", kind.label, job_id)
        finally:
            with self._lock:
                self._held.discard((task, job_id))

    def _heartbeat(self) -> None:
        while True:
            with self._lock:
                held = set(self._held)
            try:
                with Session(self._engine) as session:
                    for task, (kind, _) in KINDS.items():
                        jobs.touch(session, kind, {job_id for t, job_id in held if t == task})
            except Exception:  # a busy database: the next beat will do
                log.exception("job heartbeat")
            threading.Event().wait(self._beat)


def make_launcher(settings: Settings, engine: Engine) -> QueueLauncher | LocalLauncher:
    if is_postgresql(settings.database_url):
        return QueueLauncher(settings.database_url)
    return LocalLauncher(settings.database_url, engine, settings)


# --- the worker (`ketnoi worker`) -------------------------------------------------------------


async def recover_stalled(
    app: procrastinate.App, engine: Engine, stalled_seconds: float, alive: int | None = None
) -> int:
    """Retry once, then fail, the jobs of workers silent for `stalled_seconds` (but not
    those of worker `alive`, the caller's own, silent only while the database was away);
    how many."""
    stalled = await app.job_manager.get_stalled_jobs(
        queue=SOLVE_QUEUE, seconds_since_heartbeat=stalled_seconds
    )
    count = 0
    for job in stalled:
        if (alive is not None and job.worker_id == alive) or job.task_name not in KINDS:
            continue
        kind = KINDS[job.task_name][0]
        job_id = int(job.task_kwargs["job_id"])  # type: ignore[arg-type]
        retry = job.attempts < RETRIES
        log.warning(
            "%s job %s lost its worker: %s", kind.label, job_id, "retry" if retry else "failed"
        )
        await asyncio.to_thread(_mark_lost, engine, kind, job_id, retry)
        # Another worker may have handled it in the meantime: then it is no longer "doing".
        with contextlib.suppress(ConnectorException):
            if retry:
                await app.job_manager.retry_job(job)
            else:
                await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
        count += 1
    await asyncio.to_thread(_fail_unqueued, engine)
    return count


def _mark_lost(engine: Engine, kind: jobs.Kind[Any], job_id: int, retry: bool) -> None:
    with Session(engine) as session:
        jobs.worker_lost(session, kind, job_id, retry=retry)


def _fail_unqueued(engine: Engine) -> None:
    with Session(engine) as session:
        for kind, _ in KINDS.values():
            jobs.fail_unqueued(session, kind)


async def _recover_forever(
    app: procrastinate.App, engine: Engine, settings: Settings, alive: Callable[[], int | None]
) -> None:
    while True:
        try:
            await recover_stalled(app, engine, settings.worker_stalled_seconds, alive())
        except Exception:  # the database is away for a moment: try again at the next beat
            log.exception("recovering stalled jobs")
        await asyncio.sleep(settings.worker_heartbeat_seconds)


async def _work(settings: Settings, concurrency: int) -> None:
    app = procrastinate_app(settings.database_url)
    engine = make_engine(settings.database_url)
    # Workers send the mail outbox too, so that retries go out while no web process runs.
    courier = Courier.from_settings(engine, settings)
    courier.kick()
    stopping = asyncio.Event()
    worker: Worker | None = None

    def stop() -> None:
        stopping.set()
        if worker is not None:
            worker.stop()  # type: ignore[no-untyped-call]  # running jobs finish first

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    try:
        async with app.open_async():
            recovery = asyncio.create_task(
                _recover_forever(
                    app, engine, settings, lambda: worker.worker_id if worker else None
                )
            )
            while not stopping.is_set():
                worker = Worker(
                    app,
                    queues=[SOLVE_QUEUE],
                    concurrency=concurrency,
                    name=f"ketnoi@{socket.gethostname()}:{os.getpid()}",
                    update_heartbeat_interval=settings.worker_heartbeat_seconds,
                    stalled_worker_timeout=settings.worker_stalled_seconds,
                    delete_jobs="successful",
                    install_signal_handlers=False,
                )
                try:
                    await worker.run()  # type: ignore[no-untyped-call]
                except Exception:
                    log.exception("worker stopped")
                if not stopping.is_set():
                    # The database went away (a restart): its heartbeat failed, so the
                    # worker stopped once its jobs were done. Take up work again.
                    log.warning("worker restarting in %ss", settings.worker_heartbeat_seconds)
                    await asyncio.sleep(settings.worker_heartbeat_seconds)
            recovery.cancel()
    finally:
        courier.stop()
        engine.dispose()


def run_worker(settings: Settings, concurrency: int) -> None:
    """Run jobs from the queue until SIGINT / SIGTERM (running ones finish first)."""
    asyncio.run(_work(settings, concurrency))
