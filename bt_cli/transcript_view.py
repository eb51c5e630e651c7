"""Chat-style rendering of transcript events for the terminal (device text never goes through markup)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


def event_text(event: Event) -> Text:
    from rich.text import Text

    line = Text()
    line.append(event.at.astimezone().strftime("%H:%M:%S"), style="dim")
    line.append(" ")
    family = event.kind.split(".", 1)[0]
    line.append(ICONS.get(family, "·") + " ")
    actor_style = "bold cyan" if event.actor == "customer" else "bold green" if event.actor == "system" else "bold"
    line.append(event.actor, style=actor_style)
    line.append(" › ", style="dim")
    if event.kind.startswith("chat.") and event.kind != "chat.url":
        from bt_core.bbcode import to_rich

        line.append_text(to_rich(event.text))
    else:
        style = "red" if event.kind in ("permission.denied", "transfer.failed") else ""
        if event.kind == "note.added":
            line.append("(private note) ", style="italic magenta")
        start = len(line)
        line.append(event.text, style=style)
        path = event.data.get("path") if isinstance(event.data, dict) else None
        if path and str(path).startswith("/"):
            # the saved file (screenshot, recording, report) becomes a clickable link where terminals allow
            from pathlib import Path

            at = event.text.find(str(path))
            if at >= 0:
                line.stylize(f"link {Path(str(path)).as_uri()}", start + at, start + at + len(str(path)))
    return line
