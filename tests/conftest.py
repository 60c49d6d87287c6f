"""Shared fixtures: a database URL per backend (SQLite file, PostgreSQL with its own database),
an app/TestClient factory, a logged-in organiser client, and a live uvicorn server."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from web import models as m

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
ORGANISER_EMAIL = "organiser@example.org"
ORGANISER_PASSWORD = "correct horse battery"
# Browser tests save screenshots here; `KETNOI_SCREENSHOTS=docs/screenshots` refreshes the
# committed ones (a plain test run leaves the work tree clean).
SCREENSHOTS = Path(
    os.environ.get("KETNOI_SCREENSHOTS") or Path(tempfile.gettempdir(), "ketnoi-shots")
)

ROOT = Path(__file__).resolve().parents[1]
TINY_SAMPLE = ROOT / "samples" / "tiny.json"
TINY_DAY = "2026-11-19"  # the one day of the tiny sample


def import_event_json(session: Session, doc: object, venue: str = "") -> m.Event:
    """A `b2b-event/1` document stored as a new event, owned by the test organiser
    (ORGANISER_EMAIL) when that account exists, else by nobody."""
    from web.usecases import accounts, events

    owner = accounts.organiser_by_email(session, ORGANISER_EMAIL)
    return events.import_event(session, owner, doc, venue=venue)


def tiny_on(day: date | None = None) -> str:
    """samples/tiny.json, held on `day` instead of its own day (2026-11-19)."""
    text = TINY_SAMPLE.read_text()
    return text if day is None else text.replace(TINY_DAY, day.isoformat())


def tomorrow(timezone: str = "Asia/Ho_Chi_Minh") -> date:
    """Tomorrow where the event is: every slot of an event held then is still to come."""
    return datetime.now(ZoneInfo(timezone)).date() + timedelta(days=1)


# Zones a few hours apart all round the clock: in one of them it is always mid-morning.
MORNING_ZONES = (
    "Pacific/Honolulu",
    "America/Los_Angeles",
    "America/Chicago",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "Europe/London",
    "Europe/Paris",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Dhaka",
    "Asia/Ho_Chi_Minh",
    "Asia/Tokyo",
    "Australia/Brisbane",
    "Pacific/Auckland",
)


def morning_zone() -> str:
    """The zone of MORNING_ZONES where it is now closest to 10:00: an event held there
    today has its sessions under way and still to come on the same date."""

    def off_ten(zone: str) -> float:
        local = datetime.now(ZoneInfo(zone))
        return abs(local.hour + local.minute / 60 - 10)

    return min(MORNING_ZONES, key=off_ten)


def tiny_started(minutes_ago: int, timezone: str) -> str:
    """samples/tiny.json held in `timezone`, every time shifted alike so that its first
    session (d1-am, 08:30-11:30; d1-pm follows at 13:30-16:30) started `minutes_ago`
    minutes ago there (to the minute): the event day is today and under way."""
    now = datetime.now(ZoneInfo(timezone)).replace(tzinfo=None, second=0, microsecond=0)
    shift = now - timedelta(minutes=minutes_ago) - datetime.fromisoformat(f"{TINY_DAY}T08:30")

    def moved(found: re.Match[str]) -> str:
        return (datetime.fromisoformat(found[0]) + shift).strftime("%Y-%m-%dT%H:%M")

    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d", moved, TINY_SAMPLE.read_text())
    return text.replace('"Asia/Ho_Chi_Minh"', f'"{timezone}"')


def load_tiny(app: FastAPI, venue: str = "", on: date | None = None) -> int:
    """Import samples/tiny.json into the app's database as a new event (held `on` another
    day if given); its id."""
    from scheduler.formats import load_json

    with Session(app.state.engine) as session:
        return import_event_json(session, load_json(tiny_on(on)), venue=venue).id


def publish(app: FastAPI, session: Session, version: m.ScheduleVersion) -> None:
    """Publish a version as the app does, and deliver its mail (to the app's mail folder)."""
    from web.courier import deliver_due, retry_of
    from web.mail import Mailer
    from web.mailing import OutboxPostman
    from web.usecases import publishing
    from web.usecases.notifications import Links

    settings = app.state.settings
    links = Links(base_url=settings.base_url, secret=settings.get_secret_key())
    publishing.publish(session, version, OutboxPostman(session), links)
    deliver_due(app.state.engine, Mailer.from_settings(settings), retry_of(settings))


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end (fails if unreachable)."""
    name = f"ketnoi_t_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


# Heartbeats of test workers: a killed one is noticed within seconds, not half a minute.
WORKER_ENV = {"KETNOI_WORKER_HEARTBEAT_SECONDS": "1", "KETNOI_WORKER_STALLED_SECONDS": "4"}


def start_worker(database_url: str, *args: str) -> subprocess.Popen[bytes]:
    """`ketnoi worker` in its own process against a database (stopped by the caller)."""
    env = os.environ | WORKER_ENV | {"KETNOI_DATABASE_URL": database_url}
    return subprocess.Popen([sys.executable, "-m", "web.cli", "worker", *args], env=env, cwd=ROOT)


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def pg_worker(pg_server_url: str) -> Iterator[subprocess.Popen[bytes]]:
    """A worker for the session's PostgreSQL database (solves, advice), as `ketnoi worker` runs."""
    worker = start_worker(pg_server_url, "--concurrency", "2")
    yield worker
    stop_process(worker)


def _settle_solves(conn: psycopg.Connection[Any]) -> None:
    """Cancel what a test left running and wait for the workers to let go of it, so that no
    solve or advice of one test writes into the next one's rows."""
    if conn.execute("SELECT to_regclass('procrastinate_jobs')").fetchone() == (None,):
        return
    conn.execute("UPDATE solve_job SET cancel_requested = true WHERE active")
    conn.execute("UPDATE advice_job SET cancel_requested = true WHERE active")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        doing = conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")
        if doing.fetchone() == (0,):
            return
        time.sleep(0.2)
    raise AssertionError("a job of the previous test did not stop")


def _reset_pg(url: str) -> None:
    """Empty every table of the session's PostgreSQL database (schema kept, and the queue's
    registered workers)."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        _settle_solves(conn)
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname='public'"
                " AND tablename NOT IN ('alembic_version', 'procrastinate_workers')"
            )
        ]
        if tables:
            conn.execute(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
            )


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its cheapest: the real cost (about a second a hash here) would dominate every
    test that signs in; what is tested is that a hash is checked, not how slowly."""
    from argon2 import PasswordHasher

    from web.usecases import accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied, copied for each test (migrating a new
    file each time costs more than many a test)."""
    from web.db import make_engine, migrate

    path = tmp_path_factory.mktemp("template") / "ketnoi.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each database test runs against a SQLite file and against PostgreSQL."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, tmp_path / "ketnoi.db")
        return f"sqlite:///{tmp_path / 'ketnoi.db'}"
    url: str = request.getfixturevalue("pg_server_url")
    with contextlib.suppress(psycopg.Error):  # no tables yet
        _reset_pg(url)
    return url


@pytest.fixture
def make_app(
    request: pytest.FixtureRequest, database_url: str, tmp_path: Path
) -> Iterator[Callable[..., FastAPI]]:
    """Apps on the test's database; on PostgreSQL a worker runs their solves, as in production.
    Their mail couriers stop with the test (one left running would send the next test's mail)."""
    from web.app import create_app
    from web.jobqueue import is_postgresql
    from web.settings import Settings

    if is_postgresql(database_url):
        request.getfixturevalue("pg_worker")
    made: list[FastAPI] = []

    def factory(**overrides: object) -> FastAPI:
        values: dict[str, object] = {
            "database_url": database_url,
            "secret_key": "test-secret",
            "var_dir": tmp_path / "var",
            "solve_workers": 1,
        }
        values.update(overrides)
        made.append(create_app(Settings(**values)))  # type: ignore[arg-type]
        return made[-1]

    yield factory
    for app in made:
        app.state.courier.stop()


@pytest.fixture
def app(make_app: Callable[..., FastAPI]) -> Iterator[FastAPI]:
    app = make_app()
    yield app
    app.state.engine.dispose()


@pytest.fixture
def organiser(app: FastAPI) -> str:
    from sqlmodel import Session

    from web.usecases.accounts import create_organiser

    with Session(app.state.engine) as session:
        create_organiser(session, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    return ORGANISER_EMAIL


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


class OrganiserClient(TestClient):
    """A TestClient logged in as an organiser; `.csrf` is the session's CSRF token."""

    csrf: str = ""

    def post_form(
        self, url: str, data: Mapping[str, str | list[str]] | None = None, **kw: Any
    ) -> Any:
        """POST a form with the session's CSRF token (TestClient answers are untyped)."""
        return self.post(url, data={"csrf_token": self.csrf, **(data or {})}, **kw)


def log_in(
    client: TestClient, email: str = ORGANISER_EMAIL, password: str = ORGANISER_PASSWORD
) -> str:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": password, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def organiser_client(app: FastAPI, organiser: str) -> Iterator[OrganiserClient]:
    with OrganiserClient(app) as c:
        c.csrf = log_in(c)
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """The app under uvicorn in a background thread, on a free port, with a temp SQLite DB
    and an organiser account (ORGANISER_EMAIL / ORGANISER_PASSWORD). Yields the base URL."""
    import uvicorn
    from sqlmodel import Session

    from web.app import create_app
    from web.settings import Settings
    from web.usecases.accounts import create_organiser

    app = create_app(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'live.db'}",
            secret_key="live-secret",
            var_dir=tmp_path / "var",
            solve_workers=1,
        )
    )
    with Session(app.state.engine) as session:
        create_organiser(session, ORGANISER_EMAIL, ORGANISER_PASSWORD)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()
