"""Seeing the device: screenshots, recordings and the live stream, behind the policy, the customer's
grant and the privacy pause.

While a session is paused nothing is captured: screenshots and recordings refuse, and an open live
stream stops its screenrecord until the pause ends (it polls the session, so a pause set by another
process or the customer page takes effect within half a second).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bt_core.errors import BtError, SessionEnded, UsageError
from bt_core.events import EventKind
from bt_core.models import SessionRecord, iso

if TYPE_CHECKING:
    from adb_backend.device import Device
    from adb_backend.screen import Frame, Recording, ScreenStream, StreamConfig, StreamStats
    from bt_core.errors import BtError
    from bt_core.services import Services
    from bt_core.sessions import SessionService

POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Screenshot:
    path: Path
    width: int
    height: int
    size_bytes: int
    seq: int

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "width": self.width,
            "height": self.height,
            "bytes": self.size_bytes,
            "event_seq": self.seq,
        }


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    seconds: float
    frames: int
    width: int
    height: int

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "seconds": round(self.seconds, 3),
            "frames": self.frames,
            "width": self.width,
            "height": self.height,
        }


class ScreenService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def sessions(self) -> SessionService:
        return self.services.sessions

    # -- checks --------------------------------------------------------------------------------------
    def _viewable(self, session_id: str | None) -> SessionRecord:
        record = self.services.grants.require(session_id, "view")
        if record.paused:
            self.sessions.deny(record, "screen.view", self.paused_message(record))
        return record

    def paused_message(self, record: SessionRecord) -> str:
        events = self.services.store.events(record.id, kinds=[EventKind.SCREEN_PAUSED])
        since = f" since {iso(events[-1].at)}" if events else ""
        return f"screen sharing is paused for privacy{since}: nothing is captured until 'bt screen resume'"

    def default_mode(self, record: SessionRecord) -> str:
        """The stream mode the session last asked for (camera mode switches to video), else full colour."""
        for event in reversed(
            self.services.store.events(record.id, kinds=[EventKind.CAMERA_OPENED, EventKind.CAMERA_CLEARED])
        ):
            mode = event.data.get("stream_mode")
            if mode:
                return str(mode)
        return "full"

    # -- screenshots and recordings ------------------------------------------------------------------
    def screenshot(self, session_id: str | None, out: Path | None = None) -> Screenshot:
        """A full-resolution PNG, saved under the screenshots folder unless `out` is given."""
        from adb_backend import screen as backend

        record = self._viewable(session_id)
        shot = self.sessions.on_device(record, backend.screenshot)
        path = Path(out).expanduser() if out else self._default_path(record, "png")
        path = path.resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(shot.png)
        event = self.sessions.log(
            record,
            EventKind.SCREEN_SHOT,
            f"Screenshot {shot.width}x{shot.height} saved to {path}",
            {"path": str(path), "width": shot.width, "height": shot.height, "bytes": len(shot.png)},
        )
        return Screenshot(path, shot.width, shot.height, len(shot.png), event.seq)

    def capture_png(self, record: SessionRecord) -> bytes:
        """The current frame as PNG bytes, for other areas (camera annotations); same checks."""
        from adb_backend import screen as backend

        record = self._viewable(record.id)
        return self.sessions.on_device(record, backend.screenshot).png

    def record(
        self, session_id: str | None, seconds: float, out: Path, *, mode: str | None = None, size: str | None = None
    ) -> RecordingResult:
        """`seconds` of screen into an MP4 (H.264 remuxed, not re-encoded)."""
        from adb_backend import screen as backend

        if not 1 <= seconds <= 3600:
            raise UsageError("--seconds must be between 1 and 3600")
        out = Path(out).expanduser().resolve()
        if out.suffix.lower() != ".mp4":
            raise UsageError(f"{out.name}: recordings are MP4 files; name it something.mp4")
        record = self._viewable(session_id)

        ended = _ended_check(self.services, record.id)

        def fell_back(refused: tuple[int, int], smaller: tuple[int, int], said: str) -> None:
            """The encoder refused a size: the transcript says so before the recording is logged."""
            text, data = fallback_event("Recording", refused, smaller, said)
            self.sessions.log(record, EventKind.SCREEN_RECORD_FALLBACK, text, data)

        def work(device: Device) -> Recording | None:
            api = backend.api_level(device)
            config = self._config(device, mode or "full", size or "actual")
            return backend.record_mp4(device, out, seconds, config, api_level=api, stop=ended, on_fallback=fell_back)

        result = self.sessions.on_device(record, work)
        if result is None:
            raise SessionEnded(f"session {record.id} ended during the recording: it stopped and nothing was saved")
        self.sessions.log(
            record,
            EventKind.SCREEN_RECORDED,
            f"Recorded {result.seconds:.1f} s of screen ({result.width}x{result.height}) to {out}",
            {
                "path": str(out),
                "seconds": round(result.seconds, 3),
                "frames": result.frames,
                "width": result.width,
                "height": result.height,
            },
        )
        return RecordingResult(out, result.seconds, result.frames, result.width, result.height)

    def _config(self, device: Device, mode: str, size: str | None) -> StreamConfig:
        from adb_backend import screen as backend

        try:
            mode_obj = backend.colour_mode(mode)
            shot_size = _device_size(device)
            return backend.stream_config(mode_obj, shot_size, size=size)
        except ValueError as error:
            raise UsageError(str(error)) from None

    def _default_path(self, record: SessionRecord, ext: str) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")[:-3]
        return self.services.settings.resolved_screenshots_dir() / f"{record.id}-{stamp}.{ext}"

    # -- live stream ---------------------------------------------------------------------------------
    def open_stream(
        self,
        session_id: str | None,
        mode: str | None = None,
        *,
        size: str | None = None,
        raw_sink: Callable[[bytes], None] | None = None,
        decode: bool = True,
        time_limit: int | None = None,
    ) -> LiveScreen:
        """Start the live screen (decoded frames, and/or raw H.264 to `raw_sink`); close() it when done."""
        from adb_backend import screen as backend

        record = self._viewable(session_id)
        chosen = mode or self.default_mode(record)

        def prepare(device: Device) -> tuple[Device, int, StreamConfig]:
            return device, backend.api_level(device), self._config(device, chosen, size)

        device, api, config = self.sessions.on_device(record, prepare)
        live = LiveScreen(self, record, device, config, api, raw_sink=raw_sink, decode=decode, time_limit=time_limit)
        live.start()
        self.sessions.log(
            record,
            EventKind.SCREEN_STREAM_OPENED,
            f"Live screen opened: {config.mode.label}, {config.size[0]}x{config.size[1]}"
            f"{' (scaled)' if config.scaled else ''}",
            {
                "mode": config.mode.name,
                "width": config.size[0],
                "height": config.size[1],
                "bit_rate": config.bit_rate,
                "scaled": config.scaled,
            },
        )
        live.opened()
        return live

    # -- privacy pause -------------------------------------------------------------------------------
    def pause(self, session_id: str | None, *, by: str | None = None) -> SessionRecord:
        record = self.sessions.guard(session_id)
        if record.paused:
            return record
        actor = by or self.sessions.me
        who = "The customer" if actor == "customer" else actor
        self.sessions.log(
            record,
            EventKind.SCREEN_PAUSED,
            f"{who} paused screen sharing: nothing is captured",
            {"by": actor},
            actor=actor,
            session_updates={"paused": True},
        )
        updated: SessionRecord = self.services.store.get_session(record.id)
        return updated

    def resume(self, session_id: str | None, *, by: str | None = None) -> SessionRecord:
        record = self.sessions.guard(session_id)
        if not record.paused:
            return record
        actor = by or self.sessions.me
        who = "The customer" if actor == "customer" else actor
        self.sessions.log(
            record,
            EventKind.SCREEN_RESUMED,
            f"{who} resumed screen sharing",
            {"by": actor},
            actor=actor,
            session_updates={"paused": False},
        )
        updated: SessionRecord = self.services.store.get_session(record.id)
        return updated


def _ended_check(services: Services, session_id: str, every: float = 0.2) -> Callable[[], bool]:
    """A `stop` for long device work: has the session ended? (asks the store at most every `every` s)."""
    import time

    last = [0.0, False]

    def ended() -> bool:
        now = time.monotonic()
        if not last[1] and now - last[0] >= every:
            last[0] = now
            try:
                last[1] = services.store.get_session(session_id).ended
            except BtError:
                pass
        return bool(last[1])

    return ended


def _device_size(device: Device) -> tuple[int, int]:
    """The display size from `wm size` (override first), else from a screenshot."""
    result = device.shell(["wm", "size"], timeout=15)
    size = None
    for line in result.stdout.splitlines():
        _, _, value = line.partition(":")
        width, sep, height = value.strip().partition("x")
        if sep and width.isdigit() and height.isdigit():
            size = (int(width), int(height))  # the override line comes last and wins
    if size is None:
        from adb_backend.screen import screenshot

        shot = screenshot(device)
        size = (shot.width, shot.height)
    return size


class LiveScreen:
    """The live stream of one session, stopped while the session is paused and restarted after."""

    def __init__(
        self,
        service: ScreenService,
        record: SessionRecord,
        device: Device,
        config: StreamConfig,
        api: int,
        *,
        raw_sink: Callable[[bytes], None] | None = None,
        decode: bool = True,
        time_limit: int | None = None,
    ) -> None:
        self.service = service
        self.record = record
        self.device = device
        self.config = config
        self.api = api
        self.raw_sink = raw_sink
        self.decode = decode
        self.time_limit = time_limit
        self.paused = False
        self.ended = False
        self._stream: ScreenStream | None = None
        self._closed = threading.Event()
        self._watcher: threading.Thread | None = None
        self._lock = threading.Lock()
        self._fallback_lock = threading.Lock()
        self._opened = False
        self._pending_fallbacks: list[tuple[tuple[int, int], tuple[int, int], str]] = []

    def _new_stream(self) -> ScreenStream:
        from adb_backend.screen import ScreenStream

        if self._stream is not None:  # after a pause: keep the size the device's encoder accepted
            self.config = self._stream.config
        return ScreenStream(
            self.device,
            self.config,
            api_level=self.api,
            time_limit=self.time_limit,
            raw_sink=self.raw_sink,
            decode=self.decode,
            on_fallback=self._fell_back,
        ).start()

    def opened(self) -> None:
        """The "opened" event is written: step-downs the stream made before it follow it in the transcript."""
        with self._fallback_lock:
            self._opened = True
            pending, self._pending_fallbacks = self._pending_fallbacks, []
            for args in pending:
                self._log_fallback(*args)

    def _fell_back(self, refused: tuple[int, int], size: tuple[int, int], said: str) -> None:
        """The device's encoder refused `refused` (reader thread): logged once the stream is announced."""
        with self._fallback_lock:
            if self._opened:
                self._log_fallback(refused, size, said)
            else:
                self._pending_fallbacks.append((refused, size, said))

    def _log_fallback(self, refused: tuple[int, int], size: tuple[int, int], said: str) -> None:
        """The transcript says the stream now runs smaller, and what the device said."""
        text, data = fallback_event("Live screen", refused, size, said)
        try:
            self.service.sessions.log(self.record, EventKind.SCREEN_STREAM_FALLBACK, text, data)
        except Exception:  # the stream goes on even when the transcript is unavailable
            pass

    def start(self) -> None:
        from bt_core.errors import backend_errors

        with backend_errors():
            self._stream = self._new_stream()
        self._watcher = threading.Thread(target=self._watch, name="screen-pause-watch", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        """Follow the session's pause flag (set from any process) and end with the session."""
        store = self.service.services.store
        while not self._closed.wait(POLL_SECONDS):
            try:
                record = store.get_session(self.record.id)
            except Exception:  # the store is briefly busy: try again next tick
                continue
            with self._lock:
                if record.ended:
                    self.ended = True
                    self._stop_stream()
                    self._closed.set()
                elif record.paused and not self.paused:
                    self.paused = True
                    self._stop_stream()
                elif not record.paused and self.paused:
                    self.paused = False
                    try:
                        self._stream = self._new_stream()
                    except Exception:  # the device went away while paused: leave it stopped
                        self.ended = True
                        self._closed.set()

    def _stop_stream(self) -> None:
        if self._stream is not None:
            self._stream.stop()
            self.config = self._stream.config
            self._stream = None

    @property
    def size(self) -> tuple[int, int]:
        """The size being streamed now (smaller than asked when the device's encoder refused it)."""
        stream = self._stream
        return stream.config.size if stream is not None else self.config.size

    @property
    def device_said(self) -> str:
        """What screenrecord last printed (a warning, or why it stopped), for the technician."""
        stream = self._stream
        return stream.device_said if stream is not None else ""

    @property
    def running(self) -> bool:
        """Still worth waiting on: open, and either capturing or paused."""
        if self._closed.is_set():
            return False
        stream = self._stream
        return self.paused or (stream is not None and stream.running)

    @property
    def error(self) -> BtError | None:
        """Why the stream stopped, as a BtError carrying the device's own words (None while healthy)."""
        from bt_core.errors import from_backend

        stream = self._stream
        error = stream.error if stream is not None else None
        return from_backend(error) if error is not None else None

    def latest(self, timeout: float | None = None) -> Frame | None:
        """The newest decoded frame not seen yet (None while paused, or if none came in time)."""
        stream = self._stream
        if stream is None or self.paused:
            if timeout:
                self._closed.wait(min(timeout, POLL_SECONDS))
            return None
        return stream.latest(timeout)

    def stats(self) -> StreamStats | None:
        stream = self._stream
        return stream.stats() if stream is not None else None

    def close(self) -> None:
        if self._closed.is_set() and self._stream is None:
            return
        stats = self.stats()
        self._closed.set()
        with self._lock:
            self._stop_stream()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=2)
        data = (
            {"bytes": stats.bytes_total, "frames": stats.frames_decoded, "seconds": round(stats.elapsed, 3)}
            if stats
            else {}
        )
        try:
            self.service.sessions.log(self.record, EventKind.SCREEN_STREAM_CLOSED, "Live screen closed", data)
        except Exception:  # closing must not fail because the transcript is unavailable
            pass

    def __enter__(self) -> LiveScreen:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fallback_event(what: str, refused: tuple[int, int], size: tuple[int, int], said: str) -> tuple[str, dict[str, Any]]:
    """The text and data of a step down to a size the device's encoder takes (stream or recording)."""
    text = f"{what} fell back to {size[0]}x{size[1]}: the device's encoder refused {refused[0]}x{refused[1]}"
    data: dict[str, Any] = {
        "refused_width": refused[0],
        "refused_height": refused[1],
        "width": size[0],
        "height": size[1],
    }
    if said:
        data["device_said"] = said
    return text, data
