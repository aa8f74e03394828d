"""Deduplication keys at every layer (DESIGN.md lifecycle step 3).

A key is a row with a unique (layer, key); the first message to insert it owns it and
every later one is "a duplicate of" that message. Claiming is an ``INSERT ... ON
CONFLICT DO NOTHING`` inside the caller's transaction, so two workers racing on the same
key cannot both win: on PostgreSQL the loser's insert waits for the winner's commit and
then sees its row; on SQLite the write transaction serializes them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from edi.text import as_text

from .engine import upsert_insert
from .models import KEY_LENGTH, DedupeKey

__all__ = [
    "Layer",
    "Key",
    "Duplicate",
    "claim_keys",
    "as2_key",
    "file_key",
    "interchange_key",
    "group_key",
    "set_key",
    "business_key",
]


class Layer(StrEnum):
    AS2 = "as2_message_id"
    FILE = "file_sha256"
    INTERCHANGE = "isa13"
    GROUP = "gs06"
    SET = "st02"
    BUSINESS = "business"


@dataclass(frozen=True, slots=True)
class Key:
    layer: Layer
    parts: tuple[str, ...]

    @property
    def text(self) -> str:
        """Readable and unambiguous whatever characters the parts contain; a key longer than
        its column (a 998-character AS2 Message-ID) is kept as the SHA-256 of that text."""
        text = json.dumps([as_text(p) for p in self.parts], ensure_ascii=False, separators=(",", ":"))
        if len(text) <= KEY_LENGTH:
            return text
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The earlier holder of a key this message (or document) also carries."""

    message_id: uuid.UUID
    document_id: uuid.UUID | None
    layer: Layer
    key: str


def as2_key(partner_id: str, as2_message_id: str) -> Key:
    return Key(Layer.AS2, (partner_id, as2_message_id.strip().strip("<>")))


def file_key(partner_id: str, sha256: str) -> Key:
    return Key(Layer.FILE, (partner_id, sha256.lower()))


def interchange_key(sender: str, receiver: str, isa13: str) -> Key:
    """``sender``/``receiver`` as ISA05:ISA06 / ISA07:ISA08 (qualifier included), trimmed."""
    return Key(Layer.INTERCHANGE, (sender.strip(), receiver.strip(), _number(isa13)))


def group_key(sender: str, receiver: str, functional_id: str, gs06: str) -> Key:
    return Key(Layer.GROUP, (sender.strip(), receiver.strip(), functional_id.strip(), _number(gs06)))


def set_key(sender: str, receiver: str, gs06: str, st02: str) -> Key:
    """ST02 is unique within its group, so the group's identity is part of the key."""
    return Key(Layer.SET, (sender.strip(), receiver.strip(), _number(gs06), st02.strip()))


def business_key(partner_id: str, doc_type: str, number: str, purpose: str = "original") -> Key:
    """A replacement or cancellation has another purpose, so it is not a duplicate of the original."""
    return Key(Layer.BUSINESS, (partner_id, doc_type, number.strip(), purpose))


def _number(value: str) -> str:
    # "000000123" and "123" are the same control number.
    stripped = value.strip()
    return str(int(stripped)) if stripped.isdigit() else stripped


def claim_keys(
    session: Session, keys: list[Key], message_id: uuid.UUID, document_id: uuid.UUID | None = None
) -> Duplicate | None:
    """Record all ``keys`` for the message, or none of them and return the earlier holder.

    All-or-nothing (a savepoint) so a duplicate never takes over keys of its own: a
    retry of the duplicate still points at the original message.
    """
    insert = upsert_insert(session)
    taken: Key | None = None
    with session.begin_nested() as savepoint:
        for key in dict.fromkeys(keys):  # a key twice (two groups numbered alike) is claimed once
            stmt = insert(DedupeKey).values(
                layer=key.layer.value, key=key.text, message_id=message_id, document_id=document_id
            )
            # RETURNING, not rowcount: drivers disagree on rowcount for a skipped upsert.
            if session.execute(stmt.on_conflict_do_nothing().returning(DedupeKey.layer)).first() is None:
                taken = key
                savepoint.rollback()
                break
    return None if taken is None else _holder(session, taken)


def _holder(session: Session, key: Key) -> Duplicate:
    row = session.execute(
        select(DedupeKey.message_id, DedupeKey.document_id).where(
            DedupeKey.layer == key.layer.value, DedupeKey.key == key.text
        )
    ).one()
    return Duplicate(row.message_id, row.document_id, key.layer, key.text)
