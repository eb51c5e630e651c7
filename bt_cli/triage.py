"""`bt triage`: one bundle of everything about a device (sysinfo, logcat, screenshot, packages, dumpsys,
optionally a bugreport), with a sha256 manifest and a summary in Markdown and HTML."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bt_cli import context


def register(app: typer.Typer) -> None:
    app.command("triage")(triage)


def triage(
    ctx: typer.Context,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="New or empty directory (default: <data dir>/triage/...).")
    ] = None,
    bugreport: Annotated[
        bool, typer.Option("--bugreport", help="Also take a bugreport with bugreportz (minutes on a real phone).")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON on stdout.")] = False,
) -> None:
    """Collect a triage bundle from the device (--device, or the session's); logged in the session."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    cli = context.get(ctx)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=cli.err, transient=True, disable=bool(cli.quiet)) as bar:
        overall = bar.add_task("triage", total=None)
        tasks: dict[str, TaskID] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step == "bugreport" and done and total:
                if "bugreport" not in tasks:
                    tasks["bugreport"] = bar.add_task("bugreportz", total=total)
                bar.update(tasks["bugreport"], completed=done, total=total)
                return
            bar.update(overall, description=f"triage: {step}", completed=done, total=total)

        manifest = cli.services.triage.run(cli.settings.device or None, out, bugreport=bugreport, progress=progress)
    if json_out:
        context.emit_json(manifest.to_json())
    else:
        cli.console.print(manifest.directory, markup=False, highlight=False)
    from bt_core.sanitize import for_terminal

    for item, reason in sorted(manifest.errors.items()):
        cli.warn(for_terminal(f"{item}: {reason}", one_line=True))
    cli.info(f"{len(manifest.files)} files in {manifest.directory} ({manifest.elapsed_ms / 1000:.1f} s)")
