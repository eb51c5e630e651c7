"""Driving the device: tap, swipe, type and press keys, only with the customer's control grant.

Coordinates are device pixels whatever size the live stream is shown at; front ends that show a scaled
stream convert with `StreamConfig.to_device`. Every action is one `input.*` transcript event; typed
text is logged by length only, since a technician may type credentials for the customer. Live typing
(the TUI's control mode) goes through a `Keyboard`: each key reaches the device at once, and the
transcript gets one `input.text` event per burst of typing instead of one per key.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bt_core.errors import UsageError
from bt_core.events import EventKind

if TYPE_CHECKING:
    from bt_core.models import Event, SessionRecord
    from bt_core.services import Services


class ControlService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def _require(self, session_id: str | None) -> SessionRecord:
        return self.services.grants.require(session_id, "control")

    def keyboard(self, session_id: str | None, *, idle_seconds: float = 3.0) -> Keyboard:
        """Live typing on the device, logged as one `input.text` event per burst (see `Keyboard`)."""
        return Keyboard(self, session_id, idle_seconds)

    def tap(self, session_id: str | None, x: int, y: int) -> Event:
        from adb_backend import input as backend

        _check_point(x, y)
        record = self._require(session_id)
        self.services.sessions.on_device(record, lambda d: backend.tap(d, x, y))
        return self.services.sessions.log(record, EventKind.INPUT_TAP, f"Tapped at ({x}, {y})", {"x": x, "y": y})

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
            EventKind.INPUT_SWIPE,
            f"Swiped from ({x1}, {y1}) to ({x2}, {y2})",
            {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "ms": ms},
        )

    def text(self, session_id: str | None, text: str) -> Event:
        record = self.send_text(session_id, text)
        return self.log_typing(record, len(text))

    def key(self, session_id: str | None, name: str) -> Event:
        record, label, code = self.send_key(session_id, name)
        return self.services.sessions.log(
            record, EventKind.INPUT_KEY, f"Pressed {label}", {"key": label, "keycode": code}
        )

    # -- the parts, for callers that log differently (Keyboard) -------------------------------------
    def send_text(self, session_id: str | None, text: str) -> SessionRecord:
        """Type `text` on the device without logging it; returns the session it was typed in."""
        from adb_backend import input as backend

        if not text:
            raise UsageError("give the text to type")
        try:
            backend.check_typeable(text)  # ASCII or not is the device's question: it may have ADBKeyBoard
        except ValueError as error:
            raise UsageError(str(error)) from None
        record = self._require(session_id)
        self.services.sessions.on_device(record, lambda d: backend.text(d, text))
        return record

    def send_key(self, session_id: str | None, name: str) -> tuple[SessionRecord, str, int]:
        """Press a key on the device without logging it: the session, the key's name and its code."""
        from adb_backend import input as backend

        code = key_code(name)
        record = self._require(session_id)
        self.services.sessions.on_device(record, lambda d: backend.key(d, code))
        return record, backend.key_name(code), code

    def log_typing(self, record: SessionRecord, length: int, *, erased: int = 0, enter: bool = False) -> Event:
        """One `input.text` event: how much was typed (never what), how much erased, whether ENTER ended it."""
        text = f"Typed {length} characters"
        data: dict[str, Any] = {"length": length}
        if erased:
            text = f"{text}, erased {erased}" if length else f"Erased {erased} characters"
            data["erased"] = erased
        if enter:
            text += ", then pressed ENTER"
            data["enter"] = True
        return self.services.sessions.log(record, EventKind.INPUT_TEXT, text, data)


class Keyboard:
    """A technician typing live: every key reaches the device at once; the transcript hears once a burst.

    Text and the erasing keys (DEL, FORWARD_DEL) join the burst; ENTER ends it (folded into its event);
    any other key, a tap or `flush()` ends it first, so the transcript keeps the order things happened in.
    A burst also ends after `idle_seconds` without typing, when the owner calls `flush_if_idle()`.
    One thread (the TUI's input worker) owns a Keyboard.
    """

    ERASING = frozenset({"DEL", "FORWARD_DEL"})

    def __init__(self, control: ControlService, session_id: str | None, idle_seconds: float = 3.0) -> None:
        self.control = control
        self.session_id = session_id
        self.idle_seconds = idle_seconds
        self._record: SessionRecord | None = None
        self._typed = 0
        self._erased = 0
        self._last = 0.0

    @property
    def pending(self) -> bool:
        """Whether keys were sent that the transcript has not heard of yet."""
        return self._record is not None

    def type(self, text: str) -> None:
        """Send `text` now; it is logged with the rest of the burst."""
        record = self.control.send_text(self.session_id, text)
        self._note(record, typed=len(text))

    def press(self, name: str) -> Event | None:
        """Send a key now. Erasing keys join the burst, ENTER ends it, other keys are logged on their own."""
        from adb_backend import input as backend

        label = backend.key_name(key_code(name))
        if label in self.ERASING:
            record, _label, _code = self.control.send_key(self.session_id, name)
            self._note(record, erased=1)
            return None
        if label == "ENTER" and self.pending:
            self.control.send_key(self.session_id, name)
            return self.flush(enter=True)
        self.flush()
        return self.control.key(self.session_id, name)

    def tap(self, x: int, y: int) -> Event:
        self.flush()
        return self.control.tap(self.session_id, x, y)

    def flush(self, *, enter: bool = False) -> Event | None:
        """Log the burst typed so far (if any) as one `input.text` event."""
        record, typed, erased = self._record, self._typed, self._erased
        self._record, self._typed, self._erased = None, 0, 0
        if record is None:
            return None
        return self.control.log_typing(record, typed, erased=erased, enter=enter)

    def flush_if_idle(self, now: float | None = None) -> Event | None:
        """End the burst when nothing was typed for `idle_seconds`."""
        now = time.monotonic() if now is None else now
        if self.pending and now - self._last >= self.idle_seconds:
            return self.flush()
        return None

    def _note(self, record: SessionRecord, *, typed: int = 0, erased: int = 0) -> None:
        self._record = record
        self._typed += typed
        self._erased += erased
        self._last = time.monotonic()


def key_code(name: str) -> int:
    """The Android keycode a key name (HOME, enter, 4, ...) stands for; a UsageError if none."""
    from adb_backend import input as backend

    try:
        return backend.keycode(name)
    except ValueError as error:
        raise UsageError(str(error)) from None


def _check_point(x: int, y: int) -> None:
    if x < 0 or y < 0:
        raise UsageError(f"({x}, {y}) is off the screen: coordinates are device pixels from the top-left")
