"""Transcript events as terminal lines, the same ones `bt log` prints (bt_core.event_text).

Icons and colours come from the event registry (bt_core.events); event text is sanitised and built as
`Text`, never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text

from bt_core.event_text import event_line as _line
from bt_core.models import Event


def event_line(event: Event) -> Text:
    """One line: time, icon, who, and what happened."""
    return _line(event)
