"""The root `bt` group, which imports only the module of the command being run.

Importing every command module (and letting Typer build every command) cost tens of milliseconds on
each run, for commands the run never touches. The names, their modules and their short help live in
a static table (bt_cli/command_table.py); a module is imported, and its commands built, only when one
of its commands is looked up. `bt --help` draws its command list from the table alone.
"""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from typing import Any, ClassVar

import click
import typer
from typer.core import TyperGroup

from bt_cli.command_table import COMMANDS


class LazyGroup(TyperGroup):
    """A TyperGroup whose commands come from `COMMANDS`, built on first use.

    `modules` (set by `bt_cli.main`) lists every command module; one missing from the table is loaded
    eagerly, so a command can be slow but never silently absent.
    """

    modules: ClassVar[tuple[str, ...]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._loaded: set[str] = set()
        self._eager_done = False

    def _load_module(self, module: str) -> None:
        if module in self._loaded:
            return
        self._loaded.add(module)
        sub = typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False)
        importlib.import_module(f"bt_cli.{module}").register(sub)
        group = typer.main.get_group(sub)
        for name, command in group.commands.items():
            self.commands.setdefault(name, command)

    def _load_unlisted(self) -> None:
        if self._eager_done:
            return
        self._eager_done = True
        listed = {entry.module for entry in COMMANDS.values()}
        for module in self.modules:
            if module not in listed:
                self._load_module(module)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_unlisted()
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is not None:
            self._load_module(entry.module)
        else:
            self._load_unlisted()
        return self.commands.get(cmd_name)

    def load_all(self) -> None:
        """Build every command (man pages, tests): `self.commands` then holds all of them."""
        self._load_unlisted()
        for entry in COMMANDS.values():
            self._load_module(entry.module)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the table: no command module is imported for `bt --help`."""
        self._load_unlisted()
        rows = [(name, entry.help) for name, entry in COMMANDS.items()]
        rows += [
            (name, command.get_short_help_str(10**6))
            for name, command in self.commands.items()
            if name not in COMMANDS and not command.hidden
        ]
        if not rows:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in rows)
        with formatter.section("Commands"):
            formatter.write_dl([(name, _short(text, limit)) for name, text in rows])

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a reader that stopped reading (`bt log | head -1`) is not a failure. Click
        would turn the broken pipe into exit 1 before bt's own handler sees it."""
        from bt_cli.outcome import PipeClosed

        try:
            return super().invoke(ctx)
        except BrokenPipeError as error:
            raise PipeClosed from error

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return click.Group.resolve_command(self, ctx, args)
        except click.UsageError as error:
            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if not matches:
                raise
            hint = ", ".join(repr(m) for m in matches)
            raise click.UsageError(f"{error.message.rstrip('.')}. Did you mean {hint}?", error.ctx) from None


def _short(text: str, limit: int) -> str:
    """Click's own shortening (a throwaway command, since Click deprecates the public helper)."""
    return click.Command(None, help=text).get_short_help_str(limit)


def root_group(modules: tuple[str, ...]) -> type[LazyGroup]:
    """A LazyGroup class that knows the command modules (Typer instantiates the class itself)."""
    return type("BtGroup", (LazyGroup,), {"modules": tuple(modules)})
