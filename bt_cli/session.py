"""`bt session start|show|list|use|join|transfer|end|host-status`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION, SESSION_ARG, choice_of
from bt_core.models import Priority, SessionStatus

if TYPE_CHECKING:
    from bt_core.host import HostStatus

session_app = typer.Typer(
    help="Support sessions: start, show the info panel, list, switch, join, end.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(session_app, name="session")


def _session_id(ctx: typer.Context, given: str | None) -> str | None:
    return given or context.get(ctx).settings.session or None


@session_app.command("start")
def start(
    ctx: typer.Context,
    device: Annotated[str, typer.Option("--device", "-d", help="Device serial (default: the only device).")] = "",
    customer: Annotated[str, typer.Option(help="Customer name.")] = "",
    issue: Annotated[str, typer.Option(help="The support issue, in the customer's words.")] = "",
    priority: Annotated[Priority, typer.Option(click_type=choice_of(Priority), help="How urgent.")] = Priority.MEDIUM,
    queue: Annotated[str, typer.Option(help="Queue the session enters.")] = "general",
    skill: Annotated[list[str], typer.Option("--skill", help="Required skill (repeatable).")] = [],  # noqa: B006
    attr: Annotated[list[str], typer.Option("--attr", help="Custom attribute KEY=VALUE (repeatable).")] = [],  # noqa: B006
    external_key: Annotated[str, typer.Option(help="A key from your ticketing system.")] = "",
    no_join: Annotated[bool, typer.Option("--no-join", help="Leave it Waiting in the queue for a technician.")] = False,
    shared: Annotated[
        bool, typer.Option("--shared", help="Allow it beside another open session on the same device.")
    ] = False,
    json_out: JSON_OPTION = False,
) -> None:
    """Start a session on a device; it becomes your current session and its host starts."""
    cli = context.get(ctx)
    record = cli.services.sessions.start(
        device or cli.settings.device or None,
        customer=customer or None,
        issue=issue or None,
        priority=priority,
        queue=queue,
        skills=skill,
        attributes=attr,
        external_key=external_key or None,
        join=not no_join,
        shared=shared,
    )
    if json_out:
        from bt_core.info_panel import info_json

        context.emit_json(info_json(record))
    else:
        cli.console.print(record.id, markup=False, highlight=False)
        where = record.computer_name or record.serial
        cli.info(f"session {record.id} started on {where}; it is now your current session")
    _warn_without_host(cli, record.id)


def _warn_without_host(cli: context.CliContext, session_id: str) -> None:
    from bt_core.host.control import enabled, log_path

    if enabled() and not cli.services.host.status(session_id).running:
        cli.warn(f"the session host did not start (no indicator, page or presence): see {log_path(session_id)}")


@session_app.command("show")
def show(
    ctx: typer.Context,
    session_id: SESSION_ARG = None,
    json_out: JSON_OPTION = False,
    copy: Annotated[bool, typer.Option("--copy", help="Copy the whole info panel to the clipboard.")] = False,
) -> None:
    """Show the session info panel."""
    from bt_core.info_panel import info_json, info_rows, info_text

    cli = context.get(ctx)
    record = cli.services.sessions.resolve(_session_id(ctx, session_id))
    if copy:
        from bt_cli.clipboard import copy as copy_text

        how = copy_text(info_text(record))
        cli.info(f"copied the info panel ({how})")
    host = cli.services.host.status(record.id)
    if json_out:
        context.emit_json({**info_json(record), "host": _host_summary(host)})
        return
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for label, value in info_rows(record):
        table.add_row(label, value)
    table.add_row("Session host", _host_line(host, record.ended))
    cli.console.print(table, markup=False)


def _host_summary(host: HostStatus) -> dict[str, object]:
    return {"running": host.running, "pid": host.pid, "heartbeat_age_s": host.heartbeat_age_s}


def _host_line(host: HostStatus, ended: bool) -> str:
    if host.running:
        return f"running (pid {host.pid}, heartbeat {host.heartbeat_age_s} s ago)"
    return "stopped (the session has ended)" if ended else "not running (any bt command on the session restarts it)"


@session_app.command("host-status")
def host_status(ctx: typer.Context, session_id: SESSION_ARG = None, json_out: JSON_OPTION = False) -> None:
    """Show the session host: its process, heartbeat, the customer page mapping and the indicator."""
    from bt_core.sanitize import for_terminal

    cli = context.get(ctx)
    status = cli.services.host.status(_session_id(ctx, session_id))
    if json_out:
        data = status.to_json()
        data["state"] = {k: v for k, v in data["state"].items() if k != "token"}
        context.emit_json(data)
        return
    from rich.table import Table

    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    present = {True: "present", False: "absent", None: "unknown"}[status.device_present]
    mapping = status.mapping or "-"
    if status.mapping_error:
        mapping += f" ({status.mapping_error})"
    indicator = status.indicator or "-"
    if status.indicator_error:
        indicator += f" ({status.indicator_error})"
    rows = [
        ("Session", status.session_id),
        ("Host", "running" if status.running else "not running"),
        ("PID", f"{status.pid} on {status.hostname}" if status.pid else "-"),
        ("Heartbeat", f"{status.heartbeat_age_s} s ago" if status.heartbeat_age_s is not None else "-"),
        ("Device", present),
        ("Customer page", f"{status.page_url or '-'} (this computer: 127.0.0.1:{status.page_port})"),
        ("Page mapping", mapping),
        ("Pages open", str(status.page_connected)),
        ("Indicator", indicator),
    ]
    for label, value in rows:
        table.add_row(label, for_terminal(value))
    cli.console.print(table, markup=False)
    if status.mapping == "failed":
        cli.warn(f"the customer page is not reachable on the device: {status.mapping_error}")


@session_app.command("list")
def list_sessions(
    ctx: typer.Context,
    status: Annotated[
        SessionStatus | None,
        typer.Option(click_type=choice_of(SessionStatus), help="Only sessions in this status (in-progress too)."),
    ] = None,
    json_out: JSON_OPTION = False,
) -> None:
    """List sessions (the queue), oldest first."""
    from bt_core.info_panel import STATUS_LABELS, human_duration, info_json, time_in_system

    cli = context.get(ctx)
    records = cli.services.sessions.list(status or None)
    if json_out:
        context.emit_json([info_json(r) for r in records])
        return
    if not records:
        cli.info("no sessions")
        return
    from rich.table import Table

    current = cli.services.sessions.current_id()
    table = Table(box=None, pad_edge=False)
    for column in ("", "ID", "STATUS", "PRIORITY", "CUSTOMER", "DEVICE", "QUEUE", "TIME IN SYSTEM", "SKILLS"):
        table.add_column(column)
    for r in records:
        table.add_row(
            "*" if r.id == current else "",
            r.id,
            STATUS_LABELS[r.status],
            r.priority,
            r.customer or "-",
            r.computer_name or r.serial,
            r.queue,
            human_duration(time_in_system(r)),
            ", ".join(r.skills) or "-",
        )
    cli.console.print(table, markup=False)


@session_app.command("use")
def use(
    ctx: typer.Context,
    session_id: Annotated[str, typer.Argument(help="Session id (a unique prefix is enough).")],
    json_out: JSON_OPTION = False,
) -> None:
    """Make a session your current one."""
    cli = context.get(ctx)
    record = cli.services.sessions.use(session_id)
    if json_out:
        context.emit_json({"current_session": record.id})
    else:
        cli.info(f"current session: {record.id}")


@session_app.command("join")
def join(ctx: typer.Context, session_id: SESSION_ARG = None, json_out: JSON_OPTION = False) -> None:
    """Join a session (a waiting one becomes In Progress); it becomes your current one."""
    cli = context.get(ctx)
    record = cli.services.sessions.join(_session_id(ctx, session_id))
    if json_out:
        from bt_core.info_panel import info_json

        context.emit_json(info_json(record))
    else:
        cli.info(f"joined session {record.id}")


@session_app.command("transfer")
def transfer(
    ctx: typer.Context,
    session_id: SESSION_ARG = None,
    to: Annotated[str, typer.Option("--to", help="The technician who takes the session over.")] = "",
    json_out: JSON_OPTION = False,
) -> None:
    """Hand the session over to another technician (they read its notes and transcript)."""
    cli = context.get(ctx)
    record = cli.services.sessions.transfer(_session_id(ctx, session_id), to)
    if json_out:
        from bt_core.info_panel import info_json

        context.emit_json(info_json(record))
    else:
        cli.info(f"session {record.id} transferred to {record.technician}")


@session_app.command("end")
def end(ctx: typer.Context, session_id: SESSION_ARG = None, json_out: JSON_OPTION = False) -> None:
    """End the session: the device user is told, and device actions on it stop."""
    cli = context.get(ctx)
    outcome = cli.services.sessions.end(_session_id(ctx, session_id))
    if json_out:
        from bt_core.info_panel import info_json

        context.emit_json({**info_json(outcome.record), "device_notified": outcome.event.data.get("device_notified")})
    else:
        cli.info(outcome.event.text)
