"""Refilling a DataTable only when its rows changed: a timer that re-renders the same rows every second
would reset the layout (columns re-measured, a visible flash) and race snapshot tests for nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

from textual.widgets import DataTable

_shown: WeakKeyDictionary[DataTable[Any], list[tuple[str, tuple[Any, ...]]]] = WeakKeyDictionary()


def refill(table: DataTable[Any], rows: Sequence[tuple[str, Sequence[Any]]], keep_cursor: bool = True) -> bool:
    """Show `rows` (key, cells), keeping the cursor row (else back to the top); False (nothing done) when they
    are already shown."""
    wanted = [(key, tuple(safe_cell(c) for c in cells)) for key, cells in rows]
    if _shown.get(table) == wanted:
        return False
    keep = table.cursor_row if keep_cursor else 0
    table.clear()
    for key, cells in wanted:
        table.add_row(*cells, key=key)
    if wanted:
        table.move_cursor(row=min(max(keep, 0), len(wanted) - 1))
    _shown[table] = wanted
    return True


def safe_cell(value: Any) -> Any:
    """A table cell with device or customer text made inert (`bt_core.sanitize.for_terminal`): a file
    name or a process name may carry escape sequences that Textual would pass to the terminal."""
    from rich.text import Text

    from bt_core.sanitize import for_terminal, is_clean

    if isinstance(value, str):
        return for_terminal(value, one_line=True)
    if isinstance(value, Text) and not is_clean(value.plain):
        return Text(for_terminal(value.plain, one_line=True), style=value.style, justify=value.justify)
    return value
