"""One line on stderr per broken request to the customer page, never a traceback.

aiohttp logs a malformed request (no or two Host headers, an oversized header line) or a reset
connection with its full traceback through the `aiohttp.*` loggers; those land on the technician's
terminal in the middle of `bt chat serve`. This handler prints the reason on one line instead.
"""

from __future__ import annotations

import logging
import sys

LOGGERS = ("aiohttp.server", "aiohttp.web", "aiohttp.access", "aiohttp.internal")


class OneLine(logging.Handler):
    """`bt: customer page: <what>: <why>` for each warning or error, the exception flattened to its text."""

    def emit(self, record: logging.LogRecord) -> None:
        from bt_core.sanitize import for_terminal

        try:
            what = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                why = " ".join(str(error).split()) or error.__class__.__name__
                what = f"{what}: {why}"
            sys.stderr.write(f"bt: customer page: {for_terminal(what, one_line=True)}\n")
            sys.stderr.flush()
        except Exception:  # logging must never break serving
            pass


def install() -> None:
    """Route aiohttp's server logs through OneLine (idempotent)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(h, OneLine) for h in logger.handlers):
            logger.addHandler(OneLine(level=logging.WARNING))
        logger.propagate = False
