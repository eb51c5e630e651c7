"""`bt input tap|swipe|text|key`: drive the device (needs the customer's control grant)."""

from __future__ import annotations

from typing import Annotated

import typer

from bt_cli import context
from bt_cli.actions import input as actions
from bt_cli.options import JSON_OPTION

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
    actions.tap(context.get(ctx), x, y, json_out)


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
    actions.swipe(context.get(ctx), x1, y1, x2, y2, ms, json_out)


@input_app.command("text")
def text(
    ctx: typer.Context,
    value: Annotated[str, typer.Argument(metavar="TEXT", help="ASCII text to type.")],
    json_out: JSON_OPTION = False,
) -> None:
    """Type text into the focused field (newlines press ENTER)."""
    actions.text(context.get(ctx), value, json_out)


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
    actions.key(context.get(ctx), name, json_out)
