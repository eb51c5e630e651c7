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

from bt_core.events import EventKind, Severity, describe
from bt_core.info_panel import GRANT_LABELS, STATUS_LABELS, human_duration, time_in_system
from bt_core.models import Event, Note, SessionRecord, Transfer, iso, utcnow
from bt_core.units import human_size

ReportFormat = Literal["html", "md", "json"]
FORMATS: tuple[str, ...] = ("html", "md", "json")


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
        if event.kind == EventKind.SESSION_STATUS and isinstance(event.data.get("to"), str):
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
    severity: Severity
    details: list[tuple[str, str]] = field(default_factory=list)
    url: str | None = None
    image_path: Path | None = None

    @property
    def problem(self) -> bool:
        return self.severity in (Severity.FAILURE, Severity.WARNING)


_TRANSFER_OUTCOMES: dict[str, str] = {
    EventKind.FILE_PUSHED: "done",
    EventKind.FILE_PULLED: "done",
    EventKind.TRANSFER_SKIPPED: "skipped",
    EventKind.TRANSFER_CANCELLED: "cancelled",
    EventKind.TRANSFER_FAILED: "failed",
}


def _text(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value in (None, "") else str(value)


def _transfer_details(kind: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The keys the transfer manager writes: origin, destination, bytes, files_total, error or reason."""
    details = [
        (name, value) for name, key in (("From", "origin"), ("To", "destination")) if (value := _text(data, key))
    ]
    size = data.get("bytes_total")
    if isinstance(size, int | float) and size > 0:
        details.append(("Size", human_size(size)))
    files = data.get("files_total")
    if isinstance(files, int) and files > 1:
        details.append(("Files", f"{data.get('files', 0)}/{files}"))
    details.append(("Outcome", _TRANSFER_OUTCOMES[kind]))
    reason = _text(data, "error") or _text(data, "reason")
    if reason is not None and reason != "cancelled":
        details.append(("Reason", reason))
    return details


def _details(kind: str, data: dict[str, Any]) -> list[tuple[str, str]]:
    """Detail rows read from the payload keys each writer really writes (see the writer named)."""
    if kind in _TRANSFER_OUTCOMES:  # bt_core.transfers
        return _transfer_details(kind, data)
    if kind == EventKind.FILE_RENAMED:  # bt_core.files.rename
        return [(name, value) for name, key in (("From", "from"), ("To", "to")) if (value := _text(data, key))]
    if kind in (EventKind.FILE_DELETED, EventKind.FOLDER_CREATED, EventKind.SCREEN_RECORDED):
        path = _text(data, "path")
        return [("Path", path)] if path else []
    if kind == EventKind.GRANT_CHANGED:  # bt_core.grants.set
        grant = _text(data, "to")
        return [("Now", GRANT_LABELS.get(grant, grant))] if grant else []
    if kind == EventKind.GRANT_REQUESTED:  # bt_core.grants.request
        level = _text(data, "level")
        return [("Asked", GRANT_LABELS.get(level, level))] if level else []
    if kind == EventKind.SESSION_STATUS:  # bt_core.sessions.set_status
        before, after = _text(data, "from"), _text(data, "to")
        if before and after:
            return [("Change", f"{STATUS_LABELS.get(before, before)} → {STATUS_LABELS.get(after, after)}")]
    if kind in (EventKind.PROCESS_KILL_FAILED, EventKind.APP_UNINSTALL_FAILED):  # bt_core.system
        reason = _text(data, "error")
        return [("Reason", reason)] if reason else []
    return []


def event_view(event: Event, screenshots_base: Path | None = None) -> EventView:
    """Classify an event for display from the event registry; unknown kinds show their text."""
    data = event.data if isinstance(event.data, dict) else {}
    spec = describe(event.kind)
    if event.kind == EventKind.CHAT_SENT:
        return EventView(event, "technician", "", "", spec.severity)
    if event.kind == EventKind.CHAT_RECEIVED:
        return EventView(event, "customer", "", "", spec.severity)
    url = image = None
    if event.kind == EventKind.URL_PUSHED:  # bt_core.chat: {"url", "canned"}
        url = _text(data, "url") or event.text
    elif event.kind == EventKind.SCREEN_SHOT:  # bt_core.screen.screenshot: {"path", "width", ...}
        raw = _text(data, "path")
        if raw is not None:
            image = Path(raw).expanduser()
            if not image.is_absolute() and screenshots_base is not None:
                image = screenshots_base / image
    return EventView(event, "activity", spec.label, spec.icon, spec.severity, _details(event.kind, data), url, image)


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
