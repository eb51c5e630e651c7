"""Transcript events as terminal lines: chat in BBCode rendered, notes marked private, screenshots as links.

Event text comes from devices and customers, so it is built as `Text` and never parsed as markup.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text

from bt_core.models import Event

ICONS = {
    "chat": "💬",
    "url": "🔗",
    "screen": "🖥",
    "file": "📄",
    "folder": "📁",
    "transfer": "⇅",
    "sysinfo": "ℹ",
    "process": "✖",
    "app": "🗑",
    "note": "📝",
    "session": "●",
    "permission": "⛔",
    "grant": "🔑",
    "camera": "📷",
    "input": "⌨",
}
FAILURES = ("permission.denied", "transfer.failed", "process.kill_failed", "app.uninstall_failed", "chat.refused")


def event_line(event: Event) -> Text:
    """One line: time, icon, who, and what happened."""
    from bt_core.bbcode import to_rich

    line = Text(no_wrap=False)
    line.append(event.at.astimezone().strftime("%H:%M:%S"), style="dim")
    line.append(" " + ICONS.get(event.kind.split(".", 1)[0], "·") + " ")
    actor_style = {"customer": "bold cyan", "system": "bold yellow"}.get(event.actor, "bold green")
    line.append(event.actor, style=actor_style)
    line.append(" › ", style="dim")
    if event.kind in ("chat.sent", "chat.received"):
        line.append_text(to_rich(event.text))
        canned = event.data.get("canned") if isinstance(event.data, dict) else None
        if canned:
            line.append(f"  (canned: {canned})", style="dim")
    elif event.kind == "note.added":
        line.append("[private note] ", style="italic magenta")
        line.append(event.text, style="magenta")
    else:
        line.append(event.text, style="red" if event.kind in FAILURES else "")
    path = event.data.get("path") if isinstance(event.data, dict) else None
    if event.kind == "screen.shot" and path:
        line.append("  ")
        line.append("open", style=f"underline link {Path(str(path)).as_uri()}")
    return line
