"""`bt demo`: a whole support session in one command, on a real phone or, when none is attached, on a
virtual device that bt starts for the occasion."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

if TYPE_CHECKING:
    from bt_core.services import Services


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    ctx: typer.Context,
    virtual: Annotated[
        bool, typer.Option("--virtual", help="Use a virtual device even if a phone is attached.")
    ] = False,
    keep: Annotated[
        bool, typer.Option("--keep", help="Leave the session open (and the virtual device running).")
    ] = False,
    tui: Annotated[bool, typer.Option("--tui", help="Open the terminal console on the session instead.")] = False,
    json_out: JSON_OPTION = False,
) -> None:
    """Run a support session end to end: info panel, chat, screenshot, system info, transcript."""
    cli = context.get(ctx)
    services = cli.services
    with contextlib.ExitStack() as stack:
        serial = None if virtual else _ready_device(services)
        if serial is None:
            serial = stack.enter_context(_virtual_device(cli))
        record = services.sessions.start(
            serial,
            customer="Demo Customer",
            issue="Wi-Fi keeps dropping",
            priority="medium",
            queue="demo",
            skills=["android"],
        )
        cli.info(f"session {record.id} started on {record.computer_name} ({record.platform})")
        if tui:
            from bt_cli.tui import launch

            launch(cli, session_id=record.id)
            return
        _steps(cli, record.id)
        if not keep:
            services.sessions.end(record.id)
        report = services.reports.write(record.id, "html", None).path
        from bt_cli.transcript_view import event_text
        from bt_core.info_panel import info_json, info_rows

        if json_out:
            context.emit_json(
                {
                    "session": info_json(services.sessions.resolve(record.id)),
                    "events": [e.to_json() for e in services.transcript.events(record.id)],
                    "report": str(report),
                }
            )
            return

        for label, value in info_rows(services.sessions.resolve(record.id)):
            cli.console.print(f"{label:>18}  {value}", markup=False, highlight=False)
        cli.console.rule("transcript")
        for event in services.transcript.events(record.id):
            cli.console.print(event_text(event), markup=False, highlight=False, soft_wrap=True)
        cli.console.rule()
        cli.console.print(f"Session report: {report}", markup=False, highlight=False, soft_wrap=True)
        if keep:
            cli.info(f"session {record.id} left open; try 'bt log', 'bt sysinfo', 'bt tui'. Ctrl-C stops.")
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)


def _ready_device(services: Services) -> str | None:
    """The only attached, ready device, if there is exactly one."""
    ready = [d for d in services.devices.all(details=False) if d.state == "device"]
    return ready[0].serial if len(ready) == 1 else None


@contextlib.contextmanager
def _virtual_device(cli: context.CliContext) -> Iterator[str]:
    from virtual_device import VirtualDevice

    device = VirtualDevice(port=0)
    device.start()
    cli.info(f"no phone attached: started a virtual device at {device.serial}")
    try:
        cli.services.devices.connect(device.serial)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            states = {d.serial: d.state for d in cli.services.devices.all(details=False)}
            if states.get(device.serial) == "device":
                break
            time.sleep(0.2)
        yield device.serial
    finally:
        with contextlib.suppress(Exception):
            cli.services.devices.disconnect(device.serial)
        device.stop()


def _steps(cli: context.CliContext, session_id: str) -> None:
    """Each feature the session offers, in the order a technician would use them."""
    from bt_core.errors import BtError

    services = cli.services
    steps: list[tuple[str, Callable[[], object]]] = [
        (
            "chat",
            lambda: services.chat.send(session_id, "Hello! I'm [b]your technician[/b]; let's look at the Wi-Fi."),
        ),
        ("sysinfo", lambda: services.sysinfo.pull(session_id)),
        ("grant", lambda: services.grants.set(session_id, "view", by=services.technician)),
        ("screen", lambda: services.screen.screenshot(session_id)),
        ("notes", lambda: services.notes.add(session_id, "Demo: router firmware is old; suggested an update.")),
    ]
    for name, step in steps:
        try:
            step()
        except BtError as error:
            cli.warn(f"{name}: {error}")
