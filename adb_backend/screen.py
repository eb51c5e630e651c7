"""The device's screen: PNG screenshots, and a live H.264 stream from `screenrecord` decoded with PyAV.

The stream is built for a viewer, not an archive: a reader thread reads `screenrecord --output-format=h264 -`
as it arrives, decodes every access unit (H.264 P-frames need their predecessors) and keeps only the
*latest* decoded frame in a one-slot buffer, so a slow consumer sees fresh frames, never a backlog.
Android up to 13 stops screenrecord after 180 s; the reader restarts it and carries on with the same
decoder. A screenrecord that fails at once is not restarted in a loop: see `ScreenStream`.
PyAV is imported inside functions only, so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import io
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from adb_backend.device import Device, Stream
from adb_backend.errors import BackendError, DeviceRefused, DeviceTimeout

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
LEGACY_TIME_LIMIT = 180
"""screenrecord's maximum recording time up to Android 13 (API 33); API 34 accepts `--time-limit 0`."""
_AUD = b"\x00\x00\x00\x01\x09\xf0"
"""An H.264 access unit delimiter: fed to the parser after a pause so it releases the frame it holds."""
FLUSH_AFTER_SECONDS = 0.03
MAX_FAILED_STARTS = 4
"""Consecutive screenrecord runs that end without any video before the stream gives up."""
RESTART_BACKOFF = (0.25, 0.5, 1.0, 2.0)
"""Seconds to wait before restarting a screenrecord that produced no video (then the last value)."""
_START_CODES = (b"\x00\x00\x00\x01", b"\x00\x00\x01")
_HEAD_LIMIT = 64 * 1024


def split_device_text(head: bytes) -> tuple[str, bytes] | None:
    """Split screenrecord's output start into (text the device printed, H.264 from the first start code).

    `exec:` merges stderr into stdout, so a warning or an error arrives in the same bytes as the video.
    None while no start code has arrived yet (more bytes are needed, or the run is only text).
    """
    positions = [head.find(code) for code in _START_CODES]
    found = [p for p in positions if p >= 0]
    if not found:
        return None
    start = min(found)
    return head[:start].decode("utf-8", "replace").strip(), head[start:]


# -- screenshots -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PngShot:
    """A full-resolution PNG straight from `screencap -p`."""

    png: bytes
    width: int
    height: int


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk; DeviceRefused-free ValueError when it is not a PNG."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return struct.unpack(">II", data[16:24])


def screenshot(device: Device, *, timeout: float | None = 60.0, display: int | None = None) -> PngShot:
    """`screencap -p` as a PNG, with the device's warnings kept out of the picture.

    Shell protocol v2 (Android 7+) keeps stdout and stderr apart, so the warning a multi-display phone
    prints ("[Warning] Multiple displays were found...") stays out of the PNG. Without v2, `exec:` merges
    the two streams: a warning there is refused with a clear error rather than saved as a broken PNG.
    """
    argv = ["screencap", "-p"] + (["-d", str(display)] if display is not None else [])
    said = ""
    if "shell_v2" in device.features():
        data, err, code = device.shell_bytes(argv, timeout=timeout)
        said = err.decode("utf-8", "replace").strip()
        if code != 0 and not data.startswith(PNG_SIGNATURE):
            data = b""
    else:
        data = device.exec_out(argv, timeout=timeout)
    try:
        width, height = png_size(data)
    except ValueError:
        text = said or data[:300].decode("utf-8", "replace").strip() or "no output"
        reason = " ".join(text.split())[:300]
        if PNG_SIGNATURE in data:
            reason = f"its messages were mixed into the picture ({reason[:120]}...)"
        raise DeviceRefused(
            f"{device.serial}: screencap did not return a PNG: {reason}", reason=reason, serial=device.serial
        ) from None
    return PngShot(data, width, height)


# -- colour modes ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColourMode:
    """A trade of detail for bandwidth: scale of the device size, encoder bit rate, viewer palette."""

    name: str
    label: str
    scale: float
    bit_rate: int
    colors: int | None  # 2 = 1-bit, 16, 256, None = full colour
    favours_fps: bool = False


MODES: dict[str, ColourMode] = {
    "bw": ColourMode("bw", "Black and White", 0.5, 1_000_000, 2),
    "few": ColourMode("few", "Few Colors", 0.5, 2_000_000, 16),
    "more": ColourMode("more", "More Colors", 0.75, 4_000_000, 256),
    "full": ColourMode("full", "Full Color", 1.0, 8_000_000, None),
    "video": ColourMode("video", "Video Optimized", 0.5, 6_000_000, None, favours_fps=True),
}
_ALIASES = {
    "black-and-white": "bw",
    "few-colors": "few",
    "more-colors": "more",
    "full-color": "full",
    "video-optimized": "video",
}


def colour_mode(name: str) -> ColourMode:
    key = _ALIASES.get(name.strip().lower().replace(" ", "-"), name.strip().lower())
    if key not in MODES:
        raise ValueError(f"unknown colour mode {name!r}: choose one of {', '.join(MODES)}")
    return MODES[key]


@dataclass(frozen=True)
class StreamConfig:
    """What screenrecord is asked for, and what the viewer does with it."""

    mode: ColourMode
    device_size: tuple[int, int]
    size: tuple[int, int]  # encoded size (actual = device size, or scaled)
    bit_rate: int

    @property
    def scaled(self) -> bool:
        return self.size != self.device_size

    def to_device(self, x: float, y: float) -> tuple[int, int]:
        """A point on the stream's frame in device pixels (input always uses device pixels)."""
        return (round(x * self.device_size[0] / self.size[0]), round(y * self.device_size[1] / self.size[1]))


def stream_config(
    mode: ColourMode | str,
    device_size: tuple[int, int],
    *,
    size: tuple[int, int] | str | None = None,
    bit_rate: int | None = None,
) -> StreamConfig:
    """The mode's scaled size (multiples of 8, as encoders like), `"actual"` for the device size, or WxH."""
    mode = colour_mode(mode) if isinstance(mode, str) else mode
    if size == "actual":
        chosen = device_size
    elif isinstance(size, str):
        chosen = parse_size(size)
    elif size is not None:
        chosen = size
    else:
        chosen = tuple(max(8, int(v * mode.scale) // 8 * 8) for v in device_size)  # type: ignore[assignment]
    return StreamConfig(mode, device_size, (int(chosen[0]), int(chosen[1])), bit_rate or mode.bit_rate)


def parse_size(text: str) -> tuple[int, int]:
    width, sep, height = text.lower().partition("x")
    if not sep or not width.isdigit() or not height.isdigit() or int(width) < 2 or int(height) < 2:
        raise ValueError(f"size {text!r} must look like WIDTHxHEIGHT, e.g. 540x1200")
    return (int(width), int(height))


def fallback_sizes(size: tuple[int, int]) -> list[tuple[int, int]]:
    """Smaller sizes, same aspect, multiples of 8, to try when the encoder refuses `size`.

    With an explicit `--size` screenrecord does no fallback of its own (only its default size retries
    at 720p), so the stream steps down: a long side of 1920, then 1280, then 960.
    """
    width, height = size
    long_side = max(width, height)
    out: list[tuple[int, int]] = []
    for target in (1920, 1280, 960):
        if target >= long_side:
            continue
        scale = target / long_side
        candidate = (max(8, int(width * scale) // 8 * 8), max(8, int(height * scale) // 8 * 8))
        if candidate not in out and candidate != size:
            out.append(candidate)
    return out


def screenrecord_argv(config: StreamConfig, api_level: int, time_limit: int | None = None) -> list[str]:
    """The command line: raw H.264 on stdout, as long as the Android version allows."""
    if time_limit is None:
        time_limit = 0 if api_level >= 34 else LEGACY_TIME_LIMIT
    w, h = config.size
    return [
        "screenrecord",
        "--output-format=h264",
        "--size",
        f"{w}x{h}",
        "--bit-rate",
        str(config.bit_rate),
        "--time-limit",
        str(time_limit),
        "-",
    ]


# -- decoded frames --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Frame:
    """One decoded frame: when it arrived (wall clock and monotonic), its number, and the picture."""

    index: int
    received_at: float  # time.time() when its last byte arrived
    received_mono: float
    width: int
    height: int
    video_frame: Any = field(repr=False)  # av.VideoFrame; converted lazily, on the consumer's thread
    colors: int | None = None

    def image(self, *, palette: bool = True) -> Any:
        """A PIL image, reduced to the colour mode's palette (1-bit, 16, 256) unless palette=False."""
        image = self.video_frame.to_image()
        if not palette or self.colors is None:
            return image
        if self.colors == 2:
            return image.convert("1")
        from PIL import Image

        return image.quantize(self.colors, method=Image.Quantize.FASTOCTREE)


@dataclass(frozen=True)
class StreamStats:
    bytes_total: int
    bytes_per_second: float
    frames_decoded: int
    frames_taken: int
    frames_dropped: int
    restarts: int
    elapsed: float

    @property
    def fps(self) -> float:
        return self.frames_decoded / self.elapsed if self.elapsed > 0 else 0.0


class H264Decoder:
    """Annex-B bytes in, decoded frames out; `flush_pending()` releases the frame the parser holds back."""

    def __init__(self) -> None:
        import av

        self._codec = av.CodecContext.create("h264", "r")
        self._codec.thread_type = "SLICE"  # frame threads would add a frame of latency per thread
        self.pending = False

    def feed(self, data: bytes) -> list[Any]:
        frames = []
        for packet in self._codec.parse(data):
            frames.extend(self._decode(packet))
        self.pending = self.pending or bool(data)  # the parser always holds back the unit it is reading
        return frames

    def flush_pending(self) -> list[Any]:
        """After a pause in the data, the frame so far is complete: an AUD makes the parser emit it."""
        frames = []
        for packet in self._codec.parse(_AUD):
            frames.extend(self._decode(packet))
        self.pending = False
        return frames

    def _decode(self, packet: Any) -> list[Any]:
        import av

        try:
            return list(self._codec.decode(packet))
        except av.error.InvalidDataError:  # a damaged packet: skip it, the next key frame heals
            return []


# -- the live stream -------------------------------------------------------------------------------------
class ScreenStream:
    """A running screenrecord whose latest decoded frame is always at hand.

    `raw_sink` receives the H.264 bytes as they arrive (for `bt screen stream` and recordings);
    `decode=False` skips decoding when only the bytes are wanted. A screenrecord that ends after sending
    video (its time limit) is restarted at once; one that ends without video (a refused size, an old
    Android refusing an option, no encoder) is retried at a smaller size, then with a growing pause, and
    after `max_failed_starts` such runs the stream stops with the device's own words in `error`.
    """

    def __init__(
        self,
        device: Device,
        config: StreamConfig,
        *,
        api_level: int = 34,
        time_limit: int | None = None,
        raw_sink: Callable[[bytes], None] | None = None,
        decode: bool = True,
        on_packet: Callable[[bytes, float], None] | None = None,
        fallback: bool = True,
        max_failed_starts: int = MAX_FAILED_STARTS,
        on_fallback: Callable[[tuple[int, int], tuple[int, int], str], None] | None = None,
    ) -> None:
        self.device = device
        self.config = config
        self._fallbacks = fallback_sizes(config.size) if fallback else []
        self.fallbacks_used: list[tuple[int, int]] = []
        """Smaller sizes the stream moved to because the device's encoder refused the one asked for."""
        self.on_fallback = on_fallback
        """Told (refused size, new size, what the device said) from the reader thread at each step down."""
        self.device_said = ""
        """The last text screenrecord printed (warnings, or why it stopped)."""
        self.max_failed_starts = max_failed_starts
        self.api_level = api_level
        self.time_limit = time_limit
        self.raw_sink = raw_sink
        self.decode = decode
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._taken_index = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._stream: Stream | None = None
        self.error: BackendError | None = None
        self._bytes = 0
        self._decoded = 0
        self._taken = 0
        self._dropped = 0
        self.restarts = 0
        self._started = 0.0
        self._window: list[tuple[float, int]] = []

    # -- life cycle
    def start(self) -> ScreenStream:
        self._started = time.monotonic()
        self._stream = self._open()  # errors (no screenrecord, offline) surface here, in the caller's thread
        self._thread = threading.Thread(target=self._run, name=f"screen-{self.device.serial}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        _close_quietly(self._stream)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        with self._cond:
            self._cond.notify_all()

    close = stop

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> ScreenStream:
        return self.start() if self._thread is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- consumer side
    def latest(self, timeout: float | None = None, *, newer_than: int | None = None) -> Frame | None:
        """The newest frame (waiting up to `timeout` for one newer than `newer_than`, default: the last taken)."""
        after = self._taken_index if newer_than is None else newer_than
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while (self._latest is None or self._latest.index <= after) and not self._stop.is_set():
                if self.error is not None or (self._thread is not None and not self._thread.is_alive()):
                    break
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    break
                self._cond.wait(remaining)
            frame = self._latest
            if frame is None or frame.index <= after:
                return None
            self._taken_index = frame.index
            self._taken += 1
            return frame

    def stats(self) -> StreamStats:
        now = time.monotonic()
        with self._cond:
            recent = [(t, n) for t, n in self._window if now - t <= 1.0]
            self._window = recent
            rate = float(sum(n for _, n in recent))
            return StreamStats(
                self._bytes,
                rate,
                self._decoded,
                self._taken,
                self._dropped,
                self.restarts,
                now - self._started if self._started else 0.0,
            )

    # -- reader thread
    def _open(self) -> Stream:
        argv = screenrecord_argv(self.config, self.api_level, self.time_limit)
        stream = self.device.open_exec(argv, timeout=None)
        return stream

    def _fail_or_retry(self, said: str, failures: int) -> bool:
        """After a run without video: step down in size, or wait and retry; False when it is hopeless."""
        self.device_said = said or self.device_said
        refused_size = not said or any(word in said for word in ("codec", "configure", "encoder", "size"))
        if self._fallbacks and refused_size:
            size, refused = self._fallbacks.pop(0), self.config.size
            self.config = with_size(self.config, size)
            self.fallbacks_used.append(size)
            if self.on_fallback is not None:
                with contextlib.suppress(Exception):  # the listener's failure must not stop the stream
                    self.on_fallback(refused, size, said)
            return True
        if failures >= self.max_failed_starts:
            w, h = self.config.size
            what = f": {self.device_said}" if self.device_said else " (it printed nothing)"
            self.error = DeviceRefused(
                f"{self.device.serial}: screenrecord stopped at once {failures} times at {w}x{h}{what}",
                reason=self.device_said or "screenrecord produced no video",
                serial=self.device.serial,
            )
            return False
        delay = RESTART_BACKOFF[min(failures, len(RESTART_BACKOFF)) - 1]
        return not self._stop.wait(delay)

    def _run(self) -> None:
        import select

        decoder = H264Decoder() if self.decode else None
        index = 0
        stream = self._stream
        assert stream is not None  # start() opened it
        head = bytearray()  # this run's bytes until its first H.264 start code
        video = False  # this run has produced video
        failures = 0
        try:
            while not self._stop.is_set():
                ready = True
                if decoder is not None and decoder.pending:
                    ready = bool(select.select([stream.socket], [], [], FLUSH_AFTER_SECONDS)[0])
                if not ready and decoder is not None:
                    index = self._publish(decoder.flush_pending(), index)
                    continue
                try:
                    chunk = stream.read(1 << 18)
                except BackendError:
                    if self._stop.is_set():
                        return
                    raise
                if not chunk:
                    # screenrecord ended: its time limit (restart at once, same decoder), or a failure
                    _close_quietly(stream)
                    if self._stop.is_set():
                        return
                    if decoder is not None and decoder.pending:
                        index = self._publish(decoder.flush_pending(), index)
                    if video:
                        failures = 0
                    else:
                        failures += 1
                        said = bytes(head).decode("utf-8", "replace").strip()
                        if not self._fail_or_retry(" ".join(said.split())[:500], failures):
                            return
                    head.clear()
                    video = False
                    stream = self._stream = self._open()
                    self.restarts += 1
                    continue
                if not video:
                    head += chunk
                    split = split_device_text(bytes(head))
                    if split is None:
                        if len(head) > _HEAD_LIMIT:  # no start code in this much output: not a video stream
                            self.error = DeviceRefused(
                                f"{self.device.serial}: screenrecord sent no H.264 video",
                                serial=self.device.serial,
                            )
                            return
                        continue
                    said, chunk = split
                    if said:
                        self.device_said = " ".join(said.split())[:500]
                    video = True
                    head.clear()
                arrived = time.monotonic()
                with self._cond:
                    self._bytes += len(chunk)
                    self._window.append((arrived, len(chunk)))
                    if len(self._window) > 4096:
                        self._window = [(t, n) for t, n in self._window if arrived - t <= 1.0]
                if self.raw_sink is not None:
                    self.raw_sink(chunk)
                if decoder is not None:
                    index = self._publish(decoder.feed(chunk), index)
        except BackendError as error:
            self.error = error
        except OSError as error:  # the raw sink's pipe closed (a viewer quit): stop quietly
            if not self._stop.is_set():
                self.error = DeviceRefused(f"stream output closed: {error}")
        finally:
            self._stop.set()
            _close_quietly(stream)
            with self._cond:
                self._cond.notify_all()

    def _publish(self, frames: list[Any], index: int) -> int:
        if not frames:
            return index
        now, mono = time.time(), time.monotonic()
        with self._cond:
            for video_frame in frames:
                index += 1
                self._decoded += 1
                if self._latest is not None and self._latest.index > self._taken_index:
                    self._dropped += 1  # never queue: the unseen older frame is replaced
                self._latest = Frame(
                    index, now, mono, video_frame.width, video_frame.height, video_frame, self.config.mode.colors
                )
            self._cond.notify_all()
        return index


def _close_quietly(stream: Stream | None) -> None:
    """Close a device stream that the other thread may have closed already."""
    if stream is None:
        return
    try:
        stream.close()
    except Exception:  # adbutils raises AttributeError on a second close
        pass


# -- recordings ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Recording:
    path: Path
    seconds: float
    frames: int
    bytes_h264: int
    width: int
    height: int


class _NoVideo(Exception):
    """A screenrecord run ended without any H.264 (its words, if it printed any, are the message)."""


class _Stopped(Exception):
    """The caller asked the recording to stop (the session ended): nothing is written."""


def record_mp4(
    device: Device,
    out: Path,
    seconds: float,
    config: StreamConfig,
    *,
    api_level: int = 34,
    stop: Callable[[], bool] | None = None,
    on_fallback: Callable[[tuple[int, int], tuple[int, int], str], None] | None = None,
) -> Recording | None:
    """Record `seconds` of screen into an MP4: screenrecord's H.264, remuxed by PyAV without re-encoding.

    Each access unit is stamped with its arrival time, so a screen that changes rarely still plays at the
    right pace, and the file lasts as long as the recording did. When the encoder refuses the size, the
    recording steps down to a smaller one (see `fallback_sizes`); the device's words end it otherwise.
    `stop` is asked at least every 0.2 s; when it says yes, the device's screenrecord is hung up and
    nothing is written (returns None). `on_fallback` is told (refused size, next size, what the device
    said) before each step down.
    """
    said = ""
    sizes = [config.size, *fallback_sizes(config.size)]
    for index, size in enumerate(sizes):
        try:
            return _record_mp4(device, out, seconds, with_size(config, size), api_level, stop)
        except _Stopped:
            return None
        except _NoVideo as failure:
            said = str(failure) or said
            if on_fallback is not None and index + 1 < len(sizes):
                on_fallback(size, sizes[index + 1], str(failure))
    w, h = config.size
    raise DeviceRefused(
        f"{device.serial}: screenrecord produced no video at {w}x{h} or smaller"
        + (f": {said}" if said else " (it printed nothing)"),
        reason=said or "screenrecord produced no video",
        serial=device.serial,
    )


def _read_or_stop(stream: Stream, stop: Callable[[], bool] | None) -> bytes:
    """The next chunk of the recording ('' at its end); raises _Stopped as soon as `stop` says so."""
    while True:
        try:
            chunk = stream.read(1 << 18)
        except DeviceTimeout:
            if stop is None:
                raise
            if stop():
                raise _Stopped from None
            continue
        if chunk and stop is not None and stop():
            raise _Stopped
        return chunk


def _record_mp4(
    device: Device, out: Path, seconds: float, config: StreamConfig, api_level: int, stop: Callable[[], bool] | None
) -> Recording:
    import av

    parser = av.CodecContext.create("h264", "r")
    units: list[tuple[bytes, float, bool]] = []
    start = time.monotonic()
    limit_total = max(1, round(seconds))
    remaining = limit_total
    raw = bytearray()
    while remaining > 0:
        segment = min(remaining, LEGACY_TIME_LIMIT) if api_level < 34 else remaining
        argv = screenrecord_argv(config, api_level, time_limit=segment)
        began = time.monotonic()
        head = bytearray()
        video = False
        with device.open_exec(argv, timeout=None) as stream:
            if stop is not None:
                stream.settimeout(0.2)  # a still screen sends nothing for long: wake to ask `stop`
            previous = time.monotonic() - start
            while chunk := _read_or_stop(stream, stop):
                if not video:  # text the device printed before the video (exec: merges stderr)
                    head += chunk
                    split = split_device_text(bytes(head))
                    if split is None:
                        continue
                    chunk, video = split[1], True
                raw += chunk
                now = time.monotonic() - start
                for packet in parser.parse(chunk):  # a unit comes out when the next begins: it ended earlier
                    units.append((bytes(packet), previous, bool(packet.is_keyframe)))
                previous = now
        if not video:
            if not raw:
                raise _NoVideo(" ".join(bytes(head).decode("utf-8", "replace").split())[:500])
            break  # a later segment failed: keep what was recorded
        remaining -= max(1, round(time.monotonic() - began)) if api_level < 34 else remaining
    end = time.monotonic() - start
    for packet in parser.parse(_AUD):
        units.append((bytes(packet), end, bool(packet.is_keyframe)))
    for packet in parser.parse(None):
        units.append((bytes(packet), end, bool(packet.is_keyframe)))
    units = [u for u in units if u[0] and u[0] != _AUD]
    if not units:
        raise _NoVideo("")
    width, height = _mux_mp4(bytes(raw), units, out, end)
    return Recording(out, end - units[0][1], len(units), len(raw), width, height)


def _mux_mp4(raw: bytes, units: list[tuple[bytes, float, bool]], out: Path, end: float) -> tuple[int, int]:
    """Copy the H.264 into MP4: stream parameters from the raw stream's demuxer, timestamps from arrival."""
    from fractions import Fraction

    import av

    with av.open(io.BytesIO(raw), format="h264") as source:
        template = source.streams.video[0]
        width, height = template.codec_context.width, template.codec_context.height
        out.parent.mkdir(parents=True, exist_ok=True)
        with av.open(str(out), "w", format="mp4") as target:
            stream = target.add_stream_from_template(template)
            stream.time_base = Fraction(1, 1000)
            first = units[0][1]
            times = [round((t - first) * 1000) for _, t, _ in units]
            times = _strictly_increasing(times)
            total_ms = max(times[-1] + 1, round((end - first) * 1000))
            for i, (data, _, key) in enumerate(units):
                packet = av.Packet(data)
                packet.stream = stream
                packet.time_base = Fraction(1, 1000)
                packet.pts = packet.dts = times[i]
                nxt = times[i + 1] if i + 1 < len(times) else total_ms
                packet.duration = max(1, nxt - times[i])
                packet.is_keyframe = key
                target.mux(packet)
    return width, height


def _strictly_increasing(values: list[int]) -> list[int]:
    out: list[int] = []
    for value in values:
        out.append(max(value, out[-1] + 1) if out else value)
    return out


def decode_file_fps(path: Path, limit: int | None = None) -> tuple[int, float]:
    """Decode-only speed of a raw H.264 or MP4 file: (frames, seconds). For the benchmark."""
    import av

    frames = 0
    began = time.perf_counter()
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _frame in container.decode(stream):
            frames += 1
            if limit and frames >= limit:
                break
    return frames, time.perf_counter() - began


def api_level(device: Device) -> int:
    """ro.build.version.sdk; DeviceRefused when it cannot be read (options differ by version: no guessing)."""
    result = device.shell(["getprop", "ro.build.version.sdk"], timeout=15)
    text = result.stdout.strip()
    if not text.isdigit():
        said = result.reason if not result.ok or result.stderr.strip() else (text or "an empty answer")
        raise DeviceRefused(
            f"{device.serial}: could not read the Android version (getprop ro.build.version.sdk: {said})",
            reason=said,
            serial=device.serial,
        )
    return int(text)


def with_size(config: StreamConfig, size: tuple[int, int]) -> StreamConfig:
    return replace(config, size=size)
