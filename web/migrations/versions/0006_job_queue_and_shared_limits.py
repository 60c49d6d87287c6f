"""solve jobs on a job queue: runs, heartbeats, the queue's schema on PostgreSQL; rate
limits in the database

A solve job counts the runs it has started (a run that a retry replaced writes nothing),
names the process running it and when it last gave a sign of life. On PostgreSQL, the
schema of procrastinate (the job queue that solve workers read) is created here, from the
pinned procrastinate's own schema file, so that every process finds it after `migrate`.
Counted attempts (failed sign-ins, links asked for) move from each web process's memory to
the `attempt` table, so that several web processes count as one.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_TABLES = (
    "procrastinate_periodic_defers",
    "procrastinate_events",
    "procrastinate_jobs",
    "procrastinate_workers",
)
QUEUE_TYPES = (
    "procrastinate_job_to_defer_v1",
    "procrastinate_job_event_type",
    "procrastinate_job_status",
)


def upgrade() -> None:
    with op.batch_alter_table("solve_job") as batch_op:
        batch_op.drop_column("pid")
        batch_op.add_column(sa.Column("attempt", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("worker", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("queue_job_id", sa.Integer(), nullable=True))
    op.create_table(
        "attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("attempt_key_at", "attempt", ["key", "at"])
    if op.get_bind().dialect.name == "postgresql":
        from procrastinate.schema import SchemaManager

        # Straight to the driver: the schema's own `%` signs are not parameters.
        dbapi = op.get_bind().connection.dbapi_connection
        assert dbapi is not None  # a live connection, inside the migration's transaction
        cursor = dbapi.cursor()
        cursor.execute(SchemaManager.get_schema())
        cursor.close()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        bind = op.get_bind()
        for table in QUEUE_TABLES:
            bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
        functions = bind.exec_driver_sql(
            "SELECT p.oid::regprocedure::text FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = current_schema() AND starts_with(p.proname, 'procrastinate')"
        ).scalars()
        for signature in list(functions):
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {signature} CASCADE")
        for type_name in QUEUE_TYPES:
            bind.exec_driver_sql(f"DROP TYPE IF EXISTS {type_name} CASCADE")
    op.drop_index("attempt_key_at", table_name="attempt")
    op.drop_table("attempt")
    with op.batch_alter_table("solve_job") as batch_op:
        batch_op.drop_column("queue_job_id")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("worker")
        batch_op.drop_column("attempt")
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
