"""The session report: one entry point, the durations, and a per-event view shared by HTML and Markdown.

The report reads only the records it is given (session, events, notes, transfers); it never touches the
store or the device, so it can be rendered for an ended session on any machine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from bt_core.info_panel import GRANT_LABELS, STATUS_LABELS, human_duration, time_in_system
from bt_core.models import Event, Note, SessionRecord, Transfer, iso, utcnow
from bt_core.units import human_size

ReportFormat = Literal["html", "md", "json"]
FORMATS: tuple[str, ...] = ("html", "md", "json")

#: Short labels for the activity lines of the transcript; unknown kinds fall back to their family.
KIND_LABELS = {
    "url.pushed": "URL pushed",
    "screen.shot": "Screenshot",
    "screen.paused": "Screen paused",
    "screen.resumed": "Screen resumed",
    "grant.changed": "Screen access",
    "grant.requested": "Access requested",
    "file.pushed": "File sent",
    "file.pulled": "File received",
    "file.deleted": "File deleted",
    "file.renamed": "File renamed",
    "folder.created": "Folder created",
    "transfer.failed": "Transfer failed",
    "transfer.skipped": "Transfer skipped",
    "sysinfo.pulled": "System info",
    "process.killed": "Process killed",
    "app.uninstalled": "App uninstalled",
    "note.added": "Private note",
    "session.started": "Session started",
    "session.joined": "Joined",
    "session.transferred": "Transferred",
    "session.status": "Status",
    "session.ended": "Session ended",
    "permission.denied": "Denied",
    "camera.annotated": "Camera annotation",
}
ICONS = {  # symbols every common font has (no emoji: print and headless browsers lack emoji fonts)
    "url": "↗",
    "screen": "▣",
    "file": "▤",
    "folder": "▥",
    "transfer": "⇅",
    "sysinfo": "ℹ",
    "process": "✖",
    "app": "✖",
    "note": "✎",
    "session": "●",
    "permission": "⊘",
    "grant": "◐",
    "camera": "◉",
}
#: Kinds shown in a warning colour.
PROBLEM_KINDS = frozenset({"permission.denied", "transfer.failed", "process.killed", "app.uninstalled"})


@dataclass(frozen=True)
class Durations:
    """Seconds; None where the span has not begun (a session never picked up has no length)."""

    time_in_system: float
    time_waiting: float | None
    time_in_progress: float | None
    session_length: float | None

    def rows(self) -> list[tuple[str, str]]:
        def show(value: float | None) -> str:
            return "-" if value is None else human_duration(value)

        return [
            ("Time in system", show(self.time_in_system)),
            ("Time waiting", show(self.time_waiting)),
            ("Time in progress", show(self.time_in_progress)),
            ("Session length", show(self.session_length)),
        ]

    def to_json(self) -> dict[str, float | None]:
        def rounded(value: float | None) -> float | None:
            return None if value is None else round(value, 3)

        return {
            "time_in_system_s": rounded(self.time_in_system),
            "time_waiting_s": rounded(self.time_waiting),
            "time_in_progress_s": rounded(self.time_in_progress),
            "session_length_s": rounded(self.session_length),
        }


def durations(session: SessionRecord, events: list[Event], now: datetime | None = None) -> Durations:
    """Time in system (queued to end), waiting (queued to picked up), in progress, and session length.

    Time in progress sums the spans the session spent in `in_progress`, read from `session.status`
    events (`data["to"]`), so time with the customer absent is not counted.
    """
    end = session.ended_at or now or utcnow()
    waiting = (session.started_at - session.queued_at).total_seconds() if session.started_at else None
    length = (end - session.started_at).total_seconds() if session.started_at else None
    changes: list[tuple[datetime, str]] = []
    if session.started_at:
        changes.append((session.started_at, "in_progress"))
    for event in events:
        if event.kind == "session.status" and isinstance(event.data.get("to"), str):
            changes.append((event.at, event.data["to"]))
    changes.sort(key=lambda change: change[0])
    in_progress: float | None = None
    if changes:
        in_progress = 0.0
        for (at, status), (next_at, _) in zip(changes, [*changes[1:], (end, "")], strict=True):
            if status == "in_progress" and next_at > at:
                in_progress += (min(next_at, end) - at).total_seconds()
    if length is not None:
        length = max(0.0, length)
    return Durations(max(0.0, time_in_system(session, now)), waiting, in_progress, length)


@dataclass(frozen=True)
class EventView:
    """What a renderer needs to show one transcript event, whatever its kind."""

    event: Event
    side: str  # "technician", "customer" or "activity"
    label: str
    icon: str
    problem: bool
    details: list[tuple[str, str]] = field(default_factory=list)
    url: str | None = None
    image_path: Path | None = None


def _first(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = data.get(key)
        if value not in (None, ""):
            return value
    return None


def event_view(event: Event, screenshots_base: Path | None = None) -> EventView:
    """Classify an event for display; reads the common `data` keys and falls back to `text`."""
    family = event.kind.split(".", 1)[0]
    data = event.data if isinstance(event.data, dict) else {}
    if event.kind == "chat.sent":
        return EventView(event, "technician", "", "", False)
    if event.kind == "chat.received":
        return EventView(event, "customer", "", "", False)
    label = KIND_LABELS.get(event.kind, event.kind)
    details: list[tuple[str, str]] = []
    url = image = None
    if event.kind == "url.pushed":
        url = str(_first(data, "url") or event.text)
    elif family in ("file", "folder", "transfer"):
        local, remote = ("local", "origin", "source", "src"), ("remote", "destination", "dest", "dst")
        if event.kind == "file.pulled":  # from the device to the technician's machine
            local, remote = ("remote", "origin", "source", "src"), ("local", "destination", "dest", "dst")
        for name, keys in (("From", local), ("To", remote), ("Path", ("path",))):
            value = _first(data, *keys)
            if value is not None:
                details.append((name, str(value)))
        size = _first(data, "size", "bytes", "bytes_total")
        if isinstance(size, int | float):
            details.append(("Size", human_size(size)))
        outcome = _first(data, "outcome", "state", "result")
        if outcome is None:
            outcome = {"failed": "failed", "skipped": "skipped"}.get(event.kind.split(".")[-1], None)
        if outcome is None and event.kind in ("file.pushed", "file.pulled"):
            outcome = "done"
        if outcome is not None:
            details.append(("Outcome", str(outcome)))
        error = _first(data, "error", "reason")
        if error is not None:
            details.append(("Reason", str(error)))
    elif event.kind == "screen.shot":
        raw = _first(data, "path", "file", "local")
        if raw is not None:
            path = Path(str(raw)).expanduser()
            if not path.is_absolute() and screenshots_base is not None:
                path = screenshots_base / path
            image = path
    elif event.kind == "grant.changed":
        grant = _first(data, "to", "grant")
        if isinstance(grant, str):
            details.append(("Now", GRANT_LABELS.get(grant, grant)))
    elif event.kind == "session.status":
        before, after = data.get("from"), data.get("to")
        if isinstance(before, str) and isinstance(after, str):
            details.append(("Change", f"{STATUS_LABELS.get(before, before)} → {STATUS_LABELS.get(after, after)}"))
    return EventView(
        event,
        "activity",
        label,
        ICONS.get(family, "·"),
        event.kind in PROBLEM_KINDS,
        details,
        url,
        image,
    )


def report_json(
    session: SessionRecord,
    events: list[Event],
    notes: list[Note],
    transfers: list[Transfer],
    now: datetime | None = None,
) -> str:
    document = {
        "session": session.to_json(),
        "events": [e.to_json() for e in events],
        "notes": [n.to_json() for n in notes],
        "transfers": [t.to_json() for t in transfers],
        "durations": durations(session, events, now).to_json(),
        "generated_at": iso(now or utcnow()),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def render_report(
    session: SessionRecord,
    events: list[Event],
    notes: list[Note],
    transfers: list[Transfer],
    fmt: ReportFormat,
    *,
    screenshots_base: Path | None = None,
    now: datetime | None = None,
) -> str:
    """The whole session report as one string.

    Args:
        session, events, notes, transfers: the records, as the store returns them (events in seq order).
        fmt: "html" (one self-contained file), "md" (Markdown) or "json".
        screenshots_base: where relative screenshot paths in `screen.shot` events live.
        now: the clock for durations of a session still running (tests pass a fixed one).

    Raises:
        ValueError: an unknown format.
    """
    events = sorted(events, key=lambda e: e.seq)
    if fmt == "json":
        return report_json(session, events, notes, transfers, now)
    if fmt == "html":
        from bt_core.report.html import render_html

        return render_html(session, events, notes, transfers, screenshots_base=screenshots_base, now=now)
    if fmt == "md":
        from bt_core.report.markdown import render_markdown

        return render_markdown(session, events, notes, transfers, screenshots_base=screenshots_base, now=now)
    raise ValueError(f"unknown report format {fmt!r}: use one of {', '.join(FORMATS)}")
