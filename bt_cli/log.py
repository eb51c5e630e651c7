"""`bt log`: the session's transcript, chat-style; `--follow` for a live view; `export` to a file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

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
    store = cli.services.store
    events = store.events(record.id, kinds=kind or None)
    if json_out and not follow:
        context.emit_json([e.to_json() for e in events])
        return
    last = _print(cli, events, json_out)
    while follow:
        time.sleep(0.3)
        fresh = store.events(record.id, after_seq=last, kinds=kind or None)
        if fresh:
            last = _print(cli, fresh, json_out)
        elif kind:
            # keep the cursor moving past other kinds
            tail = store.events(record.id, after_seq=last)
            if tail:
                last = tail[-1].seq


def _print(cli: context.CliContext, events: list, json_lines: bool) -> int:
    from bt_cli.transcript_view import event_text

    last = 0
    for event in events:
        if json_lines:
            context.emit_json_line(event.to_json())
        else:
            cli.console.print(event_text(event), markup=False, highlight=False, soft_wrap=True)
        last = event.seq
    return last


@log_app.command("export")
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", help="jsonl, md or html.")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write (default: stdout).")] = None,
    session: Annotated[str, typer.Option("--session", help="Session id (default: current).")] = "",
    json_out: Annotated[bool, typer.Option("--json", help="With --out: print what was written as JSON.")] = False,
) -> None:
    """Export the transcript as JSON lines, Markdown or self-contained HTML."""
    from bt_core.errors import UsageError
    from bt_core.transcript_export import export_transcript

    if fmt not in ("jsonl", "md", "html"):
        raise UsageError(f"--format must be jsonl, md or html, not {fmt!r}")
    cli = context.get(ctx)
    record = cli.services.sessions.resolve(session or None)
    written = export_transcript(cli.services.store, record, fmt, out)
    if out is not None and json_out:
        context.emit_json({"session_id": record.id, "format": fmt, "path": str(out), "events": written})
    elif out is not None:
        cli.info(f"wrote {written} events to {out}")
