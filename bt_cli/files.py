"""`bt files ls|push|pull|mkdir|mv|rm`: browse and change device files, move files and folders."""

from __future__ import annotations

import stat as S
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION, YES_OPTION, choice_of
from bt_core.models import OnClash
from bt_core.sanitize import for_terminal

if TYPE_CHECKING:
    from bt_core.models import Transfer
    from bt_core.transfers import Clash, ProgressUpdate

files_app = typer.Typer(
    help="Browse device files; push and pull files and folders; create, rename, delete.", no_args_is_help=True
)

CLASH_OPTION = Annotated[
    OnClash,
    typer.Option(
        "--on-clash",
        click_type=choice_of(OnClash),
        help="When the destination exists: overwrite, skip, cancel, or ask (per file, on a terminal).",
    ),
]
NO_TIMES_OPTION = Annotated[
    bool,
    typer.Option("--no-preserve-times", help="Stamp files with the current time instead of keeping the original one."),
]
QUEUE_OPTION = Annotated[
    bool, typer.Option("--queue", help="Only add to the transfer manager; start later with 'bt transfers start'.")
]
PROGRESS_OPTION = Annotated[
    bool, typer.Option("--progress", help="With --json: print progress as JSON lines on stdout.")
]


def register(app: typer.Typer) -> None:
    app.add_typer(files_app, name="files")


@files_app.command("ls")
def ls(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="Device folder or file, e.g. /sdcard/Download.")] = "/sdcard",
    all_entries: Annotated[
        bool, typer.Option("--all", "-a", help="Show hidden entries (names starting with .)")
    ] = False,
    long: Annotated[bool, typer.Option("--long", "-l", help="Type, permissions, size, date, symlink target.")] = False,
    json_out: JSON_OPTION = False,
) -> None:
    """List a device folder."""
    cli = context.get(ctx)
    entries = cli.services.files.list(None, path, hidden=all_entries)
    if json_out:
        context.emit_json([e.to_json() for e in entries])
        return
    if not long:
        for entry in entries:
            suffix = "/" if entry.type == "dir" else ""
            cli.line(for_terminal(entry.name, one_line=True) + suffix)
        return
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


def _transfer_command(
    ctx: typer.Context,
    direction: str,
    paths: list[str],
    on_clash: str,
    no_times: bool,
    queue: bool,
    json_out: bool,
    progress: bool,
) -> None:
    from bt_core.errors import UsageError

    cli = context.get(ctx)
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


@files_app.command("push")
def push(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Local files or folders, then the device destination.")],
    on_clash: CLASH_OPTION = OnClash.OVERWRITE,
    no_preserve_times: NO_TIMES_OPTION = False,
    queue: QUEUE_OPTION = False,
    json_out: JSON_OPTION = False,
    progress: PROGRESS_OPTION = False,
) -> None:
    """Upload files or folders to the device (identical files are skipped with a warning)."""
    _transfer_command(ctx, "push", paths, on_clash, no_preserve_times, queue, json_out, progress)


@files_app.command("pull")
def pull(
    ctx: typer.Context,
    paths: Annotated[list[str], typer.Argument(help="Device files or folders, then the local destination.")],
    on_clash: CLASH_OPTION = OnClash.OVERWRITE,
    no_preserve_times: NO_TIMES_OPTION = False,
    queue: QUEUE_OPTION = False,
    json_out: JSON_OPTION = False,
    progress: PROGRESS_OPTION = False,
) -> None:
    """Download files or folders from the device."""
    _transfer_command(ctx, "pull", paths, on_clash, no_preserve_times, queue, json_out, progress)


@files_app.command("mkdir")
def mkdir(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="Device folder (parents are created).")],
    json_out: JSON_OPTION = False,
) -> None:
    """Create a folder on the device, with its parents."""
    cli = context.get(ctx)
    clean = cli.services.files.mkdir(None, path)
    if json_out:
        context.emit_json({"created": clean})
    else:
        cli.info(f"created {clean}")


@files_app.command("mv")
def mv(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Device path to rename.")],
    target: Annotated[str, typer.Argument(help="New device path (or an existing folder to move into).")],
    json_out: JSON_OPTION = False,
) -> None:
    """Rename or move a file or folder on the device (never overwrites)."""
    cli = context.get(ctx)
    final = cli.services.files.rename(None, source, target)
    if json_out:
        context.emit_json({"from": source, "to": final})
    else:
        cli.info(f"renamed {source} to {final}")


@files_app.command("rm")
def rm(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(help="Device file or folder.")],
    recursive: Annotated[bool, typer.Option("--recursive", "-r", help="Delete a folder and all it holds.")] = False,
    yes: YES_OPTION = False,
    json_out: JSON_OPTION = False,
) -> None:
    """Delete a file or folder on the device PERMANENTLY (there is no trash)."""
    from bt_core.errors import Cancelled, UsageError

    cli = context.get(ctx)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"deleting {path} is permanent: pass --yes to confirm without a terminal")
        what = "and everything in it " if recursive else ""
        if not typer.confirm(f"Delete {path} {what}permanently?", default=False, err=True):
            raise Cancelled("nothing deleted")
    clean = cli.services.files.delete(None, path, recursive=recursive)
    if json_out:
        context.emit_json({"deleted": clean, "permanent": True})
    else:
        cli.info(f"deleted {clean} permanently")


# -- shared with `bt transfers` --------------------------------------------------------------------
def one_shot_gc() -> None:
    """Move everything allocated so far out of the collector's sight (`gc.freeze`): loading the store
    and walking a tree set off collections that each scanned the whole start-up heap, 50-90 ms of a
    2,000-file transfer. Collection stays on for what the transfer itself makes (a failed file's
    traceback is a cycle), so a tree of a million files cannot pile up garbage."""
    import gc

    gc.freeze()


class TransferUi:
    """Progress for transfers: Rich bars on a terminal's stderr, JSON lines, or nothing; and clash prompts."""

    def __init__(self, cli: context.CliContext, *, json_out: bool, json_progress: bool) -> None:
        self.cli = cli
        self.json_lines = json_out and json_progress
        self.bars = not json_out and not cli.quiet and cli.err_is_terminal()
        self.progress: Any = None
        self.tasks: dict[int, Any] = {}
        self.batch: Any = None
        self.seen: dict[int, tuple[int, int]] = {}

    def __enter__(self) -> TransferUi:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def callbacks(self) -> dict[str, Any]:
        return {"progress": self.on_progress, "ask": self.ask, "warn": self.warn}

    def warn(self, message: str) -> None:
        if self.json_lines:
            context.emit_json_line({"event": "warning", "message": message})
        if self.progress is not None:
            self.progress.console.print(f"bt: warning: {message}", markup=False, highlight=False, style="yellow")
        else:
            self.cli.warn(message)

    def on_progress(self, update: ProgressUpdate) -> None:
        if self.json_lines:
            context.emit_json_line(update.to_json())
        if self.bars:
            self._bar(update)

    def _bar(self, update: ProgressUpdate) -> None:
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        if self.progress is None:
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                console=self.cli.err,
                transient=False,
            )
            self.progress.start()
            self.batch = self.progress.add_task("all transfers", total=0)
        if update.transfer_id not in self.tasks:
            name = update.origin.rsplit("/", 1)[-1] or update.origin
            self.tasks[update.transfer_id] = self.progress.add_task(
                f"#{update.transfer_id} {name}", total=update.bytes_total
            )
        self.seen[update.transfer_id] = (update.bytes_done, update.bytes_total)
        self.progress.update(self.tasks[update.transfer_id], completed=update.bytes_done, total=update.bytes_total)
        self.progress.update(
            self.batch, completed=sum(d for d, _ in self.seen.values()), total=sum(t for _, t in self.seen.values())
        )

    def ask(self, clash: Clash) -> str:
        from bt_core.errors import UsageError
        from bt_core.units import human_size

        if not sys.stdin.isatty():
            raise UsageError("--on-clash ask needs a terminal to ask on; choose overwrite, skip or cancel")
        if self.progress is not None:
            self.progress.stop()
        answers = {"o": "overwrite", "s": "skip", "c": "cancel", "a": "overwrite-all", "n": "skip-all"}
        try:
            while True:
                reply = (
                    typer.prompt(
                        f"{clash.target} exists ({human_size(clash.existing_size)}; new {human_size(clash.size)}). "
                        "[o]verwrite, [s]kip, [c]ancel, overwrite [a]ll, skip all [n]",
                        default="s",
                        err=True,
                    )
                    .strip()
                    .lower()[:1]
                )
                if reply in answers:
                    return answers[reply]
        finally:
            if self.progress is not None:
                self.progress.start()


def transfer_row(t: Transfer) -> dict[str, Any]:
    return t.to_json()


def report_transfers(
    cli: context.CliContext,
    transfers: list[Transfer],
    *,
    json_out: bool,
    json_lines: bool = False,
    queued: bool = False,
) -> None:
    from bt_core.units import human_size

    if json_lines:
        for t in transfers:
            context.emit_json_line({"event": "transfer", **t.to_json()})
        return
    if json_out:
        context.emit_json([t.to_json() for t in transfers])
        return
    for t in transfers:
        if queued:
            cli.info(f"queued transfer {t.id}: {t.origin} -> {t.destination} (start: bt transfers start {t.id})")
        else:
            cli.info(
                f"transfer {t.id} {t.state}: {t.origin} -> {t.destination} "
                f"({t.files_done} file{'s' if t.files_done != 1 else ''}, {human_size(t.bytes_done)})"
            )
