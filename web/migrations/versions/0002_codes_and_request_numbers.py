"""message codes instead of stored text; per-event request numbers

Solve errors are stored as a message code with parameters (translated where shown), a draft
copy names the version it was copied from instead of an English note, and each event counts
the request ids it has handed out.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event") as batch_op:
        batch_op.add_column(
            sa.Column("request_seq", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("solve_job") as batch_op:
        batch_op.add_column(
            sa.Column("error_params", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("schedule_version") as batch_op:
        batch_op.add_column(sa.Column("copied_from", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("schedule_version") as batch_op:
        batch_op.drop_column("copied_from")
    with op.batch_alter_table("solve_job") as batch_op:
        batch_op.drop_column("error_params")
    with op.batch_alter_table("event") as batch_op:
        batch_op.drop_column("request_seq")
