"""The `bt` executable's entry point: `bt --help` answered before Click and Typer are imported.

Importing Click and Typer is most of what `bt --help` used to cost. The root help text does not change
between runs, so `scripts/gen_man.py` renders it once with Click itself into `root_help.txt`, and this
module prints that file when the arguments ask for nothing else and the terminal is wide enough for
Click to have drawn exactly that text (Click wraps at min(columns, 80) - 2). Any other invocation, a
narrower terminal or shell completion goes through the real CLI. tests/cli/test_root_help.py checks the
file against Click's rendering and the fast answer against the slow one.
"""

from __future__ import annotations

import os
import sys

HELP_FILE = "root_help.txt"
#: The width Click wraps the root help at on a terminal of 80 columns or more (and on a pipe).
HELP_WIDTH = 78
_HELP_ARGS: tuple[list[str], ...] = (["--help"], ["-h"], [])


def _columns() -> int:
    """The terminal width as `shutil.get_terminal_size` reports it (COLUMNS, then stdout, then 80),
    without importing shutil."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns if sys.__stdout__ else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def fast_help(args: list[str]) -> int | None:
    """Print the root help and return the exit code, or None when the real CLI must answer."""
    if args not in _HELP_ARGS or "_BT_COMPLETE" in os.environ:
        return None
    if max(min(_columns(), 80) - 2, 50) != HELP_WIDTH:
        return None
    try:
        with open(os.path.join(os.path.dirname(__file__), HELP_FILE), encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return None
    # `bt` alone is a usage error whose answer is the help (on stderr, exit 2), as Click does it
    stream = sys.stdout if args else sys.stderr
    try:
        stream.write(text)
        stream.flush()
    except BrokenPipeError:
        return 0
    return 0 if args else 2


def exit_now(code: int) -> None:  # never returns (typing's NoReturn would cost `bt --help` 8 ms)
    """Leave without tearing the interpreter down: freeing every module and object one by one costs a
    one-shot command 15-30 ms (more after a transfer), for nothing. Everything a normal exit finishes is
    finished first: atexit handlers run (weakref finalizers, logging) and stdout and stderr are flushed.
    While a non-daemon thread still runs, or a profiler or coverage tool (which writes its data at exit)
    is attached, the normal exit happens as usual."""
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    threading = sys.modules.get("threading")
    if threading is not None and any(
        t.is_alive() and not t.daemon and t is not threading.main_thread() for t in threading.enumerate()
    ):
        sys.exit(code)
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what was written is all the reader wanted
            pass
    os._exit(code)


def main() -> None:
    code = fast_help(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from bt_cli.warm_client import run as run_warm

    try:
        code = run_warm(sys.argv[1:])
    except KeyboardInterrupt:  # Ctrl-C before the warm process took the command: nothing ran
        sys.stderr.write("bt: error: interrupted\n")
        code = 130
    if code is not None:
        exit_now(code)
    # Start-up allocates some 200,000 objects that live as long as the process, and the default
    # thresholds (700, 10, 10) would scan them over and over (~10 ms of every command). Collections stay
    # on, far apart, so a long-running command (the TUI, a follow, a transfer) still frees its cycles.
    import gc

    gc.set_threshold(50_000, 20, 20)
    from bt_cli.fast_lane import run as run_fast

    code = run_fast(sys.argv[1:])
    if code is not None:
        exit_now(code)
    from bt_cli.main import run

    exit_now(run())
