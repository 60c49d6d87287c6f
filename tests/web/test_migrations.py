"""The Alembic migrations create exactly the schema of web/models.py, on both databases, and
bring the data of an older schema along."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from web.db import make_engine, migrate, ours


def test_migrations_match_models(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    migrate(engine)  # idempotent
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": ours})
        diff = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diff == []
