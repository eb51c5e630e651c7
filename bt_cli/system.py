"""`bt kill PID|PACKAGE` and `bt uninstall PACKAGE`: both ask first on a terminal (or take --yes)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION, YES_OPTION
from bt_core.errors import Cancelled, UsageError


def register(app: typer.Typer) -> None:
    app.command("kill")(kill)
    app.command("uninstall")(uninstall)


def _confirm(question: str, yes: bool) -> None:
    """Ask on a terminal; a script must say --yes, since nobody is there to answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError("this changes the customer's device: pass --yes to confirm when not on a terminal")
    if not typer.confirm(question, default=False):
        raise Cancelled("cancelled: nothing was changed")


def kill(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(metavar="PID|PACKAGE", help="A process id or an app package.")],
    yes: YES_OPTION = False,
    json_out: JSON_OPTION = False,
) -> None:
    """End a process or app: an app (or an app's pid) is force-stopped; others need the device's consent."""
    cli = context.get(ctx)
    _confirm(f"End {target} on the customer's device?", yes)
    result = cli.services.system.kill(cli.settings.session or None, target)
    if json_out:
        context.emit_json(result.to_json())
        return
    what = result.package or result.process_name or target
    pid = f" (pid {result.pid})" if result.pid is not None else ""
    cli.info(f"{'force-stopped' if result.method == 'force-stop' else 'killed'} {what}{pid}")


def uninstall(
    ctx: typer.Context,
    package: Annotated[str, typer.Argument(help="The app's package name, like com.example.app.")],
    keep_data: Annotated[bool, typer.Option("--keep-data", help="Keep the app's data and cache (pm -k).")] = False,
    yes: YES_OPTION = False,
    json_out: JSON_OPTION = False,
) -> None:
    """Uninstall an app; a system app is uninstalled for user 0 where Android allows it."""
    cli = context.get(ctx)
    _confirm(f"Uninstall {package} from the customer's device?", yes)
    result = cli.services.system.uninstall(cli.settings.session or None, package, keep_data=keep_data)
    if json_out:
        context.emit_json(result.to_json())
        return
    how = " for user 0 (system app; it stays on the system image)" if result.user_only else ""
    cli.info(f"uninstalled {package}{how}")
