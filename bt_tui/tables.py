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
    wanted = [(key, tuple(cells)) for key, cells in rows]
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
