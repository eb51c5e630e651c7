"""The session info panel as labelled rows: the one definition the CLI, TUI and report all show."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bt_core.models import Grant, SessionRecord, SessionStatus, iso, utcnow

STATUS_LABELS: dict[str, str] = {
    SessionStatus.WAITING: "Waiting",
    SessionStatus.IN_PROGRESS: "In Progress",
    SessionStatus.CUSTOMER_ABSENT: "Customer Absent",
    SessionStatus.ENDED: "Ended",
}
GRANT_LABELS: dict[str, str] = {Grant.NONE: "No screen access", Grant.VIEW: "View only", Grant.CONTROL: "Full control"}


def human_duration(seconds: float) -> str:
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h {minutes}m"
    if hours:
        return f"{hours}h {minutes}m {secs}s"
    if minutes:
        return f"{minutes}m {secs}s"
    return f"{secs}s"


def time_in_system(record: SessionRecord, now: datetime | None = None) -> float:
    """Seconds since the session first entered a queue (frozen at the end)."""
    end = record.ended_at or now or utcnow()
    return (end - record.queued_at).total_seconds()


def info_rows(record: SessionRecord, now: datetime | None = None) -> list[tuple[str, str]]:
    """(label, value) pairs in the order the reference console shows them."""
    attrs = ", ".join(f"{k}={v}" for k, v in sorted(record.attributes.items()))
    return [
        ("Session", record.id),
        ("Session type", record.session_type),
        ("Status", STATUS_LABELS.get(record.status, record.status)),
        ("Priority", record.priority.capitalize()),
        ("Queue", record.queue),
        ("Customer", record.customer or "-"),
        ("Computer name", record.computer_name or "-"),
        ("Platform", record.platform or "-"),
        ("Support issue", record.issue or "-"),
        ("Time in system", human_duration(time_in_system(record, now))),
        ("Public site", record.public_site or "-"),
        ("Required skills", ", ".join(record.skills) or "-"),
        ("IP addresses", ", ".join(record.ip_addresses) or "-"),
        ("Custom attributes", attrs or "-"),
        ("External key", record.external_key or "-"),
        ("Device serial", record.serial),
        ("Technician", record.technician or "-"),
        ("Screen access", GRANT_LABELS.get(record.grant, record.grant) + (" (paused)" if record.paused else "")),
        ("Started", iso(record.started_at) or "-"),
        ("Ended", iso(record.ended_at) or "-"),
    ]


def info_json(record: SessionRecord, now: datetime | None = None) -> dict[str, Any]:
    data = record.to_json()
    data["status_label"] = STATUS_LABELS.get(record.status, record.status)
    data["time_in_system_s"] = round(time_in_system(record, now), 3)
    return data


def info_text(record: SessionRecord, now: datetime | None = None) -> str:
    rows = info_rows(record, now)
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)
