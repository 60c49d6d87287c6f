"""Faults of the database under a running app: a PostgreSQL restart in the middle of a solve
and of a publish (on a private PostgreSQL instance started from the server's binaries, never
the shared server), and a full disk under the SQLite file during an import."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from tests.conftest import (
    ORGANISER_EMAIL,
    ORGANISER_PASSWORD,
    TINY_SAMPLE,
    OrganiserClient,
    free_port,
    import_event_json,
    log_in,
    start_worker,
    stop_process,
)
from tests.web.helpers import store_version
from tests.web.test_jobqueue import HANOI, _app, _running_on, _start_solve, _versions
from tests.web.test_jobqueue import _wait as wait_for
from web import models as m
from web.mailing import OutboxPostman
from web.usecases import notifications, publishing, versions
from web.usecases.accounts import create_organiser
from web.usecases.notifications import Links

AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def _pg(*args: str) -> None:
    subprocess.run([*AS_POSTGRES, *args], check=True, capture_output=True)


@pytest.fixture
def private_pg() -> Iterator[tuple[str, Callable[[], None]]]:
    """A PostgreSQL server of the test's own on a free port: its URL, and how to restart it."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    assert initdb and pg_ctl, "PostgreSQL's server binaries (initdb, pg_ctl) are needed"
    home = Path(tempfile.mkdtemp(prefix="ketnoi-pg-"))
    if AS_POSTGRES:
        shutil.chown(home, "postgres")
    data, port = home / "data", free_port()
    _pg(initdb, "-D", str(data), "-A", "trust", "-U", "postgres")
    options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
    control = [pg_ctl, "-D", str(data), "-o", options, "-l", str(home / "log"), "-w"]
    _pg(*control, "start")

    def restart() -> None:
        _pg(*control, "-m", "fast", "restart")

    yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", restart
    _pg(*control, "-m", "immediate", "stop")
    shutil.rmtree(home, ignore_errors=True)


def test_a_solve_survives_a_postgresql_restart_and_stores_its_schedule(
    private_pg: tuple[str, Callable[[], None]], tmp_path: Path
) -> None:
    url, restart = private_pg
    app = _app(url, tmp_path)
    with Session(app.state.engine) as session:
        event_id = import_event_json(session, json.loads(HANOI.read_text())).id
    worker = start_worker(url, "--concurrency", "1")
    try:
        _start_solve(app, event_id, time_limit=15)
        wait_for(app, _running_on(worker, attempt=1))
        restart()
        job = wait_for(app, lambda job: not job.active)
        versions = _versions(app)
    finally:
        stop_process(worker)
        app.state.engine.dispose()
    assert (job.state, versions) == ("succeeded", [(1, "draft")])


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs folder: a disk that fills up (needs root, as in CI and here)."""
    folder = tmp_path / "small"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], check=True)
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=True)


def _people(app: FastAPI) -> int:
    with Session(app.state.engine) as session:
        return len(session.exec(select(col(m.Participant.id))).all())


def _fill(folder: Path) -> None:
    """Leave the disk almost no room."""
    with open(folder / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
        except OSError:
            pass


def test_an_import_onto_a_full_disk_saves_nothing_and_works_once_there_is_room(
    small_disk: Path, tmp_path: Path
) -> None:
    app = _app(f"sqlite:///{small_disk / 'ketnoi.db'}", tmp_path)
    with Session(app.state.engine) as session:
        create_organiser(session, ORGANISER_EMAIL, ORGANISER_PASSWORD)
        event_id = import_event_json(session, json.loads(TINY_SAMPLE.read_text())).id
    before = _people(app)
    header = "participant_id,name,email,organisation_id,organisation_name,role\n"
    rows = "".join(
        f"S9{n:04d}-1,Person {n} {'x' * 200},p{n}@example.vn,S9{n:04d},Firm {n},supplier\n"
        for n in range(3000)
    )
    upload = {"file": ("r.csv", (header + rows).encode(), "text/csv")}
    with OrganiserClient(app) as client:
        client.csrf = log_in(client)
        _fill(small_disk)
        full = client.post_form(f"/events/{event_id}/import", files=upload)
        kept = _people(app)
        (small_disk / "filler").unlink()
        again = client.post_form(f"/events/{event_id}/import", files=upload)
    after = _people(app)
    app.state.engine.dispose()
    assert (full.status_code, "disk is full" in full.text, kept, again.status_code, after) == (
        503,
        True,
        before,
        200,
        before + 3000,
    )


def _published_state(app: FastAPI, event_id: int, number: int) -> tuple[int, int, str]:
    """Releases, outbox messages, and the version's status."""
    with Session(app.state.engine) as db:
        releases = len(db.exec(select(m.Release.id)).all())
        mails = len(db.exec(select(m.OutboxMessage.id)).all())
        status = versions.get_version(db, event_id, number).status
    return releases, mails, status


def test_a_postgresql_restart_during_a_publish_writes_nothing_and_it_can_be_repeated(
    private_pg: tuple[str, Callable[[], None]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, restart = private_pg
    app = _app(url, tmp_path)
    with Session(app.state.engine) as session:
        event_id = import_event_json(session, json.loads(TINY_SAMPLE.read_text())).id
    number = store_version(app, event_id, {"R00001": (0, "T001"), "R00003": (1, "T001")})
    links = Links("http://ketnoi.test", "test-secret")
    told = notifications.release_published

    def told_then_restart(*args: Any) -> int:
        sent = told(*args)
        restart()  # the server goes away after the release and its mail are written
        return sent

    monkeypatch.setattr(notifications, "release_published", told_then_restart)
    with Session(app.state.engine) as db, pytest.raises(DBAPIError):
        publishing.publish(db, versions.get_version(db, event_id, number), OutboxPostman(db), links)
    after_fault = _published_state(app, event_id, number)
    monkeypatch.setattr(notifications, "release_published", told)
    with Session(app.state.engine) as db:
        version = versions.get_version(db, event_id, number)
        notified = publishing.publish(db, version, OutboxPostman(db), links).notified
    repeated = _published_state(app, event_id, number)
    app.state.engine.dispose()
    assert (after_fault, repeated) == ((0, 0, "draft"), (1, notified, "published"))
