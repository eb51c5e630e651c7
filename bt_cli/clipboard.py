"""Copy text to the clipboard from the CLI: bt_core.clipboard, with OSC 52 on a terminal as last resort."""

from __future__ import annotations

import base64
import sys

from bt_core.clipboard import copy_text


def _osc52(text: str) -> str | None:
    if not sys.stderr.isatty():
        return None
    payload = base64.b64encode(text.encode()).decode()
    sys.stderr.write(f"\x1b]52;c;{payload}\x07")
    sys.stderr.flush()
    return "terminal (OSC 52)"


def copy(text: str) -> str:
    """Copy and return how it was done; raises NoClipboard (a BtError) when nothing can take it."""
    return copy_text(text, terminal=_osc52)
