"""The HTML report: one self-contained file (inline CSS, images as data: URIs, no script, no fetches).

Every string from a person or a device goes through `html.escape` (chat through the BBCode renderer, which
escapes too), and a Content-Security-Policy forbids scripts and remote loads as a second line of defence.
"""

from __future__ import annotations

import base64
import html
import io
from datetime import datetime
from importlib import resources
from pathlib import Path

from bt_core.bbcode import to_html
from bt_core.events import EventKind
from bt_core.info_panel import STATUS_LABELS, info_rows
from bt_core.models import Event, Note, SessionRecord, Transfer, iso, utcnow
from bt_core.report.render import EventView, durations, event_view
from bt_core.units import human_size
from bt_core.urls import is_http_url

THUMBNAIL_BOX = (480, 480)
MAX_SCREENSHOT_BYTES = 40 * 1024 * 1024
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _css() -> str:
    return resources.files("bt_core.report").joinpath("report.css").read_text(encoding="utf-8")


def _time(at: datetime) -> str:
    return (iso(at) or "")[11:19]


def thumbnail_data_uri(path: Path) -> str | None:
    """A small PNG thumbnail of a PNG screenshot as a data: URI; None if the file isn't a readable PNG."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_SCREENSHOT_BYTES:
            return None
        with path.open("rb") as handle:
            if handle.read(8) != _PNG_MAGIC:
                return None
        from PIL import Image  # Pillow only when a report has screenshots

        with Image.open(path) as image:
            image.thumbnail(THUMBNAIL_BOX)
            out = io.BytesIO()
            image.convert("RGB").save(out, format="PNG", optimize=True)
    except Exception:  # a damaged or hostile file must not stop the report; the link still shows
        return None
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _file_uri(path: Path) -> str:
    return path.resolve().as_uri() if path.is_absolute() or path.exists() else path.as_posix()


def _chat(view: EventView) -> str:
    event = view.event
    who = "technician" if view.side == "technician" else "customer"
    return (
        f'<div class="msg {who}" data-seq="{event.seq}">'
        f'<div class="meta"><span class="actor">{_e(event.actor)}</span> '
        f'<time datetime="{_e(iso(event.at))}">{_time(event.at)}</time></div>'
        f'<div class="bubble">{to_html(event.text)}</div></div>'
    )


def _activity(view: EventView) -> str:
    event = view.event
    classes = f"activity {view.severity}" + (" private" if event.kind == EventKind.NOTE_ADDED else "")
    parts = [
        f'<div class="{classes}" data-seq="{event.seq}" data-kind="{_e(event.kind)}">',
        f'<time datetime="{_e(iso(event.at))}">{_time(event.at)}</time>',
        f'<span class="icon" aria-hidden="true">{view.icon}</span>',
        f'<span class="label">{_e(view.label)}</span>',
        f'<span class="actor">{_e(event.actor)}</span>',
        f'<span class="text">{_e(event.text)}</span>',
    ]
    if view.url is not None:
        if is_http_url(view.url):
            parts.append(
                f'<a class="url" href="{_e(view.url)}" rel="noopener noreferrer" target="_blank">{_e(view.url)}</a>'
            )
        else:
            parts.append(f'<span class="url">{_e(view.url)}</span>')
    if view.details:
        items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in view.details)
        parts.append(f'<dl class="details">{items}</dl>')
    if view.image_path is not None:
        parts.append(_screenshot(view.image_path))
    parts.append("</div>")
    return "".join(parts)


def _screenshot(path: Path) -> str:
    uri = _e(_file_uri(path))
    thumb = thumbnail_data_uri(path)
    if thumb is None:
        return f'<a class="shot missing" href="{uri}">{_e(path)}</a>'
    return (
        f'<figure class="shot"><a href="{uri}"><img src="{thumb}" alt="Screenshot {_e(path.name)}"></a>'
        f"<figcaption>{_e(path.name)}</figcaption></figure>"
    )


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="empty">{_e(empty)}</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _transfer_row(transfer: Transfer) -> list[str]:
    size = human_size(transfer.bytes_total) if transfer.bytes_total else ""
    if transfer.bytes_total and transfer.bytes_done != transfer.bytes_total:
        size = f"{human_size(transfer.bytes_done)} of {size}"
    files = f"{transfer.files_done}/{transfer.files_total}" if transfer.files_total else ""
    return [
        "Send to device" if transfer.direction == "push" else "Get from device",
        transfer.origin,
        transfer.destination,
        transfer.state + (f": {transfer.error}" if transfer.error else ""),
        size,
        files,
        (iso(transfer.finished_at or transfer.started_at or transfer.created_at) or "")[:19].replace("T", " "),
    ]


def render_html(
    session: SessionRecord,
    events: list[Event],
    notes: list[Note],
    transfers: list[Transfer],
    *,
    screenshots_base: Path | None = None,
    now: datetime | None = None,
) -> str:
    spans = durations(session, events, now)
    info = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in info_rows(session, now))
    summary = "".join(
        f'<div class="figure"><span class="value">{_e(v)}</span><span class="name">{_e(k)}</span></div>'
        for k, v in spans.rows()
    )
    lines = []
    for event in events:
        view = event_view(event, screenshots_base)
        lines.append(_chat(view) if view.side != "activity" else _activity(view))
    transcript = "".join(lines) or '<p class="empty">No events.</p>'
    note_items = "".join(
        f'<li class="note"><div class="meta"><span class="actor">{_e(n.author)}</span> '
        f'<time datetime="{_e(iso(n.at))}">{_e((iso(n.at) or "")[:19].replace("T", " "))}</time></div>'
        f'<div class="note-text">{_e(n.text)}</div></li>'
        for n in notes
    )
    notes_html = f'<ul class="notes">{note_items}</ul>' if notes else '<p class="empty">No notes.</p>'
    transfer_table = _table(
        ["Direction", "From", "To", "Outcome", "Size", "Files", "When"],
        [_transfer_row(t) for t in transfers],
        "No transfers.",
    )
    title = f"Support session {session.id}"
    subtitle = " · ".join(
        part
        for part in (session.customer, session.computer_name, STATUS_LABELS.get(session.status, session.status))
        if part
    )
    generated = iso(now or utcnow())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="bt">
<title>{_e(title)}</title>
<style>
{_css()}
</style>
</head>
<body>
<header class="report-header">
<h1>{_e(title)}</h1>
<p class="subtitle">{_e(subtitle)}</p>
<p class="generated">Report generated {_e(generated)} · times are UTC</p>
</header>
<main>
<section id="info" class="panel" aria-labelledby="info-h">
<h2 id="info-h">Session information</h2>
<div class="summary">{summary}</div>
<dl class="info">{info}</dl>
</section>
<section id="transcript" class="panel" aria-labelledby="transcript-h">
<h2 id="transcript-h">Transcript <span class="count">{len(events)} events</span></h2>
<div class="chat">{transcript}</div>
</section>
<section id="notes" class="panel private" aria-labelledby="notes-h">
<h2 id="notes-h">Notes <span class="badge">Private · technicians only</span></h2>
{notes_html}
</section>
<section id="transfers" class="panel" aria-labelledby="transfers-h">
<h2 id="transfers-h">File transfers</h2>
{transfer_table}
</section>
</main>
</body>
</html>
"""
