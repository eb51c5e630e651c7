"""screencap and screenrecord run through the device's real shell, on a real DeviceState and VirtualFS."""

from __future__ import annotations

import asyncio
import io
import struct
import time
from pathlib import Path

import av
import pytest
from PIL import Image

from virtual_device.device import DeviceState
from virtual_device.screen.timestamp import read_timestamp
from virtual_device.shell import Shell


class Streams:
    """A process's stdio as the transport gives it: stdout/stderr collected, stdin at EOF."""

    def __init__(self, fail_after: int | None = None) -> None:
        self.stdout = bytearray()
        self.stderr = bytearray()
        self.fail_after = fail_after

    async def read_stdin(self, n: int = 65536) -> bytes:
        return b""

    async def write_stdout(self, data: bytes) -> None:
        if self.fail_after is not None and len(self.stdout) >= self.fail_after:
            raise ConnectionResetError("stream closed by the host")
        self.stdout += data

    async def write_stderr(self, data: bytes) -> None:
        self.stderr += data


@pytest.fixture
def device(tmp_path: Path) -> DeviceState:
    return DeviceState.create(tmp_path / "dev")


async def run(device: DeviceState, command: str, streams: Streams | None = None) -> tuple[int, Streams]:
    streams = streams or Streams()
    code = await Shell(device).run(command, streams)
    return code, streams


def decode_h264(data: bytes) -> list[av.VideoFrame]:
    codec = av.CodecContext.create("h264", "r")
    frames = []
    for packet in codec.parse(data):
        frames += codec.decode(packet)
    frames += codec.decode(None)
    return frames


async def test_screencap_png_is_full_resolution(device):
    code, out = await run(device, "screencap -p")
    assert code == 0
    image = Image.open(io.BytesIO(bytes(out.stdout)))
    assert image.format == "PNG" and image.size == (1080, 2400)


async def test_screencap_raw_has_the_16_byte_header(device):
    code, out = await run(device, "screencap")
    assert code == 0
    assert struct.unpack("<4I", out.stdout[:16]) == (1080, 2400, 1, 1)
    assert len(out.stdout) == 16 + 1080 * 2400 * 4


async def test_screencap_to_a_file_shows_a_posted_notification(device):
    device.screen.post_notification("t", "Technician", "Hello from support")
    code, out = await run(device, "screencap /sdcard/shot.png && ls /sdcard/shot.png")
    assert code == 0 and b"/sdcard/shot.png" in out.stdout
    shot = Image.open(io.BytesIO(device.fs.read_bytes("/sdcard/shot.png")))
    assert shot.size == (1080, 2400)
    assert shot.convert("L").crop((0, 0, 1080, 300)).getextrema()[0] < 60  # dark text on the card


async def test_screencap_errors_like_the_real_one(device):
    code, out = await run(device, "screencap -x")
    assert code == 1 and b"usage: screencap [-hp] [-d display-id] [FILENAME]" in out.stderr
    code, out = await run(device, "screencap /system/shot.png")
    assert code == 1 and out.stderr.startswith(b"Error opening file: /system/shot.png")
    code, out = await run(device, "screencap -d 0 -p")
    assert code == 0 and out.stdout.startswith(b"\x89PNG")


async def test_screenrecord_h264_to_stdout_honours_time_limit_and_size(device):
    started = time.monotonic()
    code, out = await run(device, "screenrecord --output-format=h264 --size 540x1200 --bit-rate 4M --time-limit 2 -")
    elapsed = time.monotonic() - started
    assert code == 0, out.stderr
    assert 1.9 <= elapsed < 4
    assert out.stdout.startswith(b"\x00\x00\x00\x01\x67")  # SPS first, Annex-B
    frames = decode_h264(bytes(out.stdout))
    assert len(frames) >= 2  # a static screen still advances about once a second
    assert {(f.width, f.height) for f in frames} == {(540, 1200)}


async def test_screenrecord_streams_the_live_screen(device):
    streams = Streams()
    task = asyncio.create_task(run(device, "screenrecord --output-format h264 --time-limit 2 -", streams))
    await asyncio.sleep(0.6)
    device.screen.post_notification("tag", "Hi", "Hello there")
    code, _ = await task
    assert code == 0
    frames = decode_h264(bytes(streams.stdout))
    assert {(f.width, f.height) for f in frames} == {(1080, 2400)}
    first, last = frames[0].to_image(), frames[-1].to_image()
    top = (0, 0, 1080, 300)
    assert first.crop(top).convert("L").getextrema() != last.crop(top).convert("L").getextrema()


async def test_screenrecord_frames_carry_timestamps_when_the_prop_is_set(device):
    before = int(time.time() * 1000)
    code, out = await run(
        device, "setprop debug.bt.frame_timestamps 1; screenrecord --output-format=h264 --time-limit 1 -"
    )
    assert code == 0, out.stderr
    frames = decode_h264(bytes(out.stdout))
    assert len(frames) >= 10  # the strip changes every frame, so the screen counts as changing
    stamps = [read_timestamp(f.to_image()) for f in frames]
    assert all(s is not None and before <= s <= int(time.time() * 1000) for s in stamps)
    assert stamps == sorted(stamps)


async def test_screenrecord_mp4_file_lasts_the_time_limit(device):
    code, out = await run(device, "screenrecord --time-limit 2 /sdcard/rec.mp4")
    assert code == 0, out.stderr
    container = av.open(io.BytesIO(device.fs.read_bytes("/sdcard/rec.mp4")))
    stream = container.streams.video[0]
    assert (stream.codec_context.width, stream.codec_context.height) == (1080, 2400)
    assert 1.0 <= container.duration / 1e6 <= 3.0


async def test_screenrecord_stops_when_the_host_closes_the_stream(device):
    streams = Streams(fail_after=1)
    code, _ = await asyncio.wait_for(
        run(device, "screenrecord --output-format=h264 --time-limit 0 -", streams), timeout=5
    )
    assert code == 0


async def test_cancelled_recording_still_leaves_a_playable_mp4(device):
    task = asyncio.create_task(run(device, "screenrecord /sdcard/cut.mp4"))
    await asyncio.sleep(1.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    container = av.open(io.BytesIO(device.fs.read_bytes("/sdcard/cut.mp4")))
    assert sum(1 for _ in container.decode(video=0)) >= 2


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ("--bit-rate 4x -", 2, b"Unrecognized value: 4x\n"),
        ("--bit-rate 10 -", 2, b"Bit rate 10bps outside acceptable range [100000,200000000]\n"),
        ("--size 12 -", 2, b"Invalid size '12', must be width x height\n"),
        ("--output-format=webp -", 2, b"Unknown format 'webp'\n"),
        ("--output-format=h264", 2, b"Must specify output file (see --help).\n"),
        ("--frobnicate -", 2, b"screenrecord: unrecognized option `--frobnicate'\n"),
        ("-v -", 2, b"screenrecord: invalid option -- v\n"),
        ("--size", 2, b"screenrecord: option `--size' requires an argument\n"),
        ("--verbose=yes -", 2, b"screenrecord: option `--verbose' doesn't allow an argument\n"),
        ("--b 4M -", 2, b"screenrecord: option `--b' is ambiguous\n"),
        ("--verb=1 -", 2, b"screenrecord: option `--verb' doesn't allow an argument\n"),
        ("--frob=1 -", 2, b"screenrecord: unrecognized option `--frob=1'\n"),
        ("--bit 4x --bit 4M -", 2, b"Unrecognized value: 4x\n"),
        ("--verbose --output-format=h264 -", 255, b"ERROR: verbose output and '-' not compatible"),
        ("--help", 0, b"Set to 0\n    to remove the time limit."),
    ],
)
async def test_screenrecord_option_errors(device, args, code, message):
    result, out = await run(device, f"screenrecord {args}")
    assert result == code
    assert message in out.stderr


async def test_android_13_caps_the_time_limit(device):
    device.props["ro.build.version.sdk"] = "33"
    code, out = await run(device, "screenrecord --time-limit 0 --output-format=h264 -")
    assert code == 2 and out.stderr == b"Time limit 0s outside acceptable range [1,180]\n"
    code, out = await run(device, "screenrecord --time-limit 181 --output-format=h264 -")
    assert code == 2 and b"Time limit 181s" in out.stderr
