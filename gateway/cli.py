"""``edigw`` command line (DESIGN.md "Command line contract").

Exit codes: 0 success/accepted, 1 rejected or failed, 2 usage error or unreadable
input. Commands import their implementation lazily, so ``edigw --help`` stays fast.
"""

from __future__ import annotations

import os
import sys

import click

__all__ = ["main", "cli"]


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
    from gateway.commands.serve import run

    sys.exit(run(port))


@cli.command()
@click.option("--beat/--no-beat", default=True, help="Also run the periodic tasks (outbox relay, overdue acks).")
@click.option("--concurrency", type=int, default=None, help="Worker processes/threads (Celery's default otherwise).")
@click.option("--pool", type=click.Choice(["prefork", "threads", "solo"]), default=None)
def worker(beat: bool, concurrency: int | None, pool: str | None) -> None:
    """Run Celery workers for processing, delivery and outbound tasks."""
    from gateway.commands.worker import run

    sys.exit(run(beat, concurrency, pool))


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True}, add_help_option=False)
@click.pass_context
def demo(ctx: click.Context) -> None:
    """Run the whole flow end to end on the embedded default with simulators (--help for options)."""
    # The demo spans every layer plus the simulators; it runs as its own module so the
    # gateway layer never imports them.
    os.execv(sys.executable, [sys.executable, "-m", "samples.demo", *ctx.args])


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
@click.option("--partner", help="Partner id.")
@click.option("--number", help="PO / ASN / invoice number.")
@click.option("--control-number", help="ISA13, GS06 or ST02 (leading zeros ignored).")
@click.option("--correlation-id", help="Correlation id (UUID).")
@click.option("--status", help="Derived status: received, processed, rejected, dead_letter, ...")
@click.option("--type", "doc_type", help="Document type or transaction: order, 850, invoice, ...")
@click.option("--direction", type=click.Choice(["in", "out"]))
@click.option("--since", help="Received at or after (ISO date/time, UTC).")
@click.option("--until", help="Received before (ISO date/time, UTC).")
@click.option("--limit", type=click.IntRange(1, 10000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def messages_list(as_json: bool, **filters: object) -> None:
    """Messages matching every filter given, newest first."""
    from gateway.commands.messages import run_list

    sys.exit(run_list(dict(filters), as_json))


@messages.command("show")
@click.argument("message_id")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def messages_show(message_id: str, as_json: bool) -> None:
    """One message: events, deliveries, acks and the raw file one segment per line."""
    from gateway.commands.messages import run_show

    sys.exit(run_show(message_id, as_json))


@messages.command("replay")
@click.argument("message_ids", nargs=-1)
@click.option(
    "--dead-letters",
    is_flag=True,
    help="Every dead-lettered message (not sent, not processed) or message with a dead-lettered delivery.",
)
@click.option("--partner", help="With --dead-letters: only this partner's.")
@click.option("--by", default="cli", show_default=True, help="Who replays (recorded on the replayed event).")
def messages_replay(message_ids: tuple[str, ...], dead_letters: bool, partner: str | None, by: str) -> None:
    """Queue the replay of messages (dead-lettered deliveries are resent, the rest reprocessed)."""
    from gateway.commands.messages import run_replay

    sys.exit(run_replay(message_ids, dead_letters, partner, by))


@cli.command()
@click.option("--partner", help="Only this partner's POs.")
@click.option("--since", help="Orders recorded at or after this ISO date/time (UTC).")
@click.option("--export", type=click.Path(dir_okay=False), help="Also write one CSV row per PO line here.")
def reconcile(partner: str | None, since: str | None, export: str | None) -> None:
    """Three-way match PO <-> ASN <-> invoice; exit 1 when any line is an exception."""
    from gateway.commands.reconcile import run

    sys.exit(run(partner, since, export))


@cli.group()
def tokens() -> None:
    """API tokens."""


@tokens.command("create")
@click.option("--partner", help="Limit the token to this partner's data.")
@click.option("--name", help="A label for the token (who or what uses it).")
def tokens_create(partner: str | None, name: str | None) -> None:
    """Create an API token and print it (once)."""
    from gateway.commands.tokens import create

    sys.exit(create(partner, name))


def main() -> None:
    cli(prog_name="edigw")


if __name__ == "__main__":
    main()
