"""advice jobs on the job queue: runs, heartbeats and the worker instead of a pid

An advice job goes through the same queue and workers as a solve: it counts the runs it
has started (a run that a retry replaced writes nothing), names the process running it and
when it last gave a sign of life, and keeps the queue's id for it. The pid of a child of
one web process, meaningless to every other process, goes; an advice still active then ran
in such a child, which the upgrade's restart ends, so it is marked as crashed (nothing on
the queue would ever finish it).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE advice_job SET state = 'failed', active = false, error = 'advice.crashed',"
            " finished_at = :now WHERE active"
        ).bindparams(now=datetime.now(UTC).replace(tzinfo=None))
    )
    with op.batch_alter_table("advice_job") as batch_op:
        batch_op.drop_column("pid")
        batch_op.add_column(sa.Column("attempt", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("worker", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("queue_job_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("advice_job") as batch_op:
        batch_op.drop_column("queue_job_id")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("worker")
        batch_op.drop_column("attempt")
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
