"""Every command a script may call has --json; the few that cannot (a terminal UI, a raw video stream,
a foreground server with its own flags) are named here with the reason."""

from __future__ import annotations

import click

from bt_cli.main import full_command

NO_JSON = {
    "tui": "a full-screen terminal UI",
    "screen stream": "writes raw H.264 to stdout for other tools",
    "virtual-device": "a foreground server; its own flags are passed through",
}


def _leaves(command: click.Command, path: list[str]):
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _leaves(sub, [*path, name])
    else:
        yield " ".join(path), command


def test_every_command_has_json():
    missing = [
        name
        for name, command in _leaves(full_command(), [])
        if name not in NO_JSON and "--json" not in {o for p in command.params for o in getattr(p, "opts", [])}
    ]
    assert missing == []
