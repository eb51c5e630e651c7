"""One transcript line for a terminal, shared by `bt log` and the TUI so the two always agree.

Everything about a kind (icon, severity colour) comes from `bt_core.events`; actor colours too. The text
of an event comes from devices and customers, so it goes through `for_terminal` and is built as `Text`,
never parsed as markup (chat is BBCode, rendered by `bbcode.to_rich`, which makes no markup either).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bt_core.events import EventKind, Severity, actor_style, describe
from bt_core.sanitize import for_terminal

if TYPE_CHECKING:
    from rich.text import Text

    from bt_core.models import Event

CHAT = (EventKind.CHAT_SENT, EventKind.CHAT_RECEIVED)
TEXT_STYLES = {Severity.FAILURE: "red", Severity.WARNING: "yellow"}
"""Failures and warnings colour the whole line's text; successes only their icon."""


def event_line(event: Event) -> Text:
    """Time, icon (in the severity's colour), who, and what happened; a saved file's path is a link."""
    from rich.text import Text  # rich only where a terminal shows the transcript

    from bt_core.bbcode import to_rich

    spec = describe(event.kind)
    data = event.data if isinstance(event.data, dict) else {}
    line = Text(no_wrap=False)
    line.append(event.at.astimezone().strftime("%H:%M:%S"), style="dim")
    line.append(" ")
    line.append(spec.icon, style=spec.severity.colour)
    line.append(" ")
    line.append(for_terminal(event.actor, one_line=True), style=actor_style(event.actor))
    line.append(" › ", style="dim")
    text = for_terminal(event.text)
    if event.kind in CHAT:
        line.append_text(to_rich(text))
        canned = data.get("canned")
        if canned:
            line.append(f"  (canned: {for_terminal(str(canned), one_line=True)})", style="dim")
        return line
    if event.kind == EventKind.NOTE_ADDED:
        line.append("[private note] ", style="italic magenta")
        line.append(text, style="magenta")
        return line
    start = len(line)
    line.append(text, style=TEXT_STYLES.get(spec.severity, ""))
    path = data.get("path")
    if isinstance(path, str) and path.startswith("/"):
        # the saved file (screenshot, recording, report) becomes a clickable link where terminals allow
        at = text.find(path)
        if at >= 0:
            line.stylize(f"link {Path(path).as_uri()}", start + at, start + at + len(path))
    return line
