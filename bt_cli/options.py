"""Options shared by many commands, and the click type for bt's closed sets of values (bt_core.models)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import click
import typer

from bt_core.errors import UsageError

JSON_OPTION = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout (for scripts).")]
SESSION_ARG = Annotated[str | None, typer.Argument(help="Session id (default: the current session).")]
YES_OPTION = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


class DomainChoice(click.Choice[str]):
    """A `--help` that lists the choices, completion of them, and the spellings the core accepts
    (`Choice.parse`: `in-progress` for `in_progress`, `view-only` for `view`). A wrong value is bt's own
    one-line usage error (exit 2), not click's usage screen."""

    def __init__(self, enum: Any, only: tuple[StrEnum, ...] = ()) -> None:
        super().__init__([member.value for member in (only or enum)])
        self.enum = enum

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            member = self.enum.parse(str(value))
        except ValueError:
            member = None
        if member is None or member.value not in self.choices:
            raise UsageError(f"{_name(param)} must be one of {', '.join(map(str, self.choices))}, not {value!r}")
        return member


def choice_of(enum: Any, *only: StrEnum) -> DomainChoice:
    """The click type for a `bt_core.models.Choice` enum, optionally limited to some members."""
    return DomainChoice(enum, only)


def _name(param: click.Parameter | None) -> str:
    """`--priority` for an option, `LEVEL` for an argument."""
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return (param.name or "the value").upper() if param is not None else "the value"
