"""``edigw`` command line (DESIGN.md "Command line contract").

Exit codes: 0 success/accepted, 1 rejected or failed, 2 usage error or unreadable
input. Commands whose capability is not built yet say so on stderr and exit 2; they
never print made-up output.
"""

from __future__ import annotations

import sys

import click

__all__ = ["main", "cli"]


def _not_built(name: str, issue: int) -> None:
    click.echo(f"edigw {name}: not built yet (tracked in issue #{issue})", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="edigw")
def cli() -> None:
    """edigw: B2B/EDI gateway (X12, cXML over AS2 and SFTP)."""


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--ack", "ack", type=click.Choice(["997", "999", "ta1"]), help="Print this acknowledgement on stdout.")
def validate(file: str, ack: str | None) -> None:
    """Validate an X12 file; report findings (or print its acknowledgement)."""
    from gateway.commands.validate import run

    sys.exit(run(file, ack))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--partner", help="Partner id whose profile applies.")
def translate(file: str, partner: str | None) -> None:
    """Translate an X12/cXML/XML file into canonical JSON on stdout."""
    from gateway.commands.translate import run

    sys.exit(run(file, partner))


@cli.command()
@click.argument("doc_type", metavar="TYPE")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--partner", required=True, help="Partner id whose profile applies.")
@click.option("--format", "fmt", type=click.Choice(["x12", "cxml"]), default=None)
def render(doc_type: str, file: str, partner: str, fmt: str | None) -> None:
    """Render a canonical JSON document as the partner's outbound X12 or cXML."""
    from gateway.commands.render import run

    sys.exit(run(doc_type, file, partner, fmt))


@cli.command()
@click.option("--port", type=int, default=None, help="HTTP port (default $EDIGW_PORT or 8080).")
def serve(port: int | None) -> None:
    """Run the gateway (AS2, REST API, dashboard, SFTP pollers)."""
    _not_built("serve", 6)


@cli.command()
def worker() -> None:
    """Run Celery workers."""
    _not_built("worker", 7)


@cli.command()
def demo() -> None:
    """Run the whole flow end to end on the embedded default with simulators."""
    _not_built("demo", 7)


@cli.group()
def partners() -> None:
    """Partner profiles: list, validate, test (replay samples)."""


@partners.command("list")
@click.argument("path", required=False, type=click.Path())
def partners_list(path: str | None) -> None:
    """Table of partners (id, name, status, transports, documents) from PATH or $EDIGW_PARTNERS."""
    from gateway.commands.partners import run_list

    sys.exit(run_list(path))


@partners.command("validate")
@click.argument("path", required=False, type=click.Path())
def partners_validate(path: str | None) -> None:
    """Check a profile file or folder (default $EDIGW_PARTNERS); exit 1 with file: field: message lines."""
    from gateway.commands.partners import run_validate

    sys.exit(run_validate(path))


@partners.command("test")
@click.argument("partner_id")
@click.option("--partners", "path", type=click.Path(), help="Partners folder (default $EDIGW_PARTNERS).")
@click.option("--update", is_flag=True, help="Write the goldens from this run instead of comparing (review them!).")
def partners_test(partner_id: str, path: str | None, update: bool) -> None:
    """Replay samples/partners/PARTNER_ID/samples through the pipeline and compare with goldens."""
    from gateway.commands.partners import run_test

    sys.exit(run_test(partner_id, path, update))


@cli.group()
def messages() -> None:
    """Find, show and replay messages."""


@messages.command("list")
def messages_list() -> None:
    _not_built("messages list", 6)


@messages.command("show")
@click.argument("message_id")
def messages_show(message_id: str) -> None:
    _not_built("messages show", 6)


@messages.command("replay")
def messages_replay() -> None:
    _not_built("messages replay", 7)


@cli.command()
@click.option("--partner")
@click.option("--since")
@click.option("--export", type=click.Path(dir_okay=False))
def reconcile(partner: str | None, since: str | None, export: str | None) -> None:
    """Three-way match PO <-> ASN <-> invoice."""
    _not_built("reconcile", 8)


@cli.group()
def tokens() -> None:
    """API tokens."""


@tokens.command("create")
@click.option("--partner")
def tokens_create(partner: str | None) -> None:
    _not_built("tokens create", 6)


def main() -> None:
    cli(prog_name="edigw")


if __name__ == "__main__":
    main()
