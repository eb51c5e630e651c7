"""`bt input tap|swipe|text|key`: drive the device with the customer's control grant (see bt_cli/actions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bt_cli import context

if TYPE_CHECKING:
    from bt_cli.context import CliContext
    from bt_core.models import Event


def tap(cli: CliContext, x: int, y: int, json_out: bool) -> None:
    _done(cli, cli.services.control.tap(None, x, y), json_out)


def swipe(cli: CliContext, x1: int, y1: int, x2: int, y2: int, ms: int | None, json_out: bool) -> None:
    _done(cli, cli.services.control.swipe(None, x1, y1, x2, y2, ms), json_out)


def text(cli: CliContext, value: str, json_out: bool) -> None:
    _done(cli, cli.services.control.text(None, value), json_out)


def key(cli: CliContext, name: str, json_out: bool) -> None:
    _done(cli, cli.services.control.key(None, name), json_out)


def _done(cli: CliContext, event: Event, json_out: bool) -> None:
    """The transcript event is the result: JSON for scripts, its line for people."""
    if json_out:
        context.emit_json(event.to_json())
    else:
        cli.info(event.text)
