"""events belong to their organisers; invitations; sessions held on the server

Each event gets members with a role (owner, co-organiser, viewer), invitations by e-mail, and
signed-in browsers become rows that logging out deletes. Events that existed before get the
first organiser account (the lowest id) as their owner, so nobody loses access on upgrade.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "organiser_id"),
    )
    with op.batch_alter_table("event_member") as batch_op:
        batch_op.create_index(batch_op.f("ix_event_member_event_id"), ["event_id"])
        batch_op.create_index(batch_op.f("ix_event_member_organiser_id"), ["organiser_id"])

    op.create_table(
        "event_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("invited_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by"], ["organiser.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("event_invitation") as batch_op:
        batch_op.create_index(batch_op.f("ix_event_invitation_event_id"), ["event_id"])
        batch_op.create_index(batch_op.f("ix_event_invitation_invited_by"), ["invited_by"])
        batch_op.create_index(
            batch_op.f("ix_event_invitation_token_hash"), ["token_hash"], unique=True
        )

    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organiser_id"], ["organiser.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_session") as batch_op:
        batch_op.create_index(batch_op.f("ix_login_session_organiser_id"), ["organiser_id"])
        batch_op.create_index(batch_op.f("ix_login_session_participant_id"), ["participant_id"])
        batch_op.create_index(
            batch_op.f("ix_login_session_token_hash"), ["token_hash"], unique=True
        )

    # Events made before owners existed: the first account owns them all.
    op.execute(
        "INSERT INTO event_member (event_id, organiser_id, role, created_at) "
        "SELECT event.id, (SELECT MIN(id) FROM organiser), 'owner', CURRENT_TIMESTAMP "
        "FROM event WHERE EXISTS (SELECT 1 FROM organiser)"
    )


def downgrade() -> None:
    op.drop_table("login_session")
    op.drop_table("event_invitation")
    op.drop_table("event_member")
