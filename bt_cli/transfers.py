"""`bt transfers list|show|start|cancel|clear|clean`: the transfer manager."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bt_cli import context
from bt_cli.files import PROGRESS_OPTION
from bt_cli.options import JSON_OPTION
from bt_cli.transfer_ui import TransferUi, one_shot_gc, report_transfers
from bt_core.sanitize import for_terminal

if TYPE_CHECKING:
    from bt_core.transfers import TransferManager

transfers_app = typer.Typer(
    help="The transfer manager: list, show details, start queued, cancel, clear, clean staging leftovers.",
    no_args_is_help=True,
)
ID_ARG = Annotated[int, typer.Argument(help="Transfer id (see 'bt transfers list').")]


def register(app: typer.Typer) -> None:
    app.add_typer(transfers_app, name="transfers")


def _manager(ctx: typer.Context) -> TransferManager:
    return context.get(ctx).services.transfers


@transfers_app.command("list")
def list_transfers(
    ctx: typer.Context,
    all_sessions: Annotated[
        bool, typer.Option("--all", help="Every session's transfers, not only the current.")
    ] = False,
    json_out: JSON_OPTION = False,
) -> None:
    """List transfers: id, direction, state, bytes, files, origin and destination."""
    from bt_core.models import iso
    from bt_core.units import human_size

    cli = context.get(ctx)
    transfers = _manager(ctx).list(None, all_sessions=all_sessions)
    if json_out:
        context.emit_json([t.to_json() for t in transfers])
        return
    if not transfers:
        cli.info("no transfers")
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for column in ("ID", "DIR", "STATE", "BYTES", "FILES", "CREATED", "ORIGIN", "DESTINATION", "ERROR"):
        table.add_column(column)
    for t in transfers:
        table.add_row(
            str(t.id),
            t.direction,
            t.state,
            f"{human_size(t.bytes_done)}/{human_size(t.bytes_total)}",
            f"{t.files_done}/{t.files_total}",
            iso(t.created_at) or "",
            for_terminal(t.origin, one_line=True),
            for_terminal(t.destination, one_line=True),
            for_terminal(t.error or "", one_line=True),
        )
    cli.console.print(table, markup=False, highlight=False)


@transfers_app.command("show")
def show(ctx: typer.Context, transfer_id: ID_ARG, json_out: JSON_OPTION = False) -> None:
    """Details of one transfer: times, origin, destination, bytes, state, error."""
    cli = context.get(ctx)
    t = _manager(ctx).show(transfer_id)
    if json_out:
        context.emit_json(t.to_json())
        return
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for key, value in t.to_json().items():
        table.add_row(key.replace("_", " "), "" if value is None else for_terminal(str(value), one_line=True))
    cli.console.print(table, markup=False, highlight=False)


@transfers_app.command("start")
def start(
    ctx: typer.Context,
    transfer_id: Annotated[int | None, typer.Argument(help="Transfer id (default: every queued one).")] = None,
    json_out: JSON_OPTION = False,
    progress: PROGRESS_OPTION = False,
) -> None:
    """Start a queued transfer, or all queued transfers of the session in order."""
    cli = context.get(ctx)
    one_shot_gc()
    with TransferUi(cli, json_out=json_out, json_progress=progress) as ui:
        transfers = _manager(ctx).start(None, transfer_id, **ui.callbacks())
    if not transfers and not json_out:
        cli.info("no queued transfers")
    report_transfers(cli, transfers, json_out=json_out, json_lines=json_out and progress)


@transfers_app.command("cancel")
def cancel(ctx: typer.Context, transfer_id: ID_ARG, json_out: JSON_OPTION = False) -> None:
    """Cancel a queued transfer, or stop a running one (even in another process)."""
    cli = context.get(ctx)
    t = _manager(ctx).cancel(transfer_id)
    if json_out:
        context.emit_json(t.to_json())
    elif t.state == "cancelled":
        cli.info(f"transfer {t.id} cancelled")
    else:
        cli.info(f"transfer {t.id} is stopping (nothing is left under the final name)")


@transfers_app.command("clear")
def clear(
    ctx: typer.Context,
    all_sessions: Annotated[bool, typer.Option("--all", help="Every session's finished transfers.")] = False,
    json_out: JSON_OPTION = False,
) -> None:
    """Forget finished transfers (done, skipped, failed, cancelled); the transcript keeps their events."""
    cli = context.get(ctx)
    count = _manager(ctx).clear(None, all_sessions=all_sessions)
    if json_out:
        context.emit_json({"cleared": count})
    else:
        cli.info(f"cleared {count} finished transfer{'s' if count != 1 else ''}")


@transfers_app.command("clean")
def clean(ctx: typer.Context, json_out: JSON_OPTION = False) -> None:
    """Remove staging files (.bt-*.part) that killed transfers left, on the device and here."""
    cli = context.get(ctx)
    result = _manager(ctx).clean(None)
    if json_out:
        context.emit_json(result.to_json())
        return
    for path in result.device:
        cli.info(f"removed {path} on the device")
    for path in result.local:
        cli.info(f"removed {path}")
    count = len(result.device) + len(result.local)
    cli.info(f"removed {count} staging leftover{'s' if count != 1 else ''}")
