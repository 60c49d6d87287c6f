"""search keys: folded names and profile text, for accent- and case-free search

`participant.search_key` (name, e-mail, id) and `organisation.search_key` (name, id) and
`organisation.profile_key` (description, products, sectors, certifications, the products it
looks for) hold the text
folded by scheduler.text.fold ("Nguyễn" -> "nguyen", "Đặng" -> "dang"), so that search works
the same on SQLite and PostgreSQL. Existing rows are filled in here; the ORM keeps them up
to date afterwards (web.models).

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from scheduler.text import fold

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

participant = sa.table(
    "participant",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("email", sa.String()),
    sa.column("ext_id", sa.String()),
    sa.column("search_key", sa.String()),
)
organisation = sa.table(
    "organisation",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("ext_id", sa.String()),
    sa.column("description", sa.String()),
    sa.column("products", sa.JSON()),
    sa.column("sectors", sa.JSON()),
    sa.column("certifications", sa.JSON()),
    sa.column("looking_for", sa.JSON()),
    sa.column("search_key", sa.String()),
    sa.column("profile_key", sa.String()),
)


def _key(*texts: object) -> str:
    return fold(" ".join(str(t) for t in texts if t))


def _items(value: object) -> Iterable[object]:
    return value if isinstance(value, list) else ()


def _wanted(looking_for: object) -> Iterable[object]:
    return _items(looking_for.get("products")) if isinstance(looking_for, dict) else ()


def upgrade() -> None:
    for table, columns in (
        ("participant", ("search_key",)),
        ("organisation", ("search_key", "profile_key")),
    ):
        with op.batch_alter_table(table) as batch_op:
            for column in columns:
                batch_op.add_column(
                    sa.Column(
                        column,
                        sqlmodel.sql.sqltypes.AutoString(),
                        nullable=False,
                        server_default="",
                    )
                )
    bind = op.get_bind()
    for row in bind.execute(
        sa.select(participant.c.id, participant.c.name, participant.c.email, participant.c.ext_id)
    ).all():
        bind.execute(
            participant.update()
            .where(participant.c.id == row.id)
            .values(search_key=_key(row.name, row.email, row.ext_id))
        )
    for org in bind.execute(sa.select(organisation)).all():
        bind.execute(
            organisation.update()
            .where(organisation.c.id == org.id)
            .values(
                search_key=_key(org.name, org.ext_id),
                profile_key=_key(
                    org.description,
                    *_items(org.products),
                    *_items(org.sectors),
                    *_items(org.certifications),
                    *_wanted(org.looking_for),
                ),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.drop_column("profile_key")
        batch_op.drop_column("search_key")
    with op.batch_alter_table("participant") as batch_op:
        batch_op.drop_column("search_key")
