"""``edigw render TYPE FILE.json --partner ID [--format x12|cxml]``: outbound document on stdout.

FILE.json is a bare canonical document or an ``edigw translate`` output (its documents
of TYPE are rendered, all in one interchange). Envelope options come from the
partner's profile through :func:`envelope_for`; when the registry cannot resolve the
id, documented defaults are used (sender ZZ:EDIGW, receiver ZZ:PARTNER, 004010, test
usage) and stderr says so. Control numbers come from an in-memory allocator starting
at 1: the CLI renders, it does not send (sending allocates from the store).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from typing import Any

import click

from translators.canonical import DOCUMENT_TYPES

__all__ = ["run", "envelope_for", "load_documents"]


def _profile(partner_id: str) -> tuple[Any, str | None]:
    """The partner's profile, or None and why not."""
    try:
        from partners.registry import Registry

        return Registry.load().get(partner_id), None
    except Exception as exc:  # noqa: BLE001 - any registry problem means "use defaults", said on stderr
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0]


def envelope_for(partner_id: str, doc_type: str) -> tuple[Any, str | None]:
    """X12 envelope options for ``partner_id`` and a note when defaults had to be used."""
    from translators.x12.outbound import DEFAULT_ENVELOPE, envelope_from_profile

    profile, problem = _profile(partner_id)
    if profile is None:
        return DEFAULT_ENVELOPE, f"partner {partner_id!r} not resolved ({problem}); using default envelope"
    return envelope_from_profile(profile, doc_type), None


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


def _cxml(doc_type: str, documents: list[dict[str, Any]], partner_id: str) -> bytes:
    from translators.cxml import render_cxml
    from translators.cxml.envelope import Credential, CxmlOptions

    profile, _ = _profile(partner_id)
    if profile is None or not profile.identities.cxml:
        raise ValueError(f"partner {partner_id!r} has no cXML credentials to address the document to")
    to = tuple(Credential(c.domain, c.identity) for c in profile.identities.cxml)
    ours = Credential("NetworkID", "EDIGW")
    transport = profile.transports.cxml
    mode = transport.deployment_mode if transport is not None else "production"
    options = CxmlOptions(from_=(ours,), to=to, sender=ours, deployment_mode=mode)
    if len(documents) != 1:
        raise ValueError("cXML carries one document per message; FILE.json holds " + str(len(documents)))
    return render_cxml(doc_type, documents[0], options=options)


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
    try:
        if fmt == "cxml":
            sys.stdout.buffer.write(_cxml(doc_type, documents, partner_id))
            return 0
        from edi.x12.errors import X12Error
        from translators.x12.outbound import render_x12

        envelope, note = envelope_for(partner_id, doc_type)
        if note:
            click.echo(f"edigw render: {note}", err=True)
        text = render_x12(doc_type, documents, envelope)
    except (ValueError, X12Error) as exc:  # pydantic ValidationError is a ValueError
        click.echo(f"edigw render: {exc}", err=True)
        return 1
    sys.stdout.write(text)
    return 0
