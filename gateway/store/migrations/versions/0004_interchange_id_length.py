"""interchange_control holds a cXML payloadID too: 255 characters, not 16.

A cXML document's interchange id is its payloadID (``1732131000.4711@acme-supply.example``),
so on PostgreSQL every inbound cXML document failed to be recorded ("value too long for
type character varying(16)"). SQLite never enforced the width.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("documents", "acknowledgements")


def _width(old: int, new: int) -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:  # SQLite: the table is copied with the new type
            batch.alter_column("interchange_control", type_=sa.String(new), existing_type=sa.String(old))


def upgrade() -> None:
    _width(16, 255)


def downgrade() -> None:
    _width(255, 16)
