"""`bt tui`: the terminal console (Textual), on the same services as every other command."""

from __future__ import annotations

from typing import Annotated

import typer

from bt_cli import context


def register(app: typer.Typer) -> None:
    app.command("tui")(tui)


def tui(
    ctx: typer.Context,
    device: Annotated[str, typer.Option("--device", "-d", help="Start a session on this device straight away.")] = "",
    session: Annotated[str, typer.Option("--session", "-s", help="Open (and join) this session.")] = "",
) -> None:
    """Open the terminal console: the queue, then a window per session (chat, screen, files, system info)."""
    launch(context.get(ctx), session_id=session or None, device=device or None)


def launch(cli: context.CliContext, session_id: str | None = None, device: str | None = None) -> None:
    """Run the app until the technician quits (also used by `bt demo --tui`)."""
    import bt_tui.panes.screen  # noqa: F401 - textual-image asks the terminal what it can draw; only before Textual starts
    from bt_tui.app import make_app  # Textual loads only when the console opens

    make_app(cli.services, session_id=session_id, device=device).run()
