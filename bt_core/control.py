"""Driving the device: tap, swipe, type and press keys, only with the customer's control grant.

Coordinates are device pixels whatever size the live stream is shown at; front ends that show a scaled
stream convert with `StreamConfig.to_device`. Every action is one `input.*` transcript event; typed
text is logged by length only, since a technician may type credentials for the customer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bt_core.errors import UsageError

if TYPE_CHECKING:
    from bt_core.models import Event, SessionRecord
    from bt_core.services import Services


class ControlService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _require(self, session_id: str | None) -> SessionRecord:
        return self.services.grants.require(session_id, "control")

    def tap(self, session_id: str | None, x: int, y: int) -> Event:
        from adb_backend import input as backend

        _check_point(x, y)
        record = self._require(session_id)
        self.services.sessions.on_device(record, lambda d: backend.tap(d, x, y))
        return self.services.sessions.log(record, "input.tap", f"Tapped at ({x}, {y})", {"x": x, "y": y})

    def swipe(self, session_id: str | None, x1: int, y1: int, x2: int, y2: int, ms: int | None = None) -> Event:
        from adb_backend import input as backend

        _check_point(x1, y1)
        _check_point(x2, y2)
        if ms is not None and not 0 <= ms <= 60_000:
            raise UsageError("--ms must be between 0 and 60000")
        record = self._require(session_id)
        self.services.sessions.on_device(record, lambda d: backend.swipe(d, x1, y1, x2, y2, ms))
        return self.services.sessions.log(
            record,
            "input.swipe",
            f"Swiped from ({x1}, {y1}) to ({x2}, {y2})",
            {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "ms": ms},
        )

    def text(self, session_id: str | None, text: str) -> Event:
        from adb_backend import input as backend

        if not text:
            raise UsageError("give the text to type")
        try:
            backend.check_typeable(text)  # ASCII or not is the device's question: it may have ADBKeyBoard
        except ValueError as error:
            raise UsageError(str(error)) from None
        record = self._require(session_id)
        self.services.sessions.on_device(record, lambda d: backend.text(d, text))
        return self.services.sessions.log(record, "input.text", f"Typed {len(text)} characters", {"length": len(text)})

    def key(self, session_id: str | None, name: str) -> Event:
        from adb_backend import input as backend

        try:
            code = backend.keycode(name)
        except ValueError as error:
            raise UsageError(str(error)) from None
        record = self._require(session_id)
        self.services.sessions.on_device(record, lambda d: backend.key(d, code))
        label = backend.key_name(code)
        return self.services.sessions.log(record, "input.key", f"Pressed {label}", {"key": label, "keycode": code})


def _check_point(x: int, y: int) -> None:
    if x < 0 or y < 0:
        raise UsageError(f"({x}, {y}) is off the screen: coordinates are device pixels from the top-left")
