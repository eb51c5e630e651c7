"""`screencap` and `screenrecord`: the device's screen as PNG/raw bytes and as live H.264.

Options, messages and exit codes follow AOSP's cmds/screencap and cmds/screenrecord (Android 14,
with the Android 10-13 time-limit rule when the profile's API level is 33 or lower).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import tempfile
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from virtual_device.commands import CommandContext, command
from virtual_device.commands.options import UsageError, spec

if TYPE_CHECKING:
    from PIL import Image

    from virtual_device.profiles import Encoder
    from virtual_device.screen.encoder import H264Encoder

SCREENCAP_USAGE = """usage: screencap [-hp] [-d display-id] [FILENAME]
   -h: this message
   -p: save the file as a png.
   -d: specify the physical display ID to capture (default: 0)
       see "dumpsys SurfaceFlinger --display-id" for valid display IDs.
If FILENAME ends with .png it will be saved as a png.
If FILENAME is not given, the results will be printed to stdout.
"""

TIMESTAMP_PROP = "debug.bt.frame_timestamps"
DEFAULT_BIT_RATE = 20_000_000
MIN_BIT_RATE, MAX_BIT_RATE = 100_000, 200_000_000
MAX_TIME_LIMIT = 180
MAX_FPS = 60
IDLE_FRAME_SECONDS = 1.0  # a static screen still gets a frame this often


def _timestamps_on(ctx: CommandContext) -> bool:
    props = getattr(ctx.device, "props", {}) or {}
    return bool(ctx.device.screen.frame_timestamps or props.get(TIMESTAMP_PROP) == "1")


def _display_ids(ctx: CommandContext) -> tuple[int, ...]:
    version = getattr(ctx.device, "version", None)
    return tuple(version.display_ids) if version is not None else (4619827259835644672,)


def _encoder(ctx: CommandContext) -> Encoder | None:
    version = getattr(ctx.device, "version", None)
    return version.encoder if version is not None else None


def _api_level(ctx: CommandContext) -> int:
    return int(getattr(ctx.device, "api_level", 34) or 34)


# -- screencap ----------------------------------------------------------------------------------------
@command("screencap")
async def screencap(ctx: CommandContext, argv: list[str]) -> int:
    png = False
    display: int | None = None
    args = argv[1:]
    files: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--" or not arg.startswith("-") or arg == "-":
            files.extend(args[i - 1 :] if arg != "--" else args[i:])
            break
        flags = arg[1:]
        for j, flag in enumerate(flags):
            if flag == "p":
                png = True
            elif flag == "h":
                await ctx.err(SCREENCAP_USAGE)
                return 0
            elif flag == "d":
                value = flags[j + 1 :] or (args[i] if i < len(args) else None)
                if value is None:
                    await ctx.err(f"{argv[0]}: option requires an argument -- 'd'\n{SCREENCAP_USAGE}")
                    return 1
                if not flags[j + 1 :]:
                    i += 1
                if not value.lstrip("-").isdigit():
                    await ctx.err(f"Invalid display id: {value}\n")
                    return 1
                display = int(value)
                break
            else:
                await ctx.err(f"{argv[0]}: invalid option -- '{flag}'\n{SCREENCAP_USAGE}")
                return 1
    if len(files) > 1:
        await ctx.err(SCREENCAP_USAGE)
        return 1
    if files and files[0].endswith(".png"):
        png = True
    displays = _display_ids(ctx)
    if display is None and len(displays) > 1:
        # screencap.cpp: several physical displays and no -d (foldables, cover screens)
        await ctx.err(
            "[Warning] Multiple displays were found, but no display id was specified! Defaulting to the "
            "first display found, however this default is not guaranteed to be consistent across "
            "captures. A display id should be specified.\n"
            "A display ID can be specified with the [-d display-id] option.\n"
            'See "dumpsys SurfaceFlinger --display-id" for valid display IDs.\n'
        )
    elif display is not None and display not in displays and display != 0:  # 0: the first display
        await ctx.err("Capturing failed.\n")
        return 1

    from virtual_device.screen.capture import png_bytes, raw_bytes

    screen = ctx.device.screen
    timestamps = _timestamps_on(ctx)

    def shoot() -> bytes:
        image = screen.render(timestamps=timestamps)
        return png_bytes(image) if png else raw_bytes(image)

    data = await asyncio.to_thread(shoot)
    if not files:
        await ctx.io.write_stdout(data)
        return 0
    path = ctx.resolve(files[0])
    try:
        with ctx.fs.open_write(path) as handle:
            handle.write(data)
    except OSError as exc:
        await ctx.err(f"Error opening file: {files[0]} ({exc.strerror or exc})\n")
        return 1
    return 0


# -- screenrecord -------------------------------------------------------------------------------------
def _usage(api_level: int) -> str:
    modern = api_level >= 34
    limit = (
        "    Set the maximum recording time, in seconds.  Default is 180. Set to 0\n    to remove the time limit.\n"
        if modern
        else "    Set the maximum recording time, in seconds.  Default / maximum is 180.\n"
    )
    return (
        "Usage: screenrecord [options] <filename>\n\n"
        f"Android screenrecord v1.{3 if modern else 2}.  Records the device's display to a .mp4 file.\n\n"
        "Options:\n"
        "--size WIDTHxHEIGHT\n"
        '    Set the video size, e.g. "1280x720".  Default is the device\'s main\n'
        "    display resolution (if supported), 1280x720 if not.  For best results,\n"
        "    use a size supported by the AVC encoder.\n"
        "--bit-rate RATE\n"
        "    Set the video bit rate, in bits per second.  Value may be specified as\n"
        "    bits or megabits, e.g. '4000000' is equivalent to '4M'.  Default 20Mbps.\n"
        "--bugreport\n"
        "    Add additional information, such as a timestamp overlay, that is helpful\n"
        "    in videos captured to illustrate bugs.\n"
        "--time-limit TIME\n" + limit + "--display-id ID\n"
        "    specify the physical display ID to record. Default is the primary display.\n"
        '    see "dumpsys SurfaceFlinger --display-id" for valid display IDs.\n'
        "--verbose\n"
        "    Display interesting information on stdout.\n"
        "--help\n"
        "    Show this message.\n\n"
        "Recording continues until Ctrl-C is hit or the time limit is reached.\n\n"
    )


@dataclass
class RecordOptions:
    size: tuple[int, int] | None = None
    bit_rate: int = DEFAULT_BIT_RATE
    time_limit: int = MAX_TIME_LIMIT
    output_format: str = "mp4"
    bugreport: bool = False
    verbose: bool = False
    help: bool = False
    path: str = ""


# screenrecord.cpp's longOptions (its short-option string is empty)
RECORD_OPTS = (
    "(help)(verbose)(bugreport)(show-device-info)(show-frame-time)(rotate)(monotonic-time)"
    "(persistent-surface)(size):(bit-rate):(time-limit):(output-format):(display-id):(codec-name):(bframes):"
)


# bionic's getopt_long is FreeBSD's built with GNU_COMPATIBLE (libc/upstream-freebsd, since Android 4.4),
# which words a long option's failure so, after "screenrecord: " (a short one: "invalid option -- x")
_GETOPT_TEXTS = {
    "unknown": "unrecognized option `--{}'",
    "missing": "option `--{}' requires an argument",
    "no-argument": "option `--{}' doesn't allow an argument",
    "ambiguous": "option `--{}' is ambiguous",
}


def _atoi(text: str) -> int:
    """C's atoi: leading sign and digits, 0 when there are none."""
    text = text.strip()
    sign, digits = (-1, text[1:]) if text.startswith("-") else (1, text.lstrip("+"))
    number = ""
    for ch in digits:
        if not ch.isdigit():
            break
        number += ch
    return sign * int(number) if number else 0


def _parse_bit_rate(text: str) -> int | None:
    number, rest = "", text
    for k, ch in enumerate(text):
        if ch.isdigit() or (k == 0 and ch in "+-"):
            number += ch
        else:
            rest = text[k:]
            break
    else:
        rest = ""
    if number in ("", "+", "-"):
        number, rest = "0", text
    value = int(number)
    if rest == "":
        return value
    if rest.upper() == "M":
        return value * 1_000_000
    return None


def _parse_size(text: str) -> tuple[int, int] | None:
    width, sep, height = text.partition("x")
    if not sep or not width.isdigit() or not height.isdigit():
        return None
    return (int(width), int(height))


async def _parse_record_args(ctx: CommandContext, argv: list[str]) -> RecordOptions | int:
    """RecordOptions, or the exit status after screenrecord's own message (parseArgs returns 2)."""
    prog = argv[0].rsplit("/", 1)[-1]
    try:
        parsed = spec(RECORD_OPTS).parse(argv)
    except UsageError as exc:
        option = exc.option
        if exc.reason == "unknown" and len(option) == 1:
            text = f"invalid option -- {option}"  # a short option: the string "" knows none
        else:
            text = _GETOPT_TEXTS.get(exc.reason, "{}").format(option or exc)
        await ctx.err(f"{prog}: {text}\n")
        return 2
    api = _api_level(ctx)
    opts = RecordOptions()
    # screenrecord acts on each option as getopt_long returns it: a bad value before --help ends the run
    for name, value in parsed.given:
        if name == "help":
            await ctx.err(_usage(api))
            return 0
        opts.verbose |= name == "verbose"
        opts.bugreport |= name == "bugreport"
        failure = _apply(opts, name, value or "", api)
        if failure is not None:
            await ctx.err(failure)
            return 2
    if len(parsed.args) != 1:
        await ctx.err("Must specify output file (see --help).\n")
        return 2
    opts.path = parsed.args[0]
    return opts


def _apply(opts: RecordOptions, name: str, value: str, api: int) -> str | None:
    """Set one option from its text; screenrecord's error line when the value is refused."""
    if name == "size":
        size = _parse_size(value)
        if size is None:
            return f"Invalid size '{value}', must be width x height\n"
        if 0 in size:
            return f"Invalid size {size[0]}x{size[1]}, width and height may not be zero\n"
        opts.size = size
    elif name == "bit-rate":
        rate = _parse_bit_rate(value)
        if rate is None:
            return f"Unrecognized value: {value}\n"
        if not MIN_BIT_RATE <= rate <= MAX_BIT_RATE:
            return f"Bit rate {rate}bps outside acceptable range [{MIN_BIT_RATE},{MAX_BIT_RATE}]\n"
        opts.bit_rate = rate
    elif name == "time-limit":
        limit = _atoi(value)
        if api <= 33 and (limit <= 0 or limit > MAX_TIME_LIMIT):
            return f"Time limit {limit}s outside acceptable range [1,{MAX_TIME_LIMIT}]\n"
        opts.time_limit = limit if limit >= 0 else 0
    elif name == "output-format":
        if value not in ("mp4", "h264"):
            return f"Unknown format '{value}'\n"
        opts.output_format = value
    elif name == "bframes" and _parse_bit_rate(value) is None:
        return f"Unrecognized value: {value}\n"
    return None


@command("screenrecord")
async def screenrecord(ctx: CommandContext, argv: list[str]) -> int:
    parsed = await _parse_record_args(ctx, argv)
    if isinstance(parsed, int):
        return parsed
    opts = parsed
    to_stdout = opts.output_format == "h264" and opts.path == "-"
    if to_stdout and opts.verbose:
        await ctx.err("ERROR: verbose output and '-' not compatible")
        return 255

    from virtual_device.screen.encoder import H264Encoder, even_size

    screen = ctx.device.screen
    width, height = even_size(*(opts.size or screen.size))
    encoder_caps = _encoder(ctx)
    if encoder_caps is not None and not encoder_caps.supports(width, height):
        # MediaCodec refuses the size; only the default size falls back to 720p (screenrecord.cpp)
        await ctx.err(f"ERROR: unable to configure video/avc codec at {width}x{height} (err=-2147483648)\n")
        if opts.size is not None:
            return 0  # main() returns the status_t UNKNOWN_ERROR: the exit status keeps its low byte, 0
        fallback = (720, 1280) if width < height else (1280, 720)
        await ctx.err(f"WARNING: failed at {width}x{height}, retrying at {fallback[0]}x{fallback[1]}\n")
        width, height = fallback
    handle = None
    if not to_stdout:
        path = ctx.resolve(opts.path)
        try:
            handle = ctx.fs.open_write(path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if opts.output_format == "mp4":
                await ctx.err(f"Unable to open '{opts.path}': {reason}\n")
                return 1
            await ctx.err(f"fopen raw failed: {reason}\n")
            return 255
    if opts.verbose:
        sw, sh = screen.size
        await ctx.out(
            f"Display is {sw}x{sh} @{MAX_FPS:.2f}fps (orientation=ROTATION_0), layerStack=0\n"
            f"Configuring recorder for {width}x{height} video/avc at {opts.bit_rate / 1e6:.2f}Mbps\n"
            f"Content area is {width}x{height} at offset x=0 y=0\n"
        )

    # the MP4 muxer seeks back to write sizes; device files are append-only streams, so spool first
    spool = tempfile.SpooledTemporaryFile(max_size=64 << 20) if opts.output_format == "mp4" else None
    encoder = H264Encoder(width, height, opts.bit_rate, output=cast(BinaryIO | None, spool))
    recorder = _Recorder(ctx, encoder, opts, handle, to_stdout, spool)
    try:
        reason = await recorder.run()
    finally:
        await recorder.finish()
    if opts.verbose:
        if reason == "limit":
            await ctx.out("Time limit reached\n")
        elapsed = int(time.monotonic() - recorder.started)
        await ctx.out(
            f"Encoder stopping; recorded {encoder.frames} frames in {elapsed} seconds\n"
            "Stopping encoder and muxer\n"
            "Executing: /system/bin/am broadcast -a android.intent.action.MEDIA_SCANNER_SCAN_FILE "
            f"-d file://{ctx.resolve(opts.path)}\n"
        )
    return 0


class _Recorder:
    """The frame loop: render the latest state when it changes (or every second), encode off-loop, send."""

    def __init__(
        self,
        ctx: CommandContext,
        encoder: H264Encoder,
        opts: RecordOptions,
        handle: Any,
        to_stdout: bool,
        spool: Any = None,
    ) -> None:
        self.ctx, self.encoder, self.opts, self.handle, self.to_stdout = ctx, encoder, opts, handle, to_stdout
        self.spool = spool
        self.last_pts = 0
        # one thread owns the encoder: frames are encoded in order and close() never races encode()
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="screenrecord")
        self.started = time.monotonic()
        self.stream_open = True

    async def run(self) -> str:
        screen = self.ctx.device.screen
        deadline = self.started + self.opts.time_limit if self.opts.time_limit > 0 else None
        version: int | None = None
        last_frame = 0.0
        loop = asyncio.get_running_loop()
        while True:
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                return "limit"
            if version is not None:
                timestamps = _timestamps_on(self.ctx)
                if timestamps or screen.animating(now):
                    await asyncio.sleep(max(0.0, last_frame + 1 / MAX_FPS - now))
                else:
                    wait = IDLE_FRAME_SECONDS - (now - last_frame)
                    if deadline is not None:
                        wait = min(wait, deadline - now)
                    if wait > 0:
                        await screen.wait_changed(version, timeout=wait)
                if deadline is not None and time.monotonic() >= deadline:
                    return "limit"
            version = screen.version
            timestamps = _timestamps_on(self.ctx)
            pts = int((time.monotonic() - self.started) * 1000)
            last_frame = time.monotonic()
            packets = await loop.run_in_executor(self.executor, self._frame, pts, timestamps)
            if not await self._send(packets):
                return "closed"

    def _frame(self, pts: int, timestamps: bool) -> list[bytes]:
        self.last_pts = pts
        image = self.ctx.device.screen.render(timestamps=timestamps)
        if self.opts.bugreport:
            _frame_time_overlay(image, pts, self.encoder.frames)
        return self.encoder.encode(image, pts)

    async def _send(self, packets: list[bytes]) -> bool:
        if not packets:
            return True
        data = b"".join(packets)
        if self.to_stdout:
            try:
                await self.ctx.io.write_stdout(data)
            except Exception:  # the host closed the stream: like SIGPIPE on a phone, stop recording
                self.stream_open = False
                return False
        elif self.handle is not None:
            self.handle.write(data)
        return True

    def _close(self) -> list[bytes]:
        """A last frame at the stop time, so the stream lasts as long as the recording did, then flush."""
        pts = int((time.monotonic() - self.started) * 1000)
        tail = []
        if self.encoder.frames and pts - self.last_pts > 100:
            tail = self._frame(pts, _timestamps_on(self.ctx))
        return tail + self.encoder.close()

    async def finish(self) -> None:
        """Flush the encoder and close the file, even when cancelled (Ctrl-C finalises the MP4 on a phone)."""
        future = self.executor.submit(self._close if self.stream_open else self.encoder.close)
        try:
            tail = await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            tail = future.result()
            raise
        finally:
            self.executor.shutdown(wait=False)
            if self.handle is not None:
                if future.done() and not future.cancelled() and future.exception() is None:
                    self.handle.write(b"".join(future.result()))
                if self.spool is not None:
                    self.spool.seek(0)
                    shutil.copyfileobj(self.spool, self.handle, 1 << 20)
                    self.spool.close()
                self.handle.close()
        if self.stream_open and self.to_stdout and tail:
            try:
                await self.ctx.io.write_stdout(b"".join(tail))
            except Exception:
                pass


def _frame_time_overlay(image: Image.Image, pts_ms: int, frame_number: int) -> None:
    """--bugreport: wall-clock time and frame number in the top-left corner, like the real overlay."""
    from datetime import datetime

    from PIL import ImageDraw

    from virtual_device.screen.renderer import font

    stamp = datetime.now().strftime("%H:%M:%S.%f")[:-3]
    draw = ImageDraw.Draw(image)
    size = max(12, image.height // 80)
    text = f"{stamp} {frame_number:06d}"
    box = draw.textbbox((8, 8), text, font=font(size))
    draw.rectangle((box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4), fill=(0, 0, 0))
    draw.text((8, 8), text, font=font(size), fill=(255, 255, 255))
