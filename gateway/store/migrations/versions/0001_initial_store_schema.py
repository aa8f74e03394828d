"""Initial store schema: messages, events, documents, deliveries, acks, control numbers,
dedupe keys, outbox, API tokens.

Self-contained (no imports from the application) so later model changes cannot alter it.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 15:49:06.918646
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

#: Frozen copies of gateway.store.types as they were at this revision.
TIMESTAMP = sa.DateTime(timezone=True)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.String(length=128), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("revoked_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index("ix_api_tokens_partner_id", "api_tokens", ["partner_id"])

    op.create_table(
        "control_numbers",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("receiver", sa.String(length=64), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("kind", "sender", "receiver", name=op.f("pk_control_numbers")),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("partner_id", sa.String(length=128), nullable=False),
        sa.Column("transport", sa.String(length=8), nullable=False),
        sa.Column("as2_message_id", sa.String(length=1000), nullable=True),
        sa.Column("file_name", sa.String(length=1000), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("correlation_id", sa.Uuid(), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("standard", sa.String(length=16), nullable=True),
        sa.Column("duplicate_of", sa.Uuid(), nullable=True),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_messages_direction")),
        sa.CheckConstraint("transport IN ('as2', 'sftp', 'rest')", name=op.f("ck_messages_transport")),
        sa.ForeignKeyConstraint(["duplicate_of"], ["messages.id"], name=op.f("fk_messages_duplicate_of_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    op.create_index("ix_messages_as2_message_id", "messages", ["as2_message_id"])
    op.create_index("ix_messages_correlation_id", "messages", ["correlation_id"])
    op.create_index("ix_messages_partner_received", "messages", ["partner_id", "received_at"])
    op.create_index("ix_messages_received_at", "messages", ["received_at"])
    op.create_index("ix_messages_sha256", "messages", ["sha256"])

    op.create_table(
        "outbox",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("task", sa.String(length=200), nullable=False),
        sa.Column("args", JSON, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("published_at", TIMESTAMP, nullable=True),
        sa.Column("claimed_until", TIMESTAMP, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index("ix_outbox_pending", "outbox", ["published_at", "id"])

    op.create_table(
        "documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.String(length=128), nullable=False),
        sa.Column("doc_type", sa.String(length=32), nullable=False),
        sa.Column("transaction", sa.String(length=64), nullable=True),
        sa.Column("number", sa.String(length=128), nullable=True),
        sa.Column("purpose", sa.String(length=32), nullable=True),
        sa.Column("interchange_control", sa.String(length=16), nullable=True),
        sa.Column("group_control", sa.String(length=16), nullable=True),
        sa.Column("set_control", sa.String(length=16), nullable=True),
        sa.Column("canonical", JSON, nullable=True),
        sa.Column("findings", JSON, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_documents_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index("ix_documents_business_key", "documents", ["partner_id", "doc_type", "number"])
    op.create_index("ix_documents_group_control", "documents", ["group_control"])
    op.create_index("ix_documents_interchange_control", "documents", ["interchange_control"])
    op.create_index("ix_documents_message_id", "documents", ["message_id"])
    op.create_index("ix_documents_set_control", "documents", ["set_control"])

    op.create_table(
        "acknowledgements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("partner_id", sa.String(length=128), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("related_message_id", sa.Uuid(), nullable=True),
        sa.Column("related_document_id", sa.Uuid(), nullable=True),
        sa.Column("interchange_control", sa.String(length=16), nullable=True),
        sa.Column("group_control", sa.String(length=16), nullable=True),
        sa.Column("set_control", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.Column("due_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("acknowledged_at", TIMESTAMP, nullable=True),
        sa.CheckConstraint("direction IN ('in', 'out')", name=op.f("ck_acknowledgements_direction")),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_acknowledgements_message_id_messages")),
        sa.ForeignKeyConstraint(
            ["related_document_id"], ["documents.id"], name=op.f("fk_acknowledgements_related_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["related_message_id"], ["messages.id"], name=op.f("fk_acknowledgements_related_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_acknowledgements")),
    )
    op.create_index(
        "ix_acknowledgements_match", "acknowledgements", ["partner_id", "kind", "interchange_control", "group_control"]
    )
    op.create_index("ix_acknowledgements_related_message_id", "acknowledgements", ["related_message_id"])
    op.create_index("ix_acknowledgements_status_due_at", "acknowledgements", ["status", "due_at"])

    op.create_table(
        "dedupe_keys",
        sa.Column("layer", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=1024), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_dedupe_keys_document_id_documents")),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_dedupe_keys_message_id_messages")),
        sa.PrimaryKeyConstraint("layer", "key", name=op.f("pk_dedupe_keys")),
    )
    op.create_index("ix_dedupe_keys_message_id", "dedupe_keys", ["message_id"])

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("sink", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_deliveries_document_id_documents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("document_id", "sink", name=op.f("uq_deliveries_document_id_sink")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_deliveries_idempotency_key")),
    )
    op.create_index("ix_deliveries_state_next_attempt_at", "deliveries", ["state", "next_attempt_at"])

    op.create_table(
        "events",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.Column("detail", JSON, nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name=op.f("fk_events_document_id_documents")),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_events_message_id_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index("ix_events_document_id_id", "events", ["document_id", "id"])
    op.create_index("ix_events_message_id_id", "events", ["message_id", "id"])


def downgrade() -> None:
    op.drop_table("events")
    op.drop_table("deliveries")
    op.drop_table("dedupe_keys")
    op.drop_table("acknowledgements")
    op.drop_table("documents")
    op.drop_table("outbox")
    op.drop_table("messages")
    op.drop_table("control_numbers")
    op.drop_table("api_tokens")
