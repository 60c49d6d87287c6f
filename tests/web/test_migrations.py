"""The Alembic migrations create exactly the schema of web/models.py, on both databases, and
bring the data of an older schema along."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel

from web import models as m
from web.db import alembic_config, make_engine, migrate, ours
from web.models import utcnow


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


def test_advice_jobs_keep_no_pid_but_the_run_columns_of_a_job(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("advice_job")}
    engine.dispose()
    run = {"attempt", "worker", "heartbeat_at", "queue_job_id"}
    assert ("pid" in columns, run <= columns) == (False, True)


def test_an_advice_running_in_a_web_process_at_the_upgrade_ends_as_crashed(
    database_url: str,
) -> None:
    """Its process, a child of a web process that the upgrade restarts, is gone with it, and
    no queue entry would ever finish its row."""
    engine = make_engine(database_url)
    migrate(engine)
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    with Session(engine) as session:
        event = m.Event(name="Expo")  # the event table is the same at 0010
        session.add(event)
        session.commit()
        event_id = event.id
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO advice_job (event_id, state, active, cancel_requested, params,"
                " progress, result, pid, error_params, created_at)"
                " VALUES (:event, 'running', true, false, '{}', '{}', '{}', 4242, '{}', :now)"
            ),
            {"event": event_id, "now": utcnow()},
        )
    migrate(engine)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT state, active, error FROM advice_job")).one()
    engine.dispose()
    assert tuple(row) == ("failed", False, "advice.crashed")
