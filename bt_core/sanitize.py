"""One sanitiser for every device- or customer-supplied string that reaches a terminal.

A file name, a chat message or a process name can carry escape sequences: OSC 52 sets the technician's
clipboard, CSI 2J clears the screen. Before such text is printed (CLI, Rich, TUI), every control
character except tab and newline is shown as a visible escape, so the text stays readable and inert.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, the C1 controls (U+0080-U+009F, 8-bit CSI/OSC among them), and the
# bidirectional overrides that can make a name read backwards.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\x1b":
        return "\\e"
    if char == "\r":
        return "\\r"
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def for_terminal(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character shown as an escape; with one_line, newlines too."""
    clean = _UNSAFE.sub(_visible, text)
    if one_line:
        clean = clean.replace("\n", "\\n")
    return clean


def is_clean(text: str) -> bool:
    """True when `text` holds nothing that `for_terminal` would change (tab and newline allowed)."""
    return _UNSAFE.search(text) is None
