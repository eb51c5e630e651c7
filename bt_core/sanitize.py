r"""One sanitiser for every device- or customer-supplied string that reaches a terminal.

A file name, a chat message or a process name can carry escape sequences: OSC 52 sets the technician's
clipboard, CSI 2J clears the screen. Before such text is printed (CLI, Rich, TUI), every control
character except tab and newline is shown as a visible escape, so the text stays readable and inert.

The rendering is unambiguous: the escapes are `\e` (ESC), `\r`, `\n` (one_line), `\xHH` and `\uHHHH`,
and a backslash really in the text is doubled exactly when what follows it could read as one of them
(e, r, n, t, x, u, another backslash, or a character shown as an escape). So the literal text `\e[2J`
is shown as `\\e[2J`, never like a sanitised ESC, while `C:\Users` or `a\b` stay as they are.

An unambiguous rendering cannot be applied twice (the second pass would double the first one's
backslashes), so output layers that may receive text already rendered (the CLI's Rich console, a TUI
cell holding an event line) use `escape_controls`, the safety net: raw control characters only.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, the C1 controls (U+0080-U+009F, 8-bit CSI/OSC among them), and the
# bidirectional overrides that can make a name read backwards.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
# what a backslash may not be followed by, undoubled: the start of an escape, or a character shown as one
_BACKSLASH = r"\\(?=[ernxut\\" + _CONTROLS + "{newline}])"
_CONTROL = re.compile("[" + _CONTROLS + "]")
_UNSAFE = re.compile(_BACKSLASH.format(newline="") + "|[" + _CONTROLS + "]")
_UNSAFE_ONE_LINE = re.compile(_BACKSLASH.format(newline="\n") + "|[\n" + _CONTROLS + "]")
# in a JSON text: what json.dumps leaves raw that a terminal acts on (C1, DEL, bidi), and the line separators
_JSON_UNSAFE = re.compile("[" + _CONTROLS + "\u2028\u2029]")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    if char == "\x1b":
        return "\\e"
    if char == "\r":
        return "\\r"
    if char == "\n":
        return "\\n"
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def for_terminal(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character shown as an escape; with one_line, newlines too."""
    return (_UNSAFE_ONE_LINE if one_line else _UNSAFE).sub(_visible, text)


def escape_controls(text: str) -> str:
    """The safety net for text that may already be `for_terminal` output: raw control characters shown
    as escapes, backslashes left alone (applying it twice changes nothing)."""
    return _CONTROL.sub(_visible, text)


def json_safe(document: str) -> str:
    """A JSON text with every control character (C1 and DEL included), bidi override and line separator
    written as a `\\uXXXX` escape: the same data, still valid JSON (such characters can only stand inside
    its strings), and inert when printed to a terminal."""
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


def is_clean(text: str) -> bool:
    """True when `text` holds no raw control character a terminal would act on (tab and newline allowed);
    a `for_terminal` rendering is clean."""
    return _CONTROL.search(text) is None
