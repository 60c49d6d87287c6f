"""meeting outcomes: what each side says a meeting of the published schedule led to

One row per meeting (its request id in the release) and answering participant: whether it
took place, the follow-ups wanted, a 1-5 rating and a short note.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_text = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "meeting_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("request_ext", _text(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("took_place", sa.Boolean(), nullable=False),
        sa.Column("follow_up", sa.JSON(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("note", _text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "request_ext", "participant_id"),
    )
    with op.batch_alter_table("meeting_outcome") as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_outcome_participant_id"), ["participant_id"])


def downgrade() -> None:
    op.drop_table("meeting_outcome")
