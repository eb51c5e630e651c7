"""What every command gets: settings, services, the consoles and the output mode, on `ctx.obj`."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterable

    import typer
    from rich.console import Console

    from bt_core.services import Services
    from bt_core.settings import Settings


@dataclass
class CliContext:
    flags: dict[str, Any] = field(default_factory=dict)
    verbose: int = 0
    quiet: int = 0
    color: bool | None = None
    _settings: Settings | None = None
    _services: Services | None = None
    _console: Console | None = None
    _err_console: Console | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from bt_core.settings import load_settings

            self._settings = load_settings(**self.flags)
        return self._settings

    @property
    def services(self) -> Services:
        if self._services is None:
            from bt_core.services import Services

            self._services = Services(self.settings)
        return self._services

    @property
    def console(self) -> Console:
        if self._console is None:
            self._console = safe_console(no_color=self.color is False or None, force_terminal=self.color or None)
        return self._console

    @property
    def err(self) -> Console:
        if self._err_console is None:
            self._err_console = safe_console(stderr=True, no_color=self.color is False or None)
        return self._err_console

    def info(self, message: str) -> None:
        """A line for people on stderr (never stdout, which is data)."""
        if not self.quiet:
            _write_line(sys.stderr, message)

    def warn(self, message: str) -> None:
        _write_line(sys.stderr, f"bt: warning: {message}", sgr="33" if self.colour_on(sys.stderr) else "")

    def line(self, text: str) -> None:
        """One line of data on stdout, as it is: no wrapping at 80 columns on a pipe, no Rich to import
        (a plain listing is most of what a script reads). Device text in it is `for_terminal`ed by the
        caller; control characters that slip through are escaped here, like the consoles do."""
        _write_line(sys.stdout, text)

    def err_is_terminal(self) -> bool:
        """Whether stderr is a terminal, decided as Rich decides it (TTY_COMPATIBLE, FORCE_COLOR, then
        isatty), without building a Rich console: a transfer into a pipe never imports Rich."""
        compatible = os.environ.get("TTY_COMPATIBLE", "")
        if compatible in ("0", "1"):
            return compatible == "1"
        force = os.environ.get("FORCE_COLOR")
        if force is not None:
            return force != ""
        try:
            return sys.stderr.isatty()
        except (AttributeError, ValueError):
            return False

    def colour_on(self, stream: TextIO) -> bool:
        """Colour as Rich decides it: --color/--no-color, then NO_COLOR, FORCE_COLOR, then a terminal."""
        if self.color is not None:
            return self.color
        if os.environ.get("NO_COLOR"):
            return False
        if os.environ.get("FORCE_COLOR"):
            return True
        return stream.isatty() and os.environ.get("TERM") != "dumb"

    def close(self) -> None:
        if self._services is not None:
            self._services.close()


def from_root_options(
    device: str, adb_server: list[str], session: str, color: bool | None, verbose: int, quiet: int
) -> CliContext:
    """The context the global options describe (`bt --device ... --adb-server a,b ...`): one place for
    the Click root callback and the fast lane. --adb-server is repeatable and each value may list
    several servers separated by commas."""
    servers = [s for item in adb_server for s in item.split(",") if s.strip()]
    return CliContext(
        flags={"device": device, "adb_servers": servers, "session": session}, verbose=verbose, quiet=quiet, color=color
    )


def _write_line(stream: TextIO, text: str, *, sgr: str = "") -> None:
    from bt_core.sanitize import escape_controls, is_clean

    if not is_clean(text):
        text = escape_controls(text)
    stream.write(f"\x1b[{sgr}m{text}\x1b[0m\n" if sgr else f"{text}\n")


def safe_console(**options: Any) -> Console:
    """A Rich console whose printed text goes through `bt_core.sanitize.escape_controls`, the safety net.

    Every table, line and progress bar the CLI prints passes here, and device or customer text (file
    names, notes, process names, messages) can carry escape sequences. Sanitising the text segments
    just before Rich adds its own styling keeps bt's colours and cursor control working while no foreign
    ESC, OSC 52 or CSI 2J reaches the terminal. Device text is rendered with `for_terminal` where it is
    put in a line or a table (unambiguous); this net only catches raw control characters it missed.
    """
    from rich.console import Console
    from rich.segment import Segment

    from bt_core.sanitize import escape_controls, is_clean

    class SafeConsole(Console):
        def on_broken_pipe(self) -> None:
            """Rich would exit 1; a reader that stopped reading is bt's broken pipe (exit 0)."""
            self.quiet = True
            raise BrokenPipeError

        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            return super()._render_buffer(
                segment
                if segment.control or is_clean(segment.text)
                else Segment(escape_controls(segment.text), segment.style, segment.control)
                for segment in buffer
            )

    return SafeConsole(**options)


def get(ctx: typer.Context) -> CliContext:
    obj = ctx.find_root().obj
    if not isinstance(obj, CliContext):
        obj = CliContext()
        ctx.find_root().obj = obj
    return obj


def emit_json(value: Any) -> None:
    """Exactly one JSON document on stdout; device and customer text in it cannot drive a terminal
    (`json_safe`: C1 controls and the like written as \\uXXXX escapes, the data unchanged)."""
    import json  # deferred, like everything a command may not need: `bt --help` never writes JSON

    from bt_core.sanitize import json_safe

    sys.stdout.write(json_safe(json.dumps(value, ensure_ascii=False, indent=2, default=str)) + "\n")
    sys.stdout.flush()


def emit_document(text: str, *, is_json: bool = False) -> None:
    """A whole document (report, transcript export) on stdout. A terminal gets device and customer text
    in it made inert (`for_terminal`); a file or a pipe gets the bytes as they are. JSON is always
    `json_safe` (the same data, valid JSON)."""
    from bt_core.sanitize import for_terminal, json_safe

    if is_json:
        text = json_safe(text)
    elif sys.stdout.isatty():
        text = for_terminal(text)
    sys.stdout.write(text)
    sys.stdout.flush()


def emit_json_line(value: Any) -> None:
    """One JSON line on stdout (streams), made inert like `emit_json`."""
    import json

    from bt_core.sanitize import json_safe

    sys.stdout.write(json_safe(json.dumps(value, ensure_ascii=False, default=str)) + "\n")
    sys.stdout.flush()
