"""The Alembic migrations create exactly the schema of web/models.py, on both databases, and
bring the data of an older schema along."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from web.db import alembic_config, make_engine, migrate, ours


def test_migrations_match_models(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": ours})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []


def test_the_release_outbox_check_in_and_outcome_migrations_go_down_and_up_again(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
    tables = ("release", "outbox_message", "check_in", "meeting_outcome")
    without = [inspect(engine).has_table(t) for t in tables]
    migrate(engine)
    again = [inspect(engine).has_table(t) for t in tables]
    engine.dispose()
    assert (without, again) == ([False] * 4, [True] * 4)
