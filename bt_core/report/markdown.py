"""The Markdown report: a readable document for tickets and wikis.

User and device text is backslash-escaped so a viewer that renders Markdown (and inline HTML) shows it
as typed; chat BBCode is reduced to plain text.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from bt_core.bbcode import to_plain
from bt_core.info_panel import info_rows
from bt_core.models import Event, Note, SessionRecord, Transfer, iso, utcnow
from bt_core.report.render import EventView, durations, event_view
from bt_core.units import human_size

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!{}])")


def md(text: object) -> str:
    """Escape Markdown/HTML punctuation; newlines become spaces (for table cells and one-line items)."""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\r", "").replace("\n", " ")


def _block(text: str) -> str:
    """A quoted block keeping the author's line breaks."""
    return "\n".join("> " + _SPECIAL.sub(r"\\\1", line) for line in text.splitlines() or [""])


def _time(at: datetime) -> str:
    return (iso(at) or "")[11:19]


def _event(view: EventView) -> str:
    event = view.event
    if view.side != "activity":
        who = "technician" if view.side == "technician" else "customer"
        return f"**{md(event.actor)}** ({who}) · {_time(event.at)}\n\n{_block(to_plain(event.text))}\n"
    line = f"- `{_time(event.at)}` {view.icon} **{md(view.label)}** · {md(event.actor)}: {md(event.text)}"
    if view.url:
        line += f" — <{view.url}>" if re.fullmatch(r"https?://[^\s<>]+", view.url) else f" — {md(view.url)}"
    if view.details:
        line += " (" + "; ".join(f"{md(k)}: {md(v)}" for k, v in view.details) + ")"
    if view.image_path is not None:
        line += f" — screenshot: `{str(view.image_path).replace('`', '')}`"
    return line + "\n"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    return "\n".join(out)


def render_markdown(
    session: SessionRecord,
    events: list[Event],
    notes: list[Note],
    transfers: list[Transfer],
    *,
    screenshots_base: Path | None = None,
    now: datetime | None = None,
) -> str:
    spans = durations(session, events, now)
    parts = [
        f"# Support session {md(session.id)}\n",
        f"_Report generated {iso(now or utcnow())}; times are UTC._\n",
        "## Session information\n",
        _table(["Field", "Value"], [[label, value] for label, value in info_rows(session, now)]) + "\n",
        "### Durations\n",
        "\n".join(f"- {label}: {value}" for label, value in spans.rows()) + "\n",
        f"## Transcript ({len(events)} events)\n",
    ]
    parts += [_event(event_view(e, screenshots_base)) for e in events] or ["_No events._\n"]
    parts.append("## Notes (private: technicians only)\n")
    if notes:
        for note in notes:
            stamp = (iso(note.at) or "")[:19].replace("T", " ")
            parts.append(f"**{md(note.author)}** · {stamp}\n\n{_block(note.text)}\n")
    else:
        parts.append("_No notes._\n")
    parts.append("## File transfers\n")
    if transfers:
        rows = [
            [
                "send to device" if t.direction == "push" else "get from device",
                t.origin,
                t.destination,
                t.state + (f": {t.error}" if t.error else ""),
                human_size(t.bytes_total) if t.bytes_total else "",
                f"{t.files_done}/{t.files_total}" if t.files_total else "",
            ]
            for t in transfers
        ]
        parts.append(_table(["Direction", "From", "To", "Outcome", "Size", "Files"], rows) + "\n")
    else:
        parts.append("_No transfers._\n")
    return "\n".join(parts)
