"""`bt sysinfo`: the device's state, overview first, other sections on demand; `parse` reads captures."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION
from bt_core.errors import NotFound, UsageError

if TYPE_CHECKING:
    from bt_core.sysinfo import SysinfoSnapshot

sysinfo_app = typer.Typer(
    help="System information: overview, device, battery, memory, cpu, storage, network, display, processes, "
    "apps, foreground.",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(sysinfo_app, name="sysinfo")


@sysinfo_app.callback()
def sysinfo(
    ctx: typer.Context,
    section: Annotated[
        list[str], typer.Option("--section", "-S", help="A section to pull (repeatable); default: overview.")
    ] = [],  # noqa: B006 - typer needs a literal default
    all_sections: Annotated[bool, typer.Option("--all", help="Every section (at most three round trips).")] = False,
    json_out: JSON_OPTION = False,
    save: Annotated[Path | None, typer.Option("--save", help="Also write a readable text file.")] = None,
    copy: Annotated[bool, typer.Option("--copy", help="Also copy the readable text to the clipboard.")] = False,
    watch: Annotated[
        float, typer.Option("--watch", help="Refresh every SECONDS until Ctrl-C (JSON lines with --json).")
    ] = 0.0,
) -> None:
    """Pull system information from the session's device (the overview in one round trip)."""
    if ctx.invoked_subcommand:
        return
    cli = context.get(ctx)
    service = cli.services.sysinfo
    sections = service.resolve_sections(section, all_sections)
    if watch < 0:
        raise UsageError("--watch takes a positive number of seconds")
    session_id = cli.settings.session or None
    if watch:
        _watch(cli, service, session_id, sections, watch, json_out)
        return
    snapshot = service.pull(session_id, sections)
    _keep(cli, snapshot, save, copy)
    if json_out:
        context.emit_json(snapshot.to_json())
    else:
        from rich.console import Group

        cli.console.print(Group(*renderables(snapshot)))


def _keep(cli: context.CliContext, snapshot: SysinfoSnapshot, save: Path | None, copy: bool) -> None:
    if save is not None:
        try:
            save.write_text(snapshot.to_text(), encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {save}: {error.strerror or error}") from None
        cli.info(f"saved to {save}")
    if copy:
        from bt_cli.clipboard import copy as copy_text

        cli.info(f"copied ({copy_text(snapshot.to_text())})")


def _watch(
    cli: context.CliContext, service: Any, session_id: str | None, sections: list[str], every: float, json_out: bool
) -> None:
    """Pull again every `every` seconds until Ctrl-C, which exits 130 (INTERRUPTED) like every follow
    in bt; the last snapshot stays on the screen."""
    if json_out:
        while True:
            context.emit_json_line(service.pull(session_id, sections).to_json())
            time.sleep(every)
    from rich.console import Group
    from rich.live import Live

    with Live(console=cli.console, auto_refresh=False, transient=False) as live:
        while True:
            snapshot = service.pull(session_id, sections)
            live.update(Group(*renderables(snapshot)), refresh=True)
            time.sleep(every)


@sysinfo_app.command("parse")
def parse(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="What the capture is: getprop, battery, meminfo, ps, df, ...")],
    file: Annotated[str, typer.Argument(help="The capture file, or - for stdin.")] = "-",
    json_out: JSON_OPTION = False,
) -> None:
    """Run a parser on a capture (pasted, or from a bugreport); no device or session needed."""
    cli = context.get(ctx)
    sysinfo = cli.services.sysinfo
    if kind not in sysinfo.parser_kinds():
        sysinfo.parse(kind, "")  # raises the UsageError that lists the kinds
    if file == "-":
        text = sys.stdin.buffer.read().decode("utf-8", "replace")  # captures may hold any bytes
    else:
        try:
            text = Path(file).read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            raise NotFound(f"no such file: {file}") from None
        except OSError as error:
            raise UsageError(f"cannot read {file}: {error.strerror or error}") from None
    data = sysinfo.parse(kind, text)
    if json_out:
        context.emit_json(data)
        return
    from rich.console import Group

    cli.console.print(Group(*_data_renderables(kind, data)))


# -- rendering -----------------------------------------------------------------------------------
def renderables(snapshot: SysinfoSnapshot) -> list[Any]:
    """A Rich table per section, each failed command named under its section."""
    from rich.text import Text

    from bt_core.sysinfo import SECTION_TITLES, overview_rows

    out: list[Any] = []
    for name, section in snapshot.sections.items():
        title = SECTION_TITLES.get(name, name.title())
        if name == "overview":
            out.append(_pairs(title, overview_rows(section.data)))
        else:
            out.extend(_data_renderables(title, section.data))
        for slot, reason in section.errors.items():
            out.append(Text(f"  {slot}: {reason}", style="yellow"))
    footer = (
        f"{snapshot.serial} · {snapshot.taken_at.isoformat(timespec='seconds')} · "
        f"{snapshot.elapsed_ms:.0f} ms · {snapshot.round_trips} round trip(s)"
    )
    out.append(Text(footer, style="dim"))
    return out


def _pairs(title: str, rows: list[tuple[str, str]]) -> Any:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title, style="bold"), title_justify="left", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    from bt_core.sanitize import for_terminal

    for label, value in rows:
        table.add_row(Text(label), Text(for_terminal(value)))
    return table


def _cell(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, list | tuple):
        return (
            "x".join(str(v) for v in value)
            if len(value) == 2 and all(isinstance(v, int) for v in value)
            else ", ".join(str(v) for v in value)
        )
    if isinstance(value, dict):
        return ", ".join(f"{k}={_cell(v)}" for k, v in value.items())
    return str(value)


def _rows_table(title: str, rows: list[dict[str, Any]], limit: int = 500) -> Any:
    from rich.table import Table
    from rich.text import Text

    from bt_core.sanitize import for_terminal

    columns = list(dict.fromkeys(k for row in rows[:50] for k in row))
    table = Table(title=Text(title, style="bold"), title_justify="left", box=None, pad_edge=False)
    for column in columns:
        table.add_column(column.upper())
    for row in rows[:limit]:
        table.add_row(*(Text(for_terminal(_cell(row.get(c)), one_line=True)) for c in columns))
    if len(rows) > limit:
        table.caption = f"{len(rows) - limit} more (use --json for all)"
    return table


def _data_renderables(title: str, data: Any) -> list[Any]:
    """Scalars as a label/value table; lists of rows as tables; nested objects as their own tables."""
    if isinstance(data, list):
        if data and all(isinstance(r, dict) for r in data):
            return [_rows_table(title, data)]
        return [_pairs(title, [(str(i), _cell(v)) for i, v in enumerate(data)])]
    if not isinstance(data, dict):
        return [_pairs(title, [("value", _cell(data))])]
    scalars = [(k, _cell(v)) for k, v in data.items() if not _nested(v)]
    out: list[Any] = [_pairs(title, scalars)] if scalars else []
    for key, value in data.items():
        if _nested(value):
            out.extend(_data_renderables(f"{title} · {key}", value))
    return out


def _nested(value: Any) -> bool:
    if isinstance(value, dict):
        return bool(value) and (len(value) > 6 or any(isinstance(v, dict | list) for v in value.values()))
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)
