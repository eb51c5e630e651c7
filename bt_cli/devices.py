"""`bt devices`, `bt connect`, `bt disconnect`."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

if TYPE_CHECKING:
    from adb_backend.types import DeviceInfo


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
    cli = context.get(ctx)
    service = cli.services.devices
    if not watch:
        infos = service.all()
        if json_out:
            context.emit_json([i.to_json() for i in infos])
        else:
            _table(cli, infos)
        return
    for infos in service.watch():
        if json_out:
            context.emit_json_line({"at": time.time(), "devices": [i.to_json() for i in infos]})
        else:
            _table(cli, infos)


def _table(cli: context.CliContext, infos: list[DeviceInfo]) -> None:
    from rich.table import Table

    if not infos:
        cli.info("no devices attached (plug one in, 'bt connect HOST:PORT', or 'bt virtual-device')")
        return
    from bt_core.sanitize import for_terminal

    table = Table(box=None, pad_edge=False)
    for column in ("SERIAL", "STATE", "MODEL", "ANDROID", "TRANSPORT", "ADB SERVER"):
        table.add_column(column)
    for info in infos:
        version = f"{info.android_version} (API {info.sdk})" if info.android_version else "-"
        state = info.state
        if state == "unauthorized":
            state += " (accept the prompt on the device)"
        cells = (info.serial, state, info.model or "-", version, info.transport, info.adb_server)
        table.add_row(*(for_terminal(str(cell), one_line=True) for cell in cells))
    cli.console.print(table, markup=False)


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
