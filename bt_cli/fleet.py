"""`bt fleet devices|run|triage`: every device on every configured adb server, and work across them."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

if TYPE_CHECKING:
    from bt_core.fleet import DeviceRun, FleetDevice

fleet_app = typer.Typer(help="Device labs: the fleet across adb servers, a command or triage on every device.")

SELECT_OPTION = Annotated[
    list[str],
    typer.Option("--select", help="KEY=VALUE: serial=S, model=GLOB, android=MIN..MAX, server=HOST:PORT (repeatable)."),
]
PARALLEL_OPTION = Annotated[int, typer.Option("--parallel", "-j", help="Devices worked on at once.")]

_STATE_STYLES = {
    "available": "green",
    "busy": "yellow",
    "offline": "red",
    "unauthorized": "red",
    "absent": "dim",
    "unreachable": "red",
    "done": "green",
    "failed": "red",
    "running": "cyan",
    "skipped": "yellow",
    "queued": "dim",
}


def register(app: typer.Typer) -> None:
    app.add_typer(fleet_app, name="fleet")


@fleet_app.command("devices")
def devices(
    ctx: typer.Context,
    json_out: JSON_OPTION = False,
    watch: Annotated[
        bool, typer.Option("--watch", "-w", help="Keep listing as the fleet changes (Ctrl-C stops).")
    ] = False,
) -> None:
    """Every device on every adb server: state (available, busy with its holder, offline, ...), model, Android."""
    cli = context.get(ctx)
    service = cli.services.fleet
    if not watch:
        rows = service.devices()
        if json_out:
            context.emit_json([r.to_json() for r in rows])
        else:
            cli.console.print(_devices_table(rows))
        return
    # Ctrl-C ends the watch like every follow in bt: exit 130 (INTERRUPTED), decided in bt_cli.main
    for rows in service.watch():
        if json_out:
            context.emit_json_line({"at": time.time(), "devices": [r.to_json() for r in rows]})
        else:
            cli.console.print(_devices_table(rows))


def _devices_table(rows: list[FleetDevice]) -> Any:
    from rich.table import Table
    from rich.text import Text

    from bt_core.sanitize import for_terminal

    table = Table(box=None, pad_edge=False)
    for column in ("SERVER", "SERIAL", "STATE", "MODEL", "ANDROID"):
        table.add_column(column)
    for row in rows:
        state = row.state
        if row.holder:
            state += f" ({row.holder}: {row.purpose})" if row.purpose else f" ({row.holder})"
        if row.error:
            state += f": {row.error}"
        table.add_row(
            Text(row.server),
            Text(for_terminal(row.serial) or "-"),
            Text(for_terminal(state, one_line=True), style=_STATE_STYLES.get(row.state, "")),
            Text(for_terminal(row.model or "-")),
            Text(row.android_version or "-"),
        )
    return table


@fleet_app.command("run", context_settings={"allow_interspersed_args": False})
def run(
    ctx: typer.Context,
    command: Annotated[list[str], typer.Argument(help="The bt command to run on each device (after --).")],
    parallel: PARALLEL_OPTION = 4,
    select: SELECT_OPTION = [],  # noqa: B006 - typer needs a literal default
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds before one device's command is failed.")] = 0.0,
    json_out: JSON_OPTION = False,
) -> None:
    """Run a bt command on every selected device (each claimed while it runs); exit 1 if any failed."""
    from bt_core.fleet import parse_select

    cli = context.get(ctx)
    selector = parse_select(select)
    prefix = [sys.executable, "-m", "bt_cli"]

    def argv_for(row: FleetDevice) -> list[str]:
        return [*prefix, "--device", row.serial, "--adb-server", row.server, *command]

    runs = _with_live(
        cli,
        json_out,
        lambda on_change: cli.services.fleet.run(
            selector, argv_for, parallel=parallel, on_change=on_change, timeout=timeout or None
        ),
    )
    _finish(cli, runs)


@fleet_app.command("triage")
def triage(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the bundles and the index.")],
    parallel: PARALLEL_OPTION = 4,
    select: SELECT_OPTION = [],  # noqa: B006 - typer needs a literal default
    bugreport: Annotated[
        bool, typer.Option("--bugreport", help="Also take a bugreport on each device (slow).")
    ] = False,
    json_out: JSON_OPTION = False,
) -> None:
    """A triage bundle for every selected device under --out, and an index (index.json, .md, .html)."""
    from bt_core.fleet import parse_select

    cli = context.get(ctx)
    selector = parse_select(select)
    result: dict[str, Path] = {}

    def work(on_change: Any) -> list[DeviceRun]:
        runs, index = cli.services.fleet.triage(
            selector, out, parallel=parallel, bugreport=bugreport, on_change=on_change
        )
        result["index"] = index
        return runs

    runs = _with_live(cli, json_out, work)
    cli.info(f"index: {result['index']}")
    _finish(cli, runs)


def _with_live(cli: context.CliContext, json_out: bool, start: Any) -> list[DeviceRun]:
    """JSON lines on stdout as devices finish (--json), or a live table on stderr for people."""
    import threading

    lock = threading.Lock()
    if json_out:

        def emit(run: DeviceRun) -> None:
            if run.state in ("done", "failed", "skipped"):
                with lock:
                    context.emit_json_line(run.to_json())

        return list(start(emit))
    from rich.live import Live

    seen: dict[str, DeviceRun] = {}
    with Live(console=cli.err, auto_refresh=False, transient=False) as live:

        def update(run: DeviceRun) -> None:
            with lock:
                seen[run.serial] = run
                live.update(_runs_table(list(seen.values())), refresh=True)

        runs = start(update)
        live.update(_runs_table(runs), refresh=True)
    return list(runs)


def _runs_table(runs: list[DeviceRun]) -> Any:
    from rich.table import Table
    from rich.text import Text

    from bt_core.sanitize import for_terminal

    table = Table(box=None, pad_edge=False)
    for column in ("SERIAL", "SERVER", "MODEL", "STATE", "TIME", "DETAIL"):
        table.add_column(column)
    for run in runs:
        table.add_row(
            Text(for_terminal(run.serial)),
            Text(run.server),
            Text(for_terminal(run.model or "-")),
            Text(run.state, style=_STATE_STYLES.get(run.state, "")),
            Text(f"{run.elapsed_s:.1f} s" if run.elapsed_s is not None else "-"),
            Text(for_terminal(run.error or "", one_line=True)),
        )
    done = sum(r.state == "done" for r in runs)
    failed = sum(r.state == "failed" for r in runs)
    table.caption = f"{done} done, {failed} failed, {len(runs)} device(s)"
    return table


def _finish(cli: context.CliContext, runs: list[DeviceRun]) -> None:
    failed = [r for r in runs if r.state == "failed"]
    if failed:
        cli.warn(f"{len(failed)} of {len(runs)} device(s) failed: {', '.join(r.serial for r in failed)}")
        raise typer.Exit(1)
