"""`bt files ls|push|pull|mkdir|mv|rm`: browse and change device files, move files and folders."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bt_cli import context
from bt_cli.actions import files as actions
from bt_cli.options import JSON_OPTION, YES_OPTION, choice_of
from bt_core.models import OnClash

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
    actions.ls(context.get(ctx), path, all_entries, long, json_out)


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
    actions.push(context.get(ctx), paths, on_clash, no_preserve_times, queue, json_out, progress)


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
    actions.pull(context.get(ctx), paths, on_clash, no_preserve_times, queue, json_out, progress)


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
