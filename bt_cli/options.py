"""Options shared by many commands."""

from __future__ import annotations

from typing import Annotated

import typer

JSON_OPTION = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout (for scripts).")]
SESSION_ARG = Annotated[str | None, typer.Argument(help="Session id (default: the current session).")]
YES_OPTION = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
