"""The clipboard, for every front end: BT_CLIPBOARD_CMD first, then a desktop tool, then the terminal.

Text goes to BT_CLIPBOARD_CMD (the text on its stdin), else wl-copy, xclip, xsel or pbcopy, else the
caller's terminal fallback (OSC 52: the CLI writes it to stderr, the TUI asks Textual). Pictures (PNG)
go to BT_CLIPBOARD_CMD (the PNG on its stdin) or to wl-copy/xclip with the image/png type; no terminal
can take a picture, so without one of those the error says what to set.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Callable, Sequence

from bt_core.errors import BtError

TEXT_TOOLS = (["wl-copy"], ["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"], ["pbcopy"])
PNG_TOOLS = (["wl-copy", "--type", "image/png"], ["xclip", "-selection", "clipboard", "-t", "image/png"])


class NoClipboard(BtError):
    """Nothing on this machine can take the clipboard contents."""

    default_title = "No clipboard"


def _candidates(tools: Sequence[list[str]]) -> list[list[str]]:
    custom = os.environ.get("BT_CLIPBOARD_CMD")
    if custom:
        return [shlex.split(custom)]
    return [list(t) for t in tools if shutil.which(t[0])]


def _run(candidates: list[list[str]], data: bytes) -> str | None:
    for argv in candidates:
        try:
            subprocess.run(argv, input=data, check=True, timeout=10, capture_output=True)
            return argv[0]
        except (OSError, subprocess.SubprocessError):
            continue
    return None


def copy_text(text: str, terminal: Callable[[str], str | None] | None = None) -> str:
    """Copy text; returns how it was done. `terminal(text)` is the last resort (returns its name, or None
    when it cannot); raises NoClipboard when nothing takes it."""
    done = _run(_candidates(TEXT_TOOLS), text.encode())
    if done:
        return done
    if terminal is not None:
        how = terminal(text)
        if how:
            return how
    raise NoClipboard("no clipboard available: set BT_CLIPBOARD_CMD (e.g. 'xclip -selection clipboard')")


def copy_png(data: bytes) -> str:
    """Copy a PNG picture; returns the tool used; raises NoClipboard when no tool takes pictures."""
    done = _run(_candidates(PNG_TOOLS), data)
    if done:
        return done
    raise NoClipboard(
        "no clipboard for pictures: install wl-copy or xclip, or set BT_CLIPBOARD_CMD "
        "(e.g. 'xclip -selection clipboard -t image/png'); the screenshot is saved as a file"
    )
