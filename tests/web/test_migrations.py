"""The Alembic migrations create exactly the schema of web/models.py, on both databases, and
bring the data of an older schema along."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from tests.conftest import PG_ADMIN
from web import models as m
from web.db import alembic_config, make_engine, migrate


def test_migrations_match_models(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert diff == []


# An event, an organisation and a participant as schema 0002 stored them (no search keys).
ROWS_BEFORE_0003 = (
    "INSERT INTO event (id, name, venue, timezone, slot_minutes, created_at, request_seq)"
    " VALUES (1, 'Fair', '', 'UTC', 20, '2026-01-01', 0)",
    "INSERT INTO organisation (id, event_id, ext_id, name, sectors, products, certifications,"
    " languages, description, looking_for, extra) VALUES (1, 1, 'S001', 'Đông Anh Cơ khí',"
    " '[]', '[\"lò xo\"]', '[]', '[]', 'Chuyên sản xuất',"
    " '{\"products\": [\"khuôn\"]}', '{}')",
    "INSERT INTO participant (id, event_id, ext_id, organisation_id, name, email, languages,"
    " unavailable, token_version, extra) VALUES (1, 1, 'S001-1', 1, 'Nguyễn Văn Thuật',"
    " 'thuat@example.vn', '[]', '[]', 0, '{}')",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (SQLite file, or a new PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"ketnoi_m_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_upgrading_fills_in_the_search_keys_of_existing_rows(empty_url: str) -> None:
    """Rows written before the search columns existed are found without their accents."""
    engine = make_engine(empty_url)
    config = alembic_config(empty_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        for statement in ROWS_BEFORE_0003:
            connection.execute(text(statement))
    migrate(engine)
    with Session(engine) as session:
        person = session.exec(select(m.Participant)).one()
        org = session.exec(select(m.Organisation)).one()
        keys = (person.search_key, org.search_key, org.profile_key)
    engine.dispose()
    assert keys == (
        "nguyen van thuat thuat@example.vn s001-1",
        "dong anh co khi s001",
        "chuyen san xuat lo xo khuon",
    )


def test_events_made_before_owners_belong_to_the_first_account(database_url: str) -> None:
    from alembic import command
    from sqlalchemy import text

    from web.db import alembic_config

    engine = make_engine(database_url)
    config = alembic_config(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
        command.upgrade(config, "0002")
        for email in ("first@example.org", "second@example.org"):
            connection.execute(
                text(
                    "INSERT INTO organiser (email, password_hash, created_at) "
                    "VALUES (:e, 'x', CURRENT_TIMESTAMP)"
                ),
                {"e": email},
            )
        connection.execute(
            text(
                "INSERT INTO event (name, venue, timezone, slot_minutes, request_seq, created_at)"
                " VALUES ('Old fair', '', 'UTC', 20, 0, CURRENT_TIMESTAMP)"
            )
        )
    migrate(engine)
    with engine.connect() as connection:
        owners = connection.execute(
            text(
                "SELECT organiser.email, event_member.role FROM event_member "
                "JOIN organiser ON organiser.id = event_member.organiser_id"
            )
        ).all()
    engine.dispose()
    assert [tuple(r) for r in owners] == [("first@example.org", "owner")]
