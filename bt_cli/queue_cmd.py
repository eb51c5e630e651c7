"""`bt queue next`: take the next Waiting session you have the skills for."""

from __future__ import annotations

from typing import Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

queue_app = typer.Typer(help="The session queue: take the next waiting session.")


def register(app: typer.Typer) -> None:
    app.add_typer(queue_app, name="queue")


@queue_app.command("next")
def next_session(
    ctx: typer.Context,
    skills: Annotated[
        list[str],
        typer.Option("--skills", envvar="BT_SKILLS", help="Your skills, comma-separated or repeated (BT_SKILLS)."),
    ] = [],  # noqa: B006 - typer needs a literal default
    queue: Annotated[str, typer.Option("--queue", help="Only this queue (default: every queue).")] = "",
    json_out: JSON_OPTION = False,
) -> None:
    """Take the highest-priority, oldest Waiting session whose required skills you have; it becomes current."""
    from bt_core.sanitize import for_terminal

    cli = context.get(ctx)
    chosen = [s.strip() for item in skills for s in item.split(",") if s.strip()]
    record = cli.services.queue.next(chosen, queue or None)
    if json_out:
        context.emit_json(record.to_json())
        return
    cli.console.print(record.id, markup=False, highlight=False)
    who = for_terminal(record.customer or "the customer", one_line=True)
    issue = for_terminal(record.issue or "no issue given", one_line=True)
    cli.info(f"took session {record.id} ({record.priority}, {record.queue}) for {who}: {issue}")
