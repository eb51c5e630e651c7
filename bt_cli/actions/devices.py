"""`bt devices`: the attached devices, once or as they come and go (see bt_cli/actions)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bt_cli import context

if TYPE_CHECKING:
    from adb_backend.types import DeviceInfo
    from bt_cli.context import CliContext


def devices(cli: CliContext, json_out: bool, watch: bool) -> None:
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


def _table(cli: CliContext, infos: list[DeviceInfo]) -> None:
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
