"""The `bt` command: the root callback, global options, and the one place errors become exit codes."""

from __future__ import annotations

import sys
from typing import Annotated

import click
import typer

from bt_cli import context
from bt_cli.exit_codes import ExitCode, exit_code_for
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
    servers = [s for item in adb_server for s in item.split(",") if s.strip()]
    ctx.obj = context.CliContext(
        flags={"device": device, "adb_servers": servers, "session": session},
        verbose=verbose,
        quiet=quiet,
        color=color,
    )
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


def _fail(message: str, code: int) -> int:
    """One line on stderr: errors may quote device or customer text, so it is sanitised and flattened."""
    from bt_core.sanitize import for_terminal

    sys.stderr.write(f"bt: error: {for_terminal(message, one_line=True)}\n")
    return code


def _usage_line(error: click.ClickException) -> str:
    """Click's usage error as one line: the message and where to read more (click prints three)."""
    message = " ".join(error.format_message().split())
    ctx = getattr(error, "ctx", None)
    where = f" See '{ctx.command_path} --help'." if ctx is not None else ""
    return message + where


def _undecodable(args: list[str]) -> int | None:
    """The position of the first argument that was not valid UTF-8 (Python keeps such bytes as
    surrogates), so it is refused as bad input instead of reaching a device or the store."""
    for index, arg in enumerate(args):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return index + 1
    return None


def run(argv: list[str] | None = None) -> int:
    """Entry point: never lets a traceback reach the user; the exit code is decided here."""
    from bt_core.errors import BtError, UsageError

    command = typer.main.get_command(app)
    args = argv if argv is not None else sys.argv[1:]
    try:
        bad = _undecodable(args)
        if bad is not None:
            raise UsageError(f"argument {bad} is not valid UTF-8 text")
        # Typer turns Ctrl-C and `typer.Exit(n)` into a returned exit code when not standalone.
        returned = command.main(args=args, prog_name="bt", standalone_mode=False)
        code = returned if isinstance(returned, int) and not isinstance(returned, bool) else 0
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.exceptions.Abort:
        code = _fail("aborted", ExitCode.INTERRUPTED)
    except click.exceptions.NoArgsIsHelpError as error:
        error.show()  # `bt` or `bt files` alone: the help text is the answer
        code = ExitCode.USAGE
    except click.ClickException as error:
        code = _fail(_usage_line(error), ExitCode.USAGE)
    except BtError as error:
        code = _fail(str(error), exit_code_for(error))
    except KeyboardInterrupt:
        code = _fail("interrupted", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        code = 0
    except Exception as error:  # last resort: one line, never a traceback (it may carry customer data)
        code = _fail(f"internal error: {error.__class__.__name__}: {error}", ExitCode.ERROR)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass
    return int(code)


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
