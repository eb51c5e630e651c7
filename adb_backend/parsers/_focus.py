"""Reading `ActivityRecord{... u0 pkg/.Activity t12}` and `Window{... u0 title}` values."""

from __future__ import annotations

import re

_RECORD = re.compile(r"\bu\d+\s+([A-Za-z0-9_.]+)/([A-Za-z0-9_.$]+)")
_WINDOW = re.compile(r"Window\{\S+\s+(?:u\d+\s+)?([^}]*)\}")


def component(value: str) -> tuple[str | None, str | None]:
    """'ActivityRecord{8c7ec80 u0 com.foo/.Main t34}' -> ('com.foo', 'com.foo/.Main')."""
    match = _RECORD.search(value)
    if not match:
        return None, None
    return match.group(1), f"{match.group(1)}/{match.group(2)}"


def window_title(value: str) -> str | None:
    """'Window{d3da908 u0 com.foo/com.foo.Main}' -> 'com.foo/com.foo.Main'; 'null' -> None."""
    match = _WINDOW.search(value)
    if not match:
        return None
    return match.group(1).strip() or None


def first_at_lowest_indent(text_lines: list[str], key: str) -> str | None:
    """The value of `key=` / `key:` on its least indented line (the global one, not a display's copy)."""
    best: tuple[int, str] | None = None
    for line in text_lines:
        stripped = line.lstrip()
        for separator in ("=", ": "):
            prefix = key + separator
            if stripped.startswith(prefix):
                indent = len(line) - len(stripped)
                if best is None or indent < best[0]:
                    best = (indent, stripped[len(prefix) :].strip())
    return best[1] if best else None
