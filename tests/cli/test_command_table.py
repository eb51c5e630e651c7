"""The static command table (what `bt --help` shows without importing anything) matches the commands
each module really registers, and running one command imports only its own module."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import typer

from bt_cli.command_table import COMMANDS
from bt_cli.main import COMMAND_MODULES, full_command


def _registered(module: str) -> dict[str, str]:
    sub = typer.Typer()
    importlib.import_module(f"bt_cli.{module}").register(sub)
    return {name: cmd.get_short_help_str(10**6) for name, cmd in typer.main.get_group(sub).commands.items()}


def test_every_module_is_in_the_table_with_its_real_commands_and_help():
    for module in COMMAND_MODULES:
        real = _registered(module)
        listed = {name: entry.help for name, entry in COMMANDS.items() if entry.module == module}
        assert real, f"bt_cli.{module} registers no command"
        assert listed == real, f"bt_cli/command_table.py is out of date for bt_cli.{module}"


def test_the_table_names_only_modules_bt_loads():
    assert {entry.module for entry in COMMANDS.values()} <= set(COMMAND_MODULES)


def test_the_full_group_has_every_command():
    assert set(full_command().commands) == set(COMMANDS)


def _after(argv: list[str]) -> tuple[str, set[str]]:
    probe = (
        "import io, contextlib, sys, json\nfrom bt_cli.main import run\nbuf = io.StringIO()\n"
        f"with contextlib.redirect_stdout(buf):\n    run({argv!r})\n"
        "print(json.dumps([buf.getvalue(), sorted(m for m in sys.modules if m.startswith('bt_cli.'))]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    text, modules = json.loads(out.strip().splitlines()[-1])
    return text, set(modules)


def test_help_lists_every_command_without_importing_any_command_module():
    text, loaded = _after(["--help"])
    for name, entry in COMMANDS.items():
        assert f"  {name} " in text, name
        assert f"bt_cli.{entry.module}" not in loaded
    assert "Browse device files; push and pull" in text


def test_a_command_imports_only_its_own_module():
    text, loaded = _after(["files", "--help"])
    assert "push" in text and "bt_cli.files" in loaded
    assert not {f"bt_cli.{m}" for m in COMMAND_MODULES if m != "files"} & loaded
