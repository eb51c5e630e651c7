"""`bt files ls|push|pull`: list a device folder, move files and folders (see bt_cli/actions)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from bt_cli import context
from bt_core.sanitize import for_terminal

if TYPE_CHECKING:
    from bt_cli.context import CliContext
    from bt_core.models import OnClash


def ls(cli: CliContext, path: str, all_entries: bool, long: bool, json_out: bool) -> None:
    entries = cli.services.files.list(None, path, hidden=all_entries)
    if json_out:
        context.emit_json([e.to_json() for e in entries])
        return
    if not long:
        for entry in entries:
            suffix = "/" if entry.type == "dir" else ""
            cli.line(for_terminal(entry.name, one_line=True) + suffix)
        return
    import stat as S
    from datetime import UTC, datetime

    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_header=False)
    for column in ("mode", "size", "mtime", "name"):
        table.add_column(column, justify="right" if column == "size" else "left")
    for entry in entries:
        when = datetime.fromtimestamp(entry.mtime, UTC).strftime("%Y-%m-%d %H:%M")
        name = for_terminal(entry.name, one_line=True) + ("/" if entry.type == "dir" else "")
        if entry.type == "link":
            name += f" -> {for_terminal(entry.target or '?', one_line=True)}"
        table.add_row(S.filemode(entry.mode), str(entry.size), when, name)
    cli.console.print(table, markup=False, highlight=False)


def push(
    cli: CliContext,
    paths: list[str],
    on_clash: OnClash,
    no_preserve_times: bool,
    queue: bool,
    json_out: bool,
    progress: bool,
) -> None:
    _transfer(cli, "push", paths, on_clash, no_preserve_times, queue, json_out, progress)


def pull(
    cli: CliContext,
    paths: list[str],
    on_clash: OnClash,
    no_preserve_times: bool,
    queue: bool,
    json_out: bool,
    progress: bool,
) -> None:
    _transfer(cli, "pull", paths, on_clash, no_preserve_times, queue, json_out, progress)


def _transfer(
    cli: CliContext,
    direction: str,
    paths: list[str],
    on_clash: str,
    no_times: bool,
    queue: bool,
    json_out: bool,
    progress: bool,
) -> None:
    from bt_cli.transfer_ui import TransferUi, one_shot_gc, report_transfers
    from bt_core.errors import UsageError

    if len(paths) < 2:
        what = "LOCAL... REMOTE" if direction == "push" else "REMOTE... LOCAL"
        raise UsageError(f"name what to {direction} and where: bt files {direction} {what}")
    if on_clash == "ask" and not queue and not sys.stdin.isatty():
        raise UsageError("--on-clash ask needs a terminal to ask on; choose overwrite, skip or cancel")
    *sources, destination = paths
    one_shot_gc()
    service = cli.services.files
    method = service.push if direction == "push" else service.pull
    with TransferUi(cli, json_out=json_out, json_progress=progress) as ui:
        transfers = method(
            None,
            sources,
            destination,
            on_clash=on_clash,
            preserve_times=not no_times,
            queue=queue,
            **({} if queue else ui.callbacks()),
        )
    report_transfers(cli, transfers, json_out=json_out, json_lines=json_out and progress, queued=queue)
