"""Database engine (SQLite or PostgreSQL) and migrations at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, event
from sqlmodel import create_engine

MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 0x6B65746E  # any fixed number: the advisory lock held while migrating


def make_engine(url: str) -> Engine:
    """An engine for a URL; SQLite files get their folder, foreign keys and WAL."""
    engine = _make_engine(url)
    event.listen(engine, "before_cursor_execute", _strip_nul, retval=True)
    return engine


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: _without_nul(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_without_nul(v) for v in value)
    return value


def _strip_nul(
    _conn: Connection,
    _cursor: Any,
    statement: str,
    parameters: Any,
    _context: Any,
    _executemany: bool,
) -> tuple[str, Any]:
    """PostgreSQL text cannot hold NUL characters (a pasted or crafted one would be a 500 on
    any form, search or import): every string bound to any statement loses them, on both
    databases alike."""
    return statement, _without_nul(parameters)


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def ours(name: str | None, _type: str, _parents: Any) -> bool:
    """Whether a database object belongs to the app's models (not to the job queue's schema,
    which its own migration creates): autogenerate and the schema checks skip the others."""
    return not (name or "").startswith(("procrastinate", "idx_procrastinate"))


def backup_sqlite(url: str, destination: Path) -> None:
    """A consistent copy of a SQLite database (SQLite's online backup: readers and writers
    carry on meanwhile), written whole or not at all."""
    import sqlite3

    source_path = url.split("///", 1)[-1]
    partial = destination.with_name(destination.name + ".partial")
    source = sqlite3.connect(source_path)
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    partial.replace(destination)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


def migrate(engine: Engine) -> None:
    """Bring the database schema to the newest migration (`alembic upgrade head`)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Web processes and workers starting together migrate one after the other.
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
