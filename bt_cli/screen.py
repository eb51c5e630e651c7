"""`bt screen shot|record|stream|pause|resume|grant|request`: seeing the device, and who may."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION, choice_of
from bt_core.models import Grant

screen_app = typer.Typer(
    help="The device's screen: screenshots, recordings, the live stream, privacy pause, grants.", no_args_is_help=True
)

MODE_HELP = "Colour mode: bw (Black and White), few (16 colours), more (256), full, video (Video Optimized)."


def register(app: typer.Typer) -> None:
    app.add_typer(screen_app, name="screen")


def _file_link(path: Path) -> str:
    """A clickable file link on terminals that support OSC 8 (Rich drops it elsewhere)."""
    return f"[link={path.as_uri()}]{path}[/link]"


@screen_app.command("shot")
def shot(
    ctx: typer.Context,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="PNG file (default: the screenshots folder).")] = None,
    json_out: JSON_OPTION = False,
) -> None:
    """Save a full-resolution PNG screenshot; its path goes into the transcript."""
    cli = context.get(ctx)
    result = cli.services.screen.screenshot(None, out)
    if json_out:
        context.emit_json(result.to_json())
        return
    typer.echo(str(result.path))
    if not cli.quiet:
        cli.err.print(f"screenshot {result.width}x{result.height} saved to {_file_link(result.path)}", highlight=False)


@screen_app.command("record")
def record(
    ctx: typer.Context,
    seconds: Annotated[float, typer.Option("--seconds", "-t", help="How long to record.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The MP4 file to write.")],
    mode: Annotated[str, typer.Option("--mode", help=MODE_HELP)] = "full",
    size: Annotated[str, typer.Option("--size", help="WxH, or 'actual' for the device size.")] = "actual",
    json_out: JSON_OPTION = False,
) -> None:
    """Record the screen into an MP4 (the device's H.264, remuxed without re-encoding)."""
    cli = context.get(ctx)
    cli.info(f"recording {seconds:g} s ...")
    result = cli.services.screen.record(None, seconds, out, mode=mode, size=size)
    if json_out:
        context.emit_json(result.to_json())
    else:
        typer.echo(str(result.path))
        cli.info(f"{result.seconds:.1f} s, {result.frames} frames, {result.width}x{result.height}")


@screen_app.command("stream")
def stream(
    ctx: typer.Context,
    mode: Annotated[str, typer.Option("--mode", help=MODE_HELP)] = "",
    size: Annotated[str, typer.Option("--size", help="WxH, 'actual', or empty for the mode's scaled size.")] = "",
    seconds: Annotated[float, typer.Option("--seconds", help="Stop after this long (default: until Ctrl-C).")] = 0,
) -> None:
    """Write the live screen as raw H.264 (Annex-B) to stdout, e.g. `bt screen stream | ffplay -`."""
    from bt_core.errors import UsageError

    if sys.stdout.isatty():
        raise UsageError(
            "stdout is a terminal: pipe the H.264 into a player (bt screen stream | ffplay -) or redirect it to a file"
        )
    cli = context.get(ctx)
    out = sys.stdout.buffer

    def sink(chunk: bytes) -> None:
        out.write(chunk)
        out.flush()

    live = cli.services.screen.open_stream(None, mode or None, size=size or None, raw_sink=sink, decode=False)
    deadline = time.monotonic() + seconds if seconds > 0 else None
    asked = live.config.size  # what was asked for
    try:
        while live.running and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.1)
            if live.size != asked:  # the device's encoder refused the size: say what is streamed instead
                asked = live.size
                cli.info(f"the device's encoder refused that size; streaming at {asked[0]}x{asked[1]}")
    finally:
        live.close()
    if live.error is not None:
        raise live.error  # the device's words, with the exit code of a device refusal


@screen_app.command("pause")
def pause(ctx: typer.Context, json_out: JSON_OPTION = False) -> None:
    """Pause screen sharing for privacy (e.g. while the customer types a password)."""
    cli = context.get(ctx)
    record = cli.services.screen.pause(None)
    if json_out:
        context.emit_json({"session": record.id, "paused": record.paused})
    else:
        cli.info("screen sharing paused: nothing is captured until 'bt screen resume'")


@screen_app.command("resume")
def resume(ctx: typer.Context, json_out: JSON_OPTION = False) -> None:
    """Resume screen sharing after a privacy pause."""
    cli = context.get(ctx)
    record = cli.services.screen.resume(None)
    if json_out:
        context.emit_json({"session": record.id, "paused": record.paused})
    else:
        cli.info("screen sharing resumed")


@screen_app.command("grant")
def grant(
    ctx: typer.Context,
    level: Annotated[Grant, typer.Argument(click_type=choice_of(Grant), help="The access to set (view-only too).")],
    json_out: JSON_OPTION = False,
) -> None:
    """Set the session's screen grant yourself (lab use; customers grant through the customer page)."""
    cli = context.get(ctx)
    outcome = cli.services.grants.set(None, level)
    if json_out:
        context.emit_json({"session": outcome.record.id, "grant": outcome.record.grant})
    else:
        cli.info(outcome.event.text)


@screen_app.command("request")
def request(
    ctx: typer.Context,
    level: Annotated[
        Grant, typer.Argument(click_type=choice_of(Grant, Grant.VIEW, Grant.CONTROL), help="The access to ask for.")
    ],
    json_out: JSON_OPTION = False,
) -> None:
    """Ask the customer for view-only access or full control."""
    cli = context.get(ctx)
    outcome = cli.services.grants.request(None, level)
    if json_out:
        context.emit_json({"session": outcome.record.id, "requested": level, "grant": outcome.record.grant})
    else:
        cli.info(outcome.event.text)
