"""partner_leases: one row per partner naming the instance that polls its SFTP folder.

The SFTP poller created this table itself before the store owned it, so an existing
table (same columns) is adopted rather than created again.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if "partner_leases" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "partner_leases",
        sa.Column("partner_id", sa.String(length=128), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_partner_leases")),
    )


def downgrade() -> None:
    op.drop_table("partner_leases")
