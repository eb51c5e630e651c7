"""The `bt` command: the root callback, global options, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from typing import Annotated

import click
import typer

from bt_cli import context, outcome
from bt_cli.exit_codes import ExitCode
from bt_cli.lazy_group import LazyGroup, root_group

app = typer.Typer(
    name="bt",
    help="Remote-support sessions for Android devices over ADB: chat, screen, files, system info, transcript.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Each module registers its commands with `register(app)`. The root group imports a module only when
# one of its commands runs (bt_cli/lazy_group.py, names in bt_cli/command_table.py); a module missing
# from that table is imported at start-up, so a command is never silently missing.
COMMAND_MODULES = (
    "devices",
    "session",
    "log",
    "notes",
    "chat",
    "sysinfo",
    "system",
    "files",
    "transfers",
    "screen",
    "input_cmd",
    "camera",
    "report",
    "policy_cmd",
    "tui",
    "virtual_device_cmd",
    "demo",
    "claim",
    "fleet",
    "triage",
    "queue_cmd",
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"bt {version('bt')}")
        except PackageNotFoundError:
            typer.echo("bt (not installed)")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    device: Annotated[
        str, typer.Option("--device", "-d", envvar="BT_DEVICE", help="Device serial when several are attached.")
    ] = "",
    adb_server: Annotated[
        list[str],
        typer.Option(
            "--adb-server", envvar="BT_ADB_SERVER", help="adb server HOST:PORT (repeatable; a lab host's too)."
        ),
    ] = [],  # noqa: B006 - typer needs a literal default
    session: Annotated[
        str, typer.Option("--session", "-s", envvar="BT_SESSION", help="Session id instead of the current one.")
    ] = "",
    color: Annotated[
        bool | None, typer.Option("--color/--no-color", help="Force or disable colour (NO_COLOR, FORCE_COLOR).")
    ] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More detail on stderr.")] = 0,
    quiet: Annotated[int, typer.Option("--quiet", "-q", count=True, help="Less chatter on stderr.")] = 0,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Global options; every one also has an environment variable."""
    ctx.obj = context.from_root_options(device, adb_server, session, color, verbose, quiet)
    ctx.call_on_close(ctx.obj.close)


def _register() -> None:
    app.info.cls = root_group(COMMAND_MODULES)


def full_command() -> click.Group:
    """The root group with every command built (man pages, tests that walk every command)."""
    command = typer.main.get_command(app)
    assert isinstance(command, LazyGroup)
    command.load_all()
    return command


_register()


def _usage_line(error: click.ClickException) -> str:
    """Click's usage error as one line: the message and where to read more (click prints three)."""
    message = " ".join(error.format_message().split())
    ctx = getattr(error, "ctx", None)
    where = f" See '{ctx.command_path} --help'." if ctx is not None else ""
    return message + where


def run(argv: list[str] | None = None) -> int:
    """Entry point: never lets a traceback reach the user; the exit code is decided here and in
    `bt_cli.outcome.guarded`, which the Click-free fast lane shares."""
    from bt_core.errors import UsageError

    command = typer.main.get_command(app)
    args = argv if argv is not None else sys.argv[1:]

    def parse_and_call() -> int:
        bad = outcome.undecodable(args)
        if bad is not None:
            raise UsageError(f"argument {bad} is not valid UTF-8 text")
        try:
            # Typer turns Ctrl-C and `typer.Exit(n)` into a returned exit code when not standalone.
            returned = command.main(args=args, prog_name="bt", standalone_mode=False)
        except click.exceptions.Exit as done:
            return done.exit_code
        except click.exceptions.Abort:
            return outcome.fail("aborted", ExitCode.INTERRUPTED)
        except click.exceptions.NoArgsIsHelpError as error:
            error.show()  # `bt` or `bt files` alone: the help text is the answer
            return ExitCode.USAGE
        except click.ClickException as error:
            return outcome.fail(_usage_line(error), ExitCode.USAGE)
        return returned if isinstance(returned, int) and not isinstance(returned, bool) else 0

    return outcome.guarded(parse_and_call)


def root_help_text() -> str:
    """The root help exactly as `bt --help` prints it on a terminal of 80 columns or more: what
    `scripts/gen_man.py` writes to bt_cli/root_help.txt for the fast answer (bt_cli/entry.py)."""
    import contextlib
    import io
    import os

    buffer = io.StringIO()
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        with contextlib.redirect_stdout(buffer):
            run(["--help"])
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before
    return buffer.getvalue()


def main() -> None:
    from bt_cli.entry import main as entry_main

    entry_main()


if __name__ == "__main__":
    main()
