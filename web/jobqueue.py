"""Where solve jobs run: a procrastinate queue read by `ketnoi worker` (PostgreSQL), or
child processes of `ketnoi serve` itself (SQLite, one machine).

Both run the same task body, `web.usecases.solving.run_job`, and both retry a job once when
the process running it dies, then mark it failed:

- PostgreSQL: the web process only queues (`QueueLauncher`). Each worker tells procrastinate
  it is alive every `worker_heartbeat_seconds`; every worker also looks, as often, for jobs
  of workers silent for `worker_stalled_seconds` (`recover_stalled`), so a killed worker's
  solve is retried or failed within about `worker_stalled_seconds + worker_heartbeat_seconds`
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

import procrastinate
from procrastinate.exceptions import ConnectorException
from procrastinate.jobs import Status
from procrastinate.worker import Worker
from sqlalchemy import Engine, make_url
from sqlmodel import Session

from web.courier import Courier
from web.db import make_engine
from web.settings import Settings
from web.usecases import solving

log = logging.getLogger(__name__)
SOLVE_TASK = "ketnoi.solve"
SOLVE_QUEUE = "solve"
RETRIES = 1  # runs added to a job whose worker died, before it is failed


def is_postgresql(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


def _conninfo(database_url: str) -> str:
    """The SQLAlchemy URL as libpq understands it (without the `+psycopg` driver)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def procrastinate_app(database_url: str) -> procrastinate.App:
    """The queue, with its one task: run a solve job of this database."""
    connector = procrastinate.PsycopgConnector(
        conninfo=_conninfo(database_url), min_size=1, max_size=4
    )
    app = procrastinate.App(connector=connector)

    @app.task(name=SOLVE_TASK, queue=SOLVE_QUEUE)
    def solve_job(job_id: int) -> None:
        solving.run_job(database_url, job_id)

    return app


class QueueLauncher:
    """Queues solve jobs for the workers; the web process never solves."""

    lost_after: float | None = None  # the workers detect lost jobs (procrastinate heartbeats)

    def __init__(self, database_url: str) -> None:
        self._app = procrastinate_app(database_url)
        self._lock = threading.Lock()
        self._open = False

    def submit(self, job_id: int) -> int | None:
        with self._lock:
            if not self._open:
                self._app.open()
                self._open = True
        return self._app.tasks[SOLVE_TASK].defer(job_id=job_id)

    def close(self) -> None:
        with self._lock:
            if self._open:
                self._app.close()
                self._open = False


class LocalLauncher:
    """Runs solve jobs in spawned child processes of this (web) process: SQLite, one machine."""

    def __init__(self, database_url: str, engine: Engine, settings: Settings) -> None:
        self.lost_after: float | None = settings.worker_stalled_seconds
        self._url = database_url
        self._engine = engine
        self._beat = settings.worker_heartbeat_seconds
        self._pool = ThreadPoolExecutor(settings.local_solvers, thread_name_prefix="solve")
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self._heart: threading.Thread | None = None

    def submit(self, job_id: int) -> int | None:
        with self._lock:
            self._held.add(job_id)
            if self._heart is None:
                self._heart = threading.Thread(target=self._heartbeat, daemon=True)
                self._heart.start()
        self._pool.submit(self._run, job_id)
        return None

    def _run(self, job_id: int) -> None:
        try:
            for run in range(RETRIES + 1):
                process = multiprocessing.get_context("spawn").Process(
                    target=solving.run_job,
                    args=(self._url, job_id),
                    kwargs={"parent_pid": os.getpid()},
                    name=f"ketnoi-solve-{job_id}",
                    daemon=True,
                )
                process.start()
                process.join()
                if process.exitcode == 0:
                    return
                log.error("solve process of job %s ended with %s", job_id, process.exitcode)
                with Session(self._engine) as session:
                    solving.worker_lost(session, job_id, retry=run < RETRIES)
        except Exception:  # never lose a job silently: the reader will find it lost
            log.exception("running solve job %s", job_id)
        finally:
            with self._lock:
                self._held.discard(job_id)

    def _heartbeat(self) -> None:
        while True:
            with self._lock:
                held = set(self._held)
            try:
                with Session(self._engine) as session:
                    solving.touch(session, held)
            except Exception:  # a busy database: the next beat will do
                log.exception("solve heartbeat")
            threading.Event().wait(self._beat)


def make_launcher(settings: Settings, engine: Engine) -> QueueLauncher | LocalLauncher:
    if is_postgresql(settings.database_url):
        return QueueLauncher(settings.database_url)
    return LocalLauncher(settings.database_url, engine, settings)


# --- the worker (`ketnoi worker`) -------------------------------------------------------------


async def recover_stalled(
    app: procrastinate.App, engine: Engine, stalled_seconds: float, alive: int | None = None
) -> int:
    """Retry once, then fail, the solve jobs of workers silent for `stalled_seconds` (but not
    those of worker `alive`, the caller's own, silent only while the database was away);
    how many."""
    stalled = await app.job_manager.get_stalled_jobs(
        task_name=SOLVE_TASK, seconds_since_heartbeat=stalled_seconds
    )
    count = 0
    for job in stalled:
        if alive is not None and job.worker_id == alive:
            continue
        job_id = int(job.task_kwargs["job_id"])  # type: ignore[arg-type]
        retry = job.attempts < RETRIES
        log.warning("solve job %s lost its worker: %s", job_id, "retry" if retry else "failed")
        await asyncio.to_thread(_mark_lost, engine, job_id, retry)
        # Another worker may have handled it in the meantime: then it is no longer "doing".
        with contextlib.suppress(ConnectorException):
            if retry:
                await app.job_manager.retry_job(job)
            else:
                await app.job_manager.finish_job(job, status=Status.FAILED, delete_job=False)
        count += 1
    await asyncio.to_thread(_fail_unqueued, engine)
    return count


def _mark_lost(engine: Engine, job_id: int, retry: bool) -> None:
    with Session(engine) as session:
        solving.worker_lost(session, job_id, retry=retry)


def _fail_unqueued(engine: Engine) -> None:
    with Session(engine) as session:
        solving.fail_unqueued(session)


async def _recover_forever(
    app: procrastinate.App, engine: Engine, settings: Settings, alive: Callable[[], int | None]
) -> None:
    while True:
        try:
            await recover_stalled(app, engine, settings.worker_stalled_seconds, alive())
        except Exception:  # the database is away for a moment: try again at the next beat
            log.exception("recovering stalled solve jobs")
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
            worker.stop()  # type: ignore[no-untyped-call]  # running solves finish first

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
                    name=f"solve@{socket.gethostname()}:{os.getpid()}",
                    update_heartbeat_interval=settings.worker_heartbeat_seconds,
                    stalled_worker_timeout=settings.worker_stalled_seconds,
                    delete_jobs="successful",
                    install_signal_handlers=False,
                )
                try:
                    await worker.run()  # type: ignore[no-untyped-call]
                except Exception:
                    log.exception("solve worker stopped")
                if not stopping.is_set():
                    # The database went away (a restart): its heartbeat failed, so the
                    # worker stopped once its solves were done. Take up work again.
                    log.warning("solve worker restarting in %ss", settings.worker_heartbeat_seconds)
                    await asyncio.sleep(settings.worker_heartbeat_seconds)
            recovery.cancel()
    finally:
        courier.stop()
        engine.dispose()


def run_worker(settings: Settings, concurrency: int) -> None:
    """Run solve jobs from the queue until SIGINT / SIGTERM (running solves finish first)."""
    asyncio.run(_work(settings, concurrency))
