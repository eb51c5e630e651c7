"""How a command's end becomes an exit code and at most one line on stderr, with or without Click.

`bt_cli.main.run` (the Click path) and `bt_cli.fast_lane` (commands parsed without Click) both end
here, so an error reads and exits the same whichever way the command was parsed. Never a traceback:
an error may quote device or customer text, and a script reads the exit code, not a stack.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


class PipeClosed(Exception):
    """stdout's reader went away (`bt log | head -1`): the output it wanted was written, so the command
    succeeded. Not an OSError, so Click's own broken-pipe handling (exit 1) never sees it."""


def fail(message: str, code: int) -> int:
    """One line on stderr: errors may quote device or customer text, so it is sanitised and flattened."""
    from bt_core.sanitize import for_terminal

    sys.stderr.write(f"bt: error: {for_terminal(message, one_line=True)}\n")
    return code


def undecodable(args: list[str]) -> int | None:
    """The position of the first argument that was not valid UTF-8 (Python keeps such bytes as
    surrogates), so it is refused as bad input instead of reaching a device or the store."""
    for index, arg in enumerate(args):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return index + 1
    return None


def guarded(call: Callable[[], int]) -> int:
    """Run a parsed command; bt's errors, Ctrl-C, a closed pipe and anything unforeseen become the
    exit code of the README's table, and stdout is flushed before the code is returned."""
    from bt_cli.exit_codes import ExitCode, exit_code_for
    from bt_core.errors import BtError

    try:
        code = call()
    except BtError as error:
        code = fail(str(error), exit_code_for(error))
    except KeyboardInterrupt:
        code = fail("interrupted", ExitCode.INTERRUPTED)
    except (BrokenPipeError, PipeClosed):
        _silence_stdout()
        code = 0
    except Exception as error:  # last resort: one line, never a traceback (it may carry customer data)
        code = fail(f"internal error: {error.__class__.__name__}: {error}", ExitCode.ERROR)
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    return int(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so what is still buffered for the gone reader cannot fail again at
    exit (Python would print "Exception ignored ... BrokenPipeError" and exit 120)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
