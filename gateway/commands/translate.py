"""``edigw translate FILE [--partner ID]``: canonical JSON of every document on stdout.

With ``--partner`` the partner's rules (required fields, code and item cross-references,
defaults) are applied as the pipeline applies them, so the output is what its sinks
would receive; a rule failure is an error like a rejected set.

Exit 0 when every set translated, 1 when any was rejected (the good ones are still
printed), 2 when the file cannot be read, is neither X12 nor XML, or the partner is
unknown.
"""

from __future__ import annotations

import sys

import click

from translators.canonical import to_json
from translators.result import TranslationResult
from translators.translate import UnknownFormat, translate_bytes

__all__ = ["run"]


def run(path: str, partner: str | None = None) -> int:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        click.echo(f"edigw translate: cannot read {path}: {exc.strerror or exc}", err=True)
        return 2
    profile = None
    if partner is not None:
        from partners.errors import PartnerError
        from partners.registry import Registry

        try:
            registry = Registry.load()
            profile = registry.get(partner)
        except PartnerError as exc:
            click.echo(f"edigw translate: partner {partner!r}: {exc}", err=True)
            return 2
    validator = None
    if profile is not None:
        from translators.pipeline import partner_validator

        validator = partner_validator(profile)
    try:
        result = translate_bytes(data, partner=partner, validator=validator)
    except UnknownFormat as exc:
        click.echo(f"edigw translate: {path}: {exc}", err=True)
        return 2
    if profile is not None:
        from translators.pipeline import route_documents

        routed, errors = route_documents(result, profile, registry.xref(profile.id))
        result = TranslationResult([r.item for r in routed], errors)
    sys.stdout.write(to_json(result.as_dict()) + "\n")
    return 1 if result.errors else 0
