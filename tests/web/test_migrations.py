"""The Alembic migrations create exactly the schema of web/models.py, on both databases."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import web.models  # noqa: F401
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


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_job_queue_schema_goes_and_comes_back_with_its_migration(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    config = alembic_config(database_url)
    command.downgrade(config, "0002")
    gone = "procrastinate_jobs" not in inspect(engine).get_table_names()
    command.upgrade(config, "head")
    back = "procrastinate_jobs" in inspect(engine).get_table_names()
    engine.dispose()
    assert (gone, back) == (True, True)
