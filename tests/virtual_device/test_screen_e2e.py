"""The screen through the stock adb: exec-out screencap and a live screenrecord stream."""

from __future__ import annotations

import io
import subprocess
import threading
import time

import av
from PIL import Image


def decode_h264(data: bytes) -> list[av.VideoFrame]:
    codec = av.CodecContext.create("h264", "r")
    frames = []
    for packet in codec.parse(data):
        frames += codec.decode(packet)
    return frames + list(codec.decode(None))


def test_exec_out_screencap_png_is_a_full_resolution_image(adb_server, vdevice):
    out = adb_server.adb("-s", vdevice.serial, "exec-out", "screencap", "-p", timeout=30).stdout
    image = Image.open(io.BytesIO(out))
    assert image.format == "PNG" and image.size == (1080, 2400)


def test_exec_out_screenrecord_streams_the_live_screen(adb_server, vdevice):
    proc = subprocess.Popen(
        [
            str(adb_server.adb_path),
            "-P",
            str(adb_server.port),
            "-s",
            vdevice.serial,
            "exec-out",
            "screenrecord",
            "--output-format=h264",
            "--time-limit",
            "3",
            "-",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.2)
    vdevice.state.screen.post_notification("tag", "Hi", "Hello there")
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    frames = decode_h264(out)
    assert len(frames) >= 3
    assert {(f.width, f.height) for f in frames} == {(1080, 2400)}
    top = (0, 0, 1080, 300)
    first, last = frames[0].to_image().crop(top), frames[-1].to_image().crop(top)
    assert first.convert("L").histogram() != last.convert("L").histogram()  # the heads-up arrived


def test_closing_the_stream_stops_the_recording_and_the_device_keeps_serving(adb_server, vdevice):
    proc = subprocess.Popen(
        [
            str(adb_server.adb_path),
            "-P",
            str(adb_server.port),
            "-s",
            vdevice.serial,
            "exec-out",
            "screenrecord",
            "--output-format=h264",
            "--time-limit",
            "0",
            "-",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout.read(4) == b"\x00\x00\x00\x01"
    proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10  # the encoder thread goes away: the device stopped recording
    while any(t.name.startswith("screenrecord") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "screenrecord still running after the host closed the stream"
        time.sleep(0.1)
    out = adb_server.adb("-s", vdevice.serial, "exec-out", "screencap", "-p", timeout=30).stdout
    assert Image.open(io.BytesIO(out)).size == (1080, 2400)
