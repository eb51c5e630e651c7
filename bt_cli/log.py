"""`bt log`: the session's transcript, chat-style; `--follow` for a live view; `export` to a file."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

if TYPE_CHECKING:
    from bt_core.models import Event

log_app = typer.Typer(help="The session transcript: show, follow, export.", invoke_without_command=True)


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")


@log_app.callback()
def show(
    ctx: typer.Context,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Keep printing new events (Ctrl-C stops).")] = False,
    json_out: JSON_OPTION = False,
    session: Annotated[str, typer.Option("--session", help="Session id (default: current).")] = "",
    kind: Annotated[list[str], typer.Option("--kind", help="Only these event kinds (repeatable).")] = [],  # noqa: B006
) -> None:
    """Show the transcript in order; with --json one JSON array (JSON lines with --follow)."""
    if ctx.invoked_subcommand:
        return
    cli = context.get(ctx)
    record = cli.services.sessions.resolve(session or None)
    transcript = cli.services.transcript
    if not follow:
        events = transcript.events(record.id, kinds=kind or None)
        if json_out:
            context.emit_json([e.to_json() for e in events])
        else:
            _print(cli, events, json_lines=False)
        return
    for event in transcript.follow(record.id, kinds=kind or None):
        _print(cli, [event], json_out)


def _print(cli: context.CliContext, events: list[Event], json_lines: bool) -> None:
    from bt_cli.transcript_view import event_text

    for event in events:
        if json_lines:
            context.emit_json_line(event.to_json())
        else:
            cli.console.print(event_text(event), markup=False, highlight=False, soft_wrap=True)


@log_app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="jsonl, md or html.")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write (default: stdout).")] = None,
    session: Annotated[str, typer.Option("--session", help="Session id (default: current).")] = "",
    json_out: Annotated[bool, typer.Option("--json", help="With --out: print what was written as JSON.")] = False,
) -> None:
    """Export the transcript as JSON lines, Markdown or self-contained HTML."""

    cli = context.get(ctx)
    record = cli.services.sessions.resolve(session or None)
    if out is None and fmt != "jsonl" and sys.stdout.isatty():  # a terminal: rendered, then made inert
        buffer = io.StringIO()
        written = cli.services.transcript.export(record, fmt, None, buffer)
        context.emit_document(buffer.getvalue())
    else:
        written = cli.services.transcript.export(record, fmt, out)
    if out is not None and json_out:
        context.emit_json({"session_id": record.id, "format": fmt, "path": str(out), "events": written})
    elif out is not None:
        cli.info(f"wrote {written} events to {out}")
