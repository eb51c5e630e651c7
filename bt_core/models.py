"""The records of the session domain, as plain frozen dataclasses shared by every front end.

They are what the store returns and what renderers (terminal, report, JSON) read; `to_json()` gives the
stable snake_case shape scripts rely on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Self


class Choice(StrEnum):
    """A closed set of domain values; members are the very strings stored and printed in JSON."""

    @classmethod
    def choices(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def normalise(cls, text: str) -> str:
        """How a person may spell a value (exactly, unless a subclass is more forgiving)."""
        return text

    @classmethod
    def parse(cls, text: str) -> Self:
        """The member `text` names; ValueError with the choices otherwise."""
        try:
            return cls(cls.normalise(str(text)))
        except ValueError:
            raise ValueError(f"must be one of {', '.join(cls.choices())}, not {text!r}") from None


class SessionStatus(Choice):
    WAITING = "waiting"
    IN_PROGRESS = "in_progress"
    CUSTOMER_ABSENT = "customer_absent"
    ENDED = "ended"

    @classmethod
    def normalise(cls, text: str) -> str:
        """`in-progress`, `In Progress` and `in_progress` are one status."""
        return text.replace("-", "_").replace(" ", "_").lower()


class Priority(Choice):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Grant(Choice):
    """What the customer lets the technician do with the screen."""

    NONE = "none"
    VIEW = "view"
    CONTROL = "control"

    @classmethod
    def normalise(cls, text: str) -> str:
        text = text.strip().lower()
        return "view" if text == "view-only" else text


class Direction(Choice):
    PUSH = "push"
    """Upload: from this machine to the device."""
    PULL = "pull"
    """Download: from the device to this machine."""


class TransferState(Choice):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OnClash(Choice):
    """What a transfer does when the destination exists with other content."""

    OVERWRITE = "overwrite"
    SKIP = "skip"
    CANCEL = "cancel"
    ASK = "ask"


SESSION_STATUSES = SessionStatus.choices()
PRIORITIES = Priority.choices()
GRANTS = Grant.choices()
TRANSFER_STATES = TransferState.choices()


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
    status: SessionStatus
    priority: Priority = Priority.MEDIUM
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
    grant: Grant = Grant.NONE
    paused: bool = False
    created_at: datetime = field(default_factory=utcnow)
    queued_at: datetime = field(default_factory=utcnow)
    started_at: datetime | None = None
    ended_at: datetime | None = None
    adb_server: str | None = None

    @property
    def ended(self) -> bool:
        return self.status == SessionStatus.ENDED


@dataclass(frozen=True)
class Event(JsonRecord):
    """One line of the transcript: gapless `seq` per session, committed before anyone hears 'done'."""

    session_id: str
    seq: int
    at: datetime
    actor: str
    kind: str
    """An `EventKind` value (bt_core.events); kept a str so kinds from other builds still load."""
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
    direction: Direction
    origin: str
    destination: str
    state: TransferState
    bytes_total: int = 0
    bytes_done: int = 0
    files_total: int = 0
    files_done: int = 0
    on_clash: OnClash = OnClash.OVERWRITE
    preserve_times: bool = True
    created_at: datetime = field(default_factory=utcnow)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    cancel_requested: bool = False
