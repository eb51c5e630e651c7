"""`bt report [ID]`: the session report as HTML, Markdown or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION, SESSION_ARG


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    ctx: typer.Context,
    session_id: SESSION_ARG = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="html, md or json.")] = "html",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write; '-' for stdout (default: the reports folder).")
    ] = None,
    json_out: JSON_OPTION = False,
) -> None:
    """Write the session report: info panel, transcript, files, screenshots, grants, notes, durations."""
    cli = context.get(ctx)
    reports = cli.services.reports
    chosen = session_id or cli.settings.session or None
    if out is not None and str(out) == "-":
        context.emit_document(reports.render(chosen, fmt), is_json=fmt == "json")
        return
    written = reports.write(chosen, fmt, out)
    if json_out:
        context.emit_json(
            {
                "session_id": written.session_id,
                "format": written.format,
                "path": str(written.path),
                "bytes": written.bytes,
            }
        )
        return
    cli.console.print(written.path, markup=False, highlight=False, soft_wrap=True)
    cli.info(f"wrote the {fmt} report of session {written.session_id} ({written.bytes} bytes)")
