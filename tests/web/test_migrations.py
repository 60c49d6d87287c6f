"""The Alembic migrations create exactly the schema of web/models.py, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import web.models  # noqa: F401
from web.db import make_engine, migrate


def test_migrations_match_models(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    engine.dispose()
    assert diff == []


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
