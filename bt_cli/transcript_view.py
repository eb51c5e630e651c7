"""Transcript events for `bt log` and `bt demo`: the same lines the TUI shows (bt_core.event_text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

    from bt_core.models import Event


def event_text(event: Event) -> Text:
    """One terminal line: time, icon and colour from the event registry, who, and what happened."""
    from bt_core.event_text import event_line

    return event_line(event)
