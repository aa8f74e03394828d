"""``edigw translate FILE [--partner ID]``: canonical JSON of every document on stdout.

Exit 0 when every set translated, 1 when any was rejected (the good ones are still
printed), 2 when the file cannot be read or is neither X12 nor XML.
"""

from __future__ import annotations

import sys

import click

from translators.canonical import to_json
from translators.translate import UnknownFormat, translate_bytes

__all__ = ["run"]


def run(path: str, partner: str | None = None) -> int:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        click.echo(f"edigw translate: cannot read {path}: {exc.strerror or exc}", err=True)
        return 2
    try:
        result = translate_bytes(data, partner=partner)
    except UnknownFormat as exc:
        click.echo(f"edigw translate: {path}: {exc}", err=True)
        return 2
    sys.stdout.write(to_json(result.as_dict()) + "\n")
    return 1 if result.errors else 0
