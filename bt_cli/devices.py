"""`bt devices`, `bt connect`, `bt disconnect`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bt_cli import context
from bt_cli.actions import devices as actions
from bt_cli.options import JSON_OPTION

if TYPE_CHECKING:
    pass


def register(app: typer.Typer) -> None:
    app.command("devices")(devices)
    app.command("connect")(connect)
    app.command("disconnect")(disconnect)


def devices(
    ctx: typer.Context,
    json_out: JSON_OPTION = False,
    watch: Annotated[
        bool, typer.Option("--watch", "-w", help="Keep listing as devices come and go (Ctrl-C stops).")
    ] = False,
) -> None:
    """List attached devices: serial, state, model, Android version, transport and adb server."""
    actions.devices(context.get(ctx), json_out, watch)


def connect(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="HOST:PORT of a device in TCP/IP mode or a virtual device.")],
    json_out: JSON_OPTION = False,
) -> None:
    """Connect to a device over TCP/IP (adb connect)."""
    _tcp_command(ctx, address, json_out, connecting=True)


def disconnect(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="HOST:PORT to disconnect.")],
    json_out: JSON_OPTION = False,
) -> None:
    """Disconnect a TCP/IP device (adb disconnect)."""
    _tcp_command(ctx, address, json_out, connecting=False)


def _tcp_command(ctx: typer.Context, address: str, json_out: bool, *, connecting: bool) -> None:
    cli = context.get(ctx)
    service = cli.services.devices
    text = service.connect(address) if connecting else service.disconnect(address)
    if json_out:
        context.emit_json({"address": address, "result": text})
    else:
        cli.console.print(text, markup=False)
