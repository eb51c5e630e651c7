"""`bt claim` and `bt release`: hold a lab device for one job, in the shared store."""

from __future__ import annotations

from typing import Annotated

import typer

from bt_cli import context
from bt_cli.options import JSON_OPTION
from bt_core.sanitize import for_terminal

SERIAL_OPTION = Annotated[
    list[str], typer.Option("--serial", help="Only this device (repeatable).", show_default=False)
]
MODEL_OPTION = Annotated[str, typer.Option("--model", help="Only models matching this glob (Pixel*).")]
ANDROID_OPTION = Annotated[str, typer.Option("--android", help="Only Android versions MIN..MAX (12..14, 13.., ..9).")]


def register(app: typer.Typer) -> None:
    app.command("claim", context_settings={"allow_interspersed_args": False})(claim)
    app.command("release")(release)


def claim(
    ctx: typer.Context,
    command: Annotated[list[str] | None, typer.Argument(help="With --exec: the command to run (after --).")] = None,
    serial: SERIAL_OPTION = [],  # noqa: B006 - typer needs a literal default
    model: MODEL_OPTION = "",
    android: ANDROID_OPTION = "",
    wait: Annotated[float, typer.Option("--wait", help="Wait up to SECONDS for a device to be free.")] = 0.0,
    ttl: Annotated[
        float, typer.Option("--ttl", help="Seconds the claim lasts without a heartbeat (--exec heartbeats).")
    ] = 600.0,
    exec_: Annotated[
        bool,
        typer.Option(
            "--exec", help="Run the command with ANDROID_SERIAL and the adb server set, then release (its exit code)."
        ),
    ] = False,
    renew: Annotated[str, typer.Option("--renew", help="Heartbeat the claim with this token instead.")] = "",
    json_out: JSON_OPTION = False,
) -> None:
    """Claim a device no one else holds (atomic across hosts); prints it, or runs a command with it."""
    from bt_core.claims import Selector
    from bt_core.errors import UsageError

    cli = context.get(ctx)
    service = cli.services.claims
    if renew:
        _show(cli, service.renew(renew), json_out, "renewed")
        return
    if command and not exec_:
        raise UsageError(f"unexpected argument {command[0]!r}: to run a command use --exec -- CMD")
    if exec_ and not command:
        raise UsageError("--exec needs a command after '--' (for example: bt claim --exec -- pytest)")
    selector = Selector.build(serial, model, android)
    purpose = f"exec: {' '.join(command or [])}"[:200] if exec_ else "claim"
    held = service.claim(selector, wait=wait, ttl=ttl, purpose=purpose, on_wait=cli.info)
    if not exec_:
        _show(cli, held, json_out, "claimed")
        return
    cli.info(f"claimed {held.serial} on {held.adb_server}; running {' '.join(command or [])}")
    code = service.run(held, command or [], on_lost=lambda why: cli.warn(f"claim on {held.serial} lost: {why}"))
    cli.info(f"released {held.serial} (command exit code {code})")
    if json_out:
        context.emit_json({**held.to_json(), "exit_code": code, "released": True})
    raise typer.Exit(code)


def _show(cli: context.CliContext, held: object, json_out: bool, verb: str) -> None:
    from bt_core.claims import Claim
    from bt_core.models import iso
    from bt_core.sanitize import for_terminal

    assert isinstance(held, Claim)
    if json_out:
        context.emit_json(held.to_json())
        return
    until = iso(held.expires_at) or "released"
    cli.console.print(for_terminal(held.serial), markup=False, highlight=False)
    cli.info(f"{verb} {held.serial} on {held.adb_server} until {until}; token {held.token}")
    cli.info(f"release with: bt release --token {held.token}")


def release(
    ctx: typer.Context,
    token: Annotated[str, typer.Option("--token", help="The claim's token (printed by bt claim).")] = "",
    serial: Annotated[str, typer.Option("--serial", help="Your claim on this device.")] = "",
    all_: Annotated[bool, typer.Option("--all", help="Every claim you hold.")] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="With --serial: free the device whoever holds it (the policy must allow it)."),
    ] = False,
    json_out: JSON_OPTION = False,
) -> None:
    """Release a claim, so the device is free for others."""
    from bt_core.errors import NotFound

    cli = context.get(ctx)
    if force:
        was = cli.services.claims.force_release(serial)
        if was is None:
            raise NotFound(f"{serial} is not claimed by anyone ('bt fleet devices' shows who holds what)")
        if json_out:
            context.emit_json({"released": [was.serial], "forced": True, "was": was.to_json()})
            return
        cli.info(f"released {for_terminal(was.serial)}, which {for_terminal(was.holder)} held (forced)")
        return
    freed = cli.services.claims.release(token=token or None, serial=serial or None, everything=all_)
    if json_out:
        context.emit_json({"released": freed})
        return
    if not freed and not all_:
        raise NotFound("no matching claim held ('bt fleet devices' shows who holds what)")
    if not freed:
        cli.info("you hold no claims")
    for item in freed:
        cli.info(f"released {item}")
