"""`bt input tap|swipe|text|key`: drive the device (needs the customer's control grant)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

if TYPE_CHECKING:
    from bt_core.models import Event

input_app = typer.Typer(help="Tap, swipe, type and press keys on the device (device pixels).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(input_app, name="input")


@input_app.command("tap")
def tap(
    ctx: typer.Context,
    x: Annotated[int, typer.Argument(help="X in device pixels.")],
    y: Annotated[int, typer.Argument(help="Y in device pixels.")],
    json_out: JSON_OPTION = False,
) -> None:
    """Tap at (X, Y)."""
    _done(ctx, context.get(ctx).services.control.tap(None, x, y), json_out)


@input_app.command("swipe")
def swipe(
    ctx: typer.Context,
    x1: Annotated[int, typer.Argument()],
    y1: Annotated[int, typer.Argument()],
    x2: Annotated[int, typer.Argument()],
    y2: Annotated[int, typer.Argument()],
    ms: Annotated[int | None, typer.Option("--ms", help="Duration in milliseconds.")] = None,
    json_out: JSON_OPTION = False,
) -> None:
    """Swipe from (X1, Y1) to (X2, Y2)."""
    _done(ctx, context.get(ctx).services.control.swipe(None, x1, y1, x2, y2, ms), json_out)


@input_app.command("text")
def text(
    ctx: typer.Context,
    value: Annotated[str, typer.Argument(metavar="TEXT", help="ASCII text to type.")],
    json_out: JSON_OPTION = False,
) -> None:
    """Type text into the focused field (newlines press ENTER)."""
    _done(ctx, context.get(ctx).services.control.text(None, value), json_out)


@input_app.command("key")
def key(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME|CODE",
            help="HOME, BACK, APP_SWITCH, POWER, VOLUME_UP, ENTER, DEL, DPAD_LEFT, ... or a keycode.",
        ),
    ],
    json_out: JSON_OPTION = False,
) -> None:
    """Press a key."""
    _done(ctx, context.get(ctx).services.control.key(None, name), json_out)


def _done(ctx: typer.Context, event: Event, json_out: bool) -> None:
    """The transcript event is the result: JSON for scripts, its line for people."""
    if json_out:
        context.emit_json(event.to_json())
    else:
        context.get(ctx).info(event.text)
