"""`bt camera [annotate|clear]`: the customer's camera, a frozen frame with arrows, boxes and labels."""

from __future__ import annotations

from typing import Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

camera_app = typer.Typer(
    help="Camera mode: open the device's camera, annotate a frozen frame, clear.", invoke_without_command=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(camera_app, name="camera")


@camera_app.callback()
def camera(ctx: typer.Context) -> None:
    """Open the device's camera app (the live screen switches to Video Optimized)."""
    if ctx.invoked_subcommand is None:
        cli = context.get(ctx)
        cli.services.camera.open(None)
        cli.info("camera opened; annotate with 'bt camera annotate', return with 'bt camera clear'")


@camera_app.command("annotate")
def annotate(
    ctx: typer.Context,
    arrow: Annotated[list[str], typer.Option("--arrow", help="X1,Y1,X2,Y2 (repeatable).")] = [],  # noqa: B006
    box: Annotated[list[str], typer.Option("--box", help="X1,Y1,X2,Y2 (repeatable).")] = [],  # noqa: B006
    text: Annotated[list[str], typer.Option("--text", help="X,Y,TEXT (repeatable).")] = [],  # noqa: B006
    json_out: JSON_OPTION = False,
) -> None:
    """Freeze the current frame, draw on it, and show it on the device."""
    from bt_core.camera import parse_annotations

    cli = context.get(ctx)
    result = cli.services.camera.annotate(None, parse_annotations(arrow, box, text))
    if json_out:
        context.emit_json(result.to_json())
    else:
        typer.echo(str(result.local_path))
        cli.info(f"shown on the device as {result.device_path}")


@camera_app.command("clear")
def clear(ctx: typer.Context, json_out: JSON_OPTION = False) -> None:
    """Remove the annotated frame and return to the live camera."""
    cli = context.get(ctx)
    event = cli.services.camera.clear(None)
    if json_out:
        context.emit_json(event.to_json())
    else:
        cli.info("back to the live camera")


@camera_app.command("request")
def request(ctx: typer.Context, json_out: JSON_OPTION = False) -> None:
    """Ask the customer to start their camera (their support page shows a Start camera button)."""
    cli = context.get(ctx)
    event = cli.services.camera.request(None)
    if json_out:
        context.emit_json(event.to_json())
    else:
        cli.info("asked the customer to start the camera (on their support page, or as a notification)")
