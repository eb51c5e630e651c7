"""`bt input tap|swipe|text|key`: drive the device (needs the customer's control grant)."""

from __future__ import annotations

from typing import Annotated

import typer

from bt_cli import context

input_app = typer.Typer(help="Tap, swipe, type and press keys on the device (device pixels).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(input_app, name="input")


@input_app.command("tap")
def tap(ctx: typer.Context, x: Annotated[int, typer.Argument(help="X in device pixels.")],
        y: Annotated[int, typer.Argument(help="Y in device pixels.")]) -> None:
    """Tap at (X, Y)."""
    context.get(ctx).services.area("control").tap(None, x, y)


@input_app.command("swipe")
def swipe(
    ctx: typer.Context,
    x1: Annotated[int, typer.Argument()],
    y1: Annotated[int, typer.Argument()],
    x2: Annotated[int, typer.Argument()],
    y2: Annotated[int, typer.Argument()],
    ms: Annotated[int | None, typer.Option("--ms", help="Duration in milliseconds.")] = None,
) -> None:
    """Swipe from (X1, Y1) to (X2, Y2)."""
    context.get(ctx).services.area("control").swipe(None, x1, y1, x2, y2, ms)


@input_app.command("text")
def text(ctx: typer.Context, value: Annotated[str, typer.Argument(metavar="TEXT", help="ASCII text to type.")]) -> None:
    """Type text into the focused field (newlines press ENTER)."""
    context.get(ctx).services.area("control").text(None, value)


@input_app.command("key")
def key(ctx: typer.Context,
        name: Annotated[str, typer.Argument(metavar="NAME|CODE", help="HOME, BACK, APP_SWITCH, POWER, "
                                            "VOLUME_UP, ENTER, DEL, DPAD_LEFT, ... or a keycode.")]) -> None:
    """Press a key."""
    context.get(ctx).services.area("control").key(None, name)
