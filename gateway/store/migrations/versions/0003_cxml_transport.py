"""messages.transport may be 'cxml': documents a procurement network posts to ``POST /cxml``.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _transports(values: str) -> None:
    with op.batch_alter_table("messages") as batch:  # SQLite: the table is copied with the new constraint
        batch.drop_constraint(op.f("ck_messages_transport"), type_="check")
        batch.create_check_constraint("transport", f"transport IN ({values})")  # named ck_messages_transport


def upgrade() -> None:
    _transports("'as2', 'sftp', 'rest', 'cxml'")


def downgrade() -> None:
    _transports("'as2', 'sftp', 'rest'")
