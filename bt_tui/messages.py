"""App-level messages: what a worker learnt, posted to the UI thread (past tense, dataclass-like)."""

from __future__ import annotations

from typing import Any

from textual.message import Message


class QueueLoaded(Message):
    """The devices attached and the sessions in the store, read by a worker."""

    def __init__(self, devices: list[Any], sessions: list[Any], device_error: str | None = None) -> None:
        super().__init__()
        self.devices = devices
        self.sessions = sessions
        self.device_error = device_error


class SessionOpened(Message):
    """A session was started or joined; the app switches to its window."""

    def __init__(self, record: Any) -> None:
        super().__init__()
        self.record = record


class SessionRefreshed(Message):
    """The session record was read again (status, grant, pause may have changed)."""

    def __init__(self, record: Any) -> None:
        super().__init__()
        self.record = record


class TranscriptEventsAppended(Message):
    """New transcript events (seq order) since the last poll."""

    def __init__(self, events: list[Any]) -> None:
        super().__init__()
        self.events = events


class ActionDone(Message):
    """A device action finished: a short line for a toast, and the areas worth refreshing."""

    def __init__(self, text: str, refresh: tuple[str, ...] = (), result: Any = None) -> None:
        super().__init__()
        self.text = text
        self.refresh = refresh
        self.result = result
