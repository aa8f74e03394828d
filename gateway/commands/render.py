"""``edigw render TYPE FILE.json --partner ID [--format x12|cxml]``: outbound document on stdout.

FILE.json is a bare canonical document or an ``edigw translate`` output (its documents
of TYPE are rendered, all in one interchange). It renders exactly as the pipeline does
(:mod:`translators.outbound`): the envelope from the partner's profile (when the
registry cannot resolve the id, documented defaults: sender ZZ:EDIGW, receiver
ZZ:PARTNER, 004010, test usage, and stderr says so), a document without a purpose is
an original, and X12 our own validator rejects is still printed but exits 1 with the
validator's report on stderr, since the pipeline would refuse to send it. Control
numbers come from an in-memory allocator starting at 1: the CLI renders, it does not
send (sending allocates from the store).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

import click

from translators.canonical import DOCUMENT_TYPES

__all__ = ["run", "load_documents"]


def _profile(partner_id: str) -> tuple[Any, str | None]:
    """The partner's profile, or None and why not."""
    try:
        from partners.registry import Registry

        return Registry.load().get(partner_id), None
    except Exception as exc:  # noqa: BLE001 - any registry problem means "use defaults", said on stderr
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0]


def load_documents(path: str, doc_type: str) -> list[dict[str, Any]]:
    """Canonical documents of ``doc_type`` from a bare document or a translate output."""
    with open(path, "rb") as fh:
        data = json.loads(fh.read(), parse_float=Decimal)
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        return [d["document"] for d in data["documents"] if d.get("type") == doc_type]
    if isinstance(data, dict) and "document" in data and "type" in data:
        return [data["document"]] if data["type"] == doc_type else []
    if isinstance(data, dict):
        return [data]
    raise ValueError("expected a canonical document or an `edigw translate` output (a JSON object)")


def run(doc_type: str, path: str, partner_id: str, fmt: str | None) -> int:
    if doc_type not in DOCUMENT_TYPES:
        click.echo(f"edigw render: TYPE must be one of {', '.join(DOCUMENT_TYPES)}, not {doc_type!r}", err=True)
        return 2
    try:
        documents = load_documents(path, doc_type)
    except (OSError, ValueError) as exc:
        click.echo(f"edigw render: cannot read {path}: {exc}", err=True)
        return 2
    if not documents:
        click.echo(f"edigw render: {path} holds no {doc_type} document", err=True)
        return 2
    from edi.x12.errors import X12Error
    from translators.outbound import findings, prepare, render_for_partner

    profile, problem = _profile(partner_id)
    if profile is None and fmt != "cxml":
        click.echo(f"edigw render: partner {partner_id!r} not resolved ({problem}); using default envelope", err=True)
    try:
        prepared = [prepare(doc_type, d) for d in documents]
        rendered = render_for_partner(profile, doc_type, prepared, fmt=fmt)
    except (ValueError, X12Error) as exc:  # pydantic ValidationError is a ValueError
        click.echo(f"edigw render: {exc}", err=True)
        return 1
    sys.stdout.buffer.write(rendered.payload)
    sys.stdout.flush()
    if rendered.findings:  # printed anyway, to be looked at; never to be sent as it is
        from gateway.commands.validate import format_result

        click.echo("edigw render: this would not be sent:", err=True)
        for finding in rendered.findings:
            click.echo(f"  {finding}", err=True)
        if findings(rendered.results):  # our validator's own report says where
            for result in rendered.results:
                for line in format_result(result):
                    click.echo(f"  {line}", err=True)
        return 1
    return 0
