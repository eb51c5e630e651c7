"""`for_terminal`: no control character reaches the terminal, ordinary text stays as it is, and what is
shown is unambiguous: the original text can be read back from it (a literal `\\e[2J` never looks like a
sanitised ESC)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bt_core.sanitize import escape_controls, for_terminal, is_clean

_SIMPLE = {"e": "\x1b", "r": "\r", "\\": "\\"}


def _read_back(shown: str, one_line: bool) -> str:
    """What a reader of the rendering understands: every escape undone, any other backslash literal."""
    out, i = [], 0
    while i < len(shown):
        nxt = shown[i + 1 : i + 2]
        if shown[i] != "\\":
            out.append(shown[i])
            i += 1
        elif nxt in _SIMPLE or (nxt == "n" and one_line):
            out.append(_SIMPLE.get(nxt, "\n"))
            i += 2
        elif nxt in ("x", "u"):
            width = 2 if nxt == "x" else 4
            out.append(chr(int(shown[i + 2 : i + 2 + width], 16)))
            i += 2 + width
        else:
            out.append("\\")
            i += 1
    return "".join(out)


def _shows_no_control(shown: str, one_line: bool) -> bool:
    return (
        all(c in "\t\n" or (0x20 <= ord(c) != 0x7F and not 0x80 <= ord(c) <= 0x9F) for c in shown)
        and (not one_line or "\n" not in shown)
        and not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in shown)
    )


def test_a_literal_escape_text_is_told_apart_from_a_real_escape() -> None:
    assert for_terminal("\x1b[2J") == "\\e[2J"
    assert for_terminal("\\e[2J") == "\\\\e[2J"
    assert for_terminal("\\x1b") == "\\\\x1b" and for_terminal("\\u202e") == "\\\\u202e"
    assert for_terminal("\\\x1b]52;c;x\x07") == "\\\\\\e]52;c;x\\x07"
    assert for_terminal("line\\nnext", one_line=True) == "line\\\\nnext"
    assert for_terminal("two\nlines", one_line=True) == "two\\nlines"


def test_ordinary_text_stays_readable() -> None:
    for text in ("C:\\Users\\Bob", "a\\b", "smile :-\\", "tab\there", "two\nlines", "café ünï 日本 😀", "100%"):
        assert for_terminal(text) == text and is_clean(text)
    assert is_clean("\\e[2J") and not is_clean("a\x9bb") and escape_controls("\\e\x1b") == "\\e\\e"


_HOSTILE = st.text(
    alphabet=st.one_of(
        st.sampled_from("\\ernxut0123456789abcdef[];\x1b\x07\x9b\x9d\r\n\t\x00\x7f\u202e\u2066"), st.characters()
    )
)


@given(_HOSTILE, st.booleans())
def test_the_rendering_is_inert_and_reads_back_to_the_original(text: str, one_line: bool) -> None:
    shown = for_terminal(text, one_line=one_line)
    assert _shows_no_control(shown, one_line)
    assert _read_back(shown, one_line) == text
    assert is_clean(shown) and escape_controls(shown) == shown
