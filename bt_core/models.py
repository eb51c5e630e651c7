"""The records of the session domain, as plain frozen dataclasses shared by every front end.

They are what the store returns and what renderers (terminal, report, JSON) read; `to_json()` gives the
stable snake_case shape scripts rely on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SESSION_STATUSES = ("waiting", "in_progress", "customer_absent", "ended")
PRIORITIES = ("low", "medium", "high")
GRANTS = ("none", "view", "control")
TRANSFER_STATES = ("queued", "running", "done", "skipped", "failed", "cancelled")


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime | None) -> str | None:
    """ISO-8601 UTC with milliseconds and a Z, the one timestamp format bt prints."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class JsonRecord:
    def to_json(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]


@dataclass(frozen=True)
class SessionRecord(JsonRecord):
    """One support session: the info panel plus its lifecycle."""

    id: str
    serial: str
    status: str
    priority: str = "medium"
    queue: str = "general"
    customer: str | None = None
    computer_name: str | None = None
    platform: str | None = None
    issue: str | None = None
    skills: tuple[str, ...] = ()
    attributes: dict[str, str] = field(default_factory=dict)
    external_key: str | None = None
    ip_addresses: tuple[str, ...] = ()
    public_site: str | None = None
    session_type: str = "Android (ADB)"
    technician: str | None = None
    owners: tuple[str, ...] = ()
    grant: str = "none"
    paused: bool = False
    created_at: datetime = field(default_factory=utcnow)
    queued_at: datetime = field(default_factory=utcnow)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    adb_server: str | None = None

    @property
    def ended(self) -> bool:
        return self.status == "ended"


@dataclass(frozen=True)
class Event(JsonRecord):
    """One line of the transcript: gapless `seq` per session, committed before anyone hears 'done'."""

    session_id: str
    seq: int
    at: datetime
    actor: str
    kind: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    """What a session-changing action did: the record as it is now and the event it wrote."""

    record: SessionRecord
    event: Event


@dataclass(frozen=True)
class Note(JsonRecord):
    """A technician's private note on a session; never shown on the device."""

    id: int
    session_id: str
    author: str
    at: datetime
    text: str


@dataclass(frozen=True)
class Transfer(JsonRecord):
    """One file or folder transfer in the transfer manager."""

    id: int
    session_id: str
    direction: str  # "push" (upload to device) or "pull" (download from device)
    origin: str
    destination: str
    state: str
    bytes_total: int = 0
    bytes_done: int = 0
    files_total: int = 0
    files_done: int = 0
    on_clash: str = "overwrite"
    preserve_times: bool = True
    created_at: datetime = field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    cancel_requested: bool = False
