"""`bt virtual-device`: run the virtual Android device in the foreground."""

from __future__ import annotations

from typing import NoReturn

import typer


def register(app: typer.Typer) -> None:
    app.command(
        "virtual-device",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
        add_help_option=False,
    )(virtual_device)


def virtual_device(ctx: typer.Context) -> None:
    """Run a virtual Android device (Pixel 8, Android 14) that `adb connect` reaches.

    Options: --port PORT, --host HOST, --profile android-6|android-9|android-12|android-14|android-15 (or a
    profile DIR), --data-dir DIR, --keep-state, --latency-ms N,
    --bandwidth-mbps N, --auth, --auth-accept-after SECONDS|never. Ctrl-C stops it.
    """
    from virtual_device.__main__ import build_parser, main

    parser = build_parser()
    parser.error = _usage_error  # type: ignore[method-assign]  # one line and exit 2, like every bt command
    parser.parse_args(list(ctx.args))
    raise typer.Exit(main(list(ctx.args)))


def _usage_error(message: str) -> NoReturn:
    from bt_core.errors import UsageError

    raise UsageError(f"virtual-device: {message}")
