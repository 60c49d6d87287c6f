"""The commands of docs/deploy.md, run as written there: migrate, backup and restore on
SQLite, pg_dump / pg_restore on PostgreSQL. (`serve --workers` and `worker` run in
test_processes.py and test_jobqueue.py.)"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import Session, select

from tests.conftest import PG_ADMIN, ROOT, TINY_SAMPLE, import_event_json
from web import models as m
from web.db import alembic_config, make_engine, migrate

CLI = (sys.executable, "-m", "web.cli")


def _ketnoi(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"KETNOI_DATABASE_URL": url}
    return subprocess.run([*CLI, *args], env=env, cwd=ROOT, capture_output=True, text=True)


def _event_names(url: str) -> list[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        names = list(session.exec(select(m.Event.name)))
    engine.dispose()
    return names


def _with_tiny(url: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    with Session(engine) as session:
        import_event_json(session, json.loads(TINY_SAMPLE.read_text()))
    engine.dispose()


def test_migrate_brings_an_older_database_up_to_date(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0002")
    done = _ketnoi(url, "migrate")
    engine = make_engine(url)
    with engine.connect() as connection:
        head = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    newest = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert (done.returncode, head) == (0, newest)


def test_a_sqlite_backup_restores_to_the_same_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ketnoi.db'}"
    _with_tiny(url)
    _ketnoi(url, "backup", str(tmp_path / "backup.db"))
    restored = tmp_path / "restored.db"
    shutil.copyfile(tmp_path / "backup.db", restored)
    assert _event_names(f"sqlite:///{restored}") == _event_names(url) != []


def test_a_backup_never_overwrites_a_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ketnoi.db'}"
    _with_tiny(url)
    (tmp_path / "backup.db").write_text("keep me")
    refused = _ketnoi(url, "backup", str(tmp_path / "backup.db"))
    assert (refused.returncode, (tmp_path / "backup.db").read_text()) == (2, "keep me")


def test_a_postgresql_dump_restores_into_a_new_database(tmp_path: Path) -> None:
    names = [f"ketnoi_d_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    source, target = (f"postgresql://postgres@127.0.0.1:5432/{n}" for n in names)
    try:
        _with_tiny(source.replace("postgresql://", "postgresql+psycopg://"))
        dump = tmp_path / "ketnoi.dump"
        subprocess.run(["pg_dump", "-Fc", "-d", source, "-f", str(dump)], check=True)
        subprocess.run(["pg_restore", "--no-owner", "-d", target, str(dump)], check=True)
        restored_url = target.replace("postgresql://", "postgresql+psycopg://")
        migrated = _ketnoi(restored_url, "migrate").returncode
        restored = _event_names(restored_url)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert (migrated, restored) == (0, ["Tiny connection morning"])
