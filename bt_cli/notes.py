"""`bt notes add|list`: private notes on a session, shared with the technicians on the same store."""

from __future__ import annotations

from typing import Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

notes_app = typer.Typer(help="Private notes on a session (never shown on the device).", no_args_is_help=True)

SESSION_OPTION = Annotated[str, typer.Option("--session", help="Session id (default: the current session).")]


def register(app: typer.Typer) -> None:
    app.add_typer(notes_app, name="notes")


@notes_app.command("add")
def add(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="The note (during or after the session).")],
    session: SESSION_OPTION = "",
    json_out: JSON_OPTION = False,
) -> None:
    """Add a private note; colleagues who join or take over the session read it."""
    cli = context.get(ctx)
    note = cli.services.notes.add(session or None, text)
    if json_out:
        context.emit_json(note.to_json())
    else:
        cli.info(f"note {note.id} added to session {note.session_id}")


@notes_app.command("list")
def list_notes(ctx: typer.Context, session: SESSION_OPTION = "", json_out: JSON_OPTION = False) -> None:
    """The session's notes, oldest first, with author and time."""
    cli = context.get(ctx)
    notes = cli.services.notes.list(session or None)
    if json_out:
        context.emit_json([n.to_json() for n in notes])
        return
    if not notes:
        cli.info("no notes")
        return
    from rich.text import Text

    for note in notes:
        line = Text()
        line.append(note.at.astimezone().strftime("%Y-%m-%d %H:%M"), style="dim")
        line.append(f" {note.author}", style="bold")
        line.append(": ")
        line.append(note.text)
        cli.console.print(line, markup=False, highlight=False)
