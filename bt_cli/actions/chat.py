"""`bt chat send`: a message to the device user (see bt_cli/actions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bt_cli import context

if TYPE_CHECKING:
    from bt_cli.context import CliContext


def send(cli: CliContext, text: str, canned: str, no_spellcheck: bool, session: str, json_out: bool) -> None:
    result = cli.services.chat.send(session or None, text or None, canned=canned or None, spellcheck=not no_spellcheck)
    for miss in result.misspellings:
        hint = f"; did you mean {', '.join(miss['suggestions'])}?" if miss["suggestions"] else ""
        cli.warn(f"{miss['word']!r} may be misspelled{hint} (bt chat ignore {miss['word']} to accept it)")
    if result.note:
        cli.warn(result.note)
    if json_out:
        context.emit_json(result.to_json())
    elif result.kind == "url":
        cli.info(f"opened {result.url} on the device")
    else:
        cli.info("sent to the device")
