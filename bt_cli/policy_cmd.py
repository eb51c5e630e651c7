"""`bt policy show`: what the administrator allows, and from which file."""

from __future__ import annotations

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION

policy_app = typer.Typer(help="The administrator's policy (BT_POLICY).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(policy_app, name="policy")


@policy_app.command("show")
def show(ctx: typer.Context, json_out: JSON_OPTION = False) -> None:
    """Show the policy in force."""
    cli = context.get(ctx)
    policy = cli.services.policy
    if json_out:
        context.emit_json(policy.to_json())
        return
    from rich.table import Table

    from bt_core.policy import ACTIONS, DESCRIPTIONS

    path = cli.settings.resolved_policy_path()
    source = str(policy.source) if policy.source else f"built-in defaults ({path} absent)"
    cli.console.print(f"Policy: {source}", markup=False)
    table = Table(box=None, pad_edge=False)
    table.add_column("ACTION")
    table.add_column("ALLOWED")
    table.add_column("MEANING")
    for action in ACTIONS:
        table.add_row(action, "yes" if policy.allows(action) else "NO", DESCRIPTIONS[action])
    cli.console.print(table, markup=False)
    cli.console.print("Device folders: " + ", ".join(policy.remote_paths), markup=False)
    cli.console.print("Local folders:  " + ", ".join(str(p) for p in policy.local_paths), markup=False)
