"""Screenshots, recordings, the raw stream and the privacy pause through the real stack:
`bt` in a subprocess → private adb server → the virtual device's screencap/screenrecord."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path


def start_session(bt_env, serial: str, grant: str | None = None) -> str:
    result = bt_env.run("session", "start", "--device", serial, "--json")
    assert result.returncode == 0, result.stderr
    session_id = json.loads(result.stdout)["id"]
    if grant:
        granted = bt_env.run("screen", "grant", grant)
        assert granted.returncode == 0, granted.stderr
    return session_id


def events(bt_env, *kinds: str) -> list[dict]:
    args = [a for k in kinds for a in ("--kind", k)]
    result = bt_env.run("log", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def image(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def region_differs(a, b, box, threshold: float = 4.0) -> bool:
    """Mean absolute difference of a region above `threshold` (0-255 scale)."""
    from PIL import ImageChops, ImageStat

    diff = ImageChops.difference(a.crop(box), b.crop(box))
    return sum(ImageStat.Stat(diff).mean) / 3 > threshold


@contextmanager
def services_for(bt_env):
    """bt_core in this process, configured exactly like the `bt` subprocesses of bt_env."""
    saved = dict(os.environ)
    os.environ.update(bt_env.env)
    try:
        from bt_core.services import Services
        from bt_core.settings import load_settings

        services = Services(load_settings())
        try:
            yield services
        finally:
            services.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_screenshot_is_full_resolution_and_shows_a_posted_notification(bt_env, vdevice, adb_server):
    start_session(bt_env, vdevice.serial, grant="view")
    before = bt_env.run("screen", "shot", "--json")
    assert before.returncode == 0, before.stderr
    first = json.loads(before.stdout)
    path = Path(first["path"])
    assert path.parent == bt_env.data_dir / "screenshots"  # the default folder
    assert (first["width"], first["height"]) == vdevice.state.screen.size == (1080, 2400)
    adb_server.adb(
        "-s", vdevice.serial, "shell", "cmd", "notification", "post", "-t", "Backup", "bt-test", "Backup finished"
    )
    after_path = bt_env.data_dir / "after.png"
    after = bt_env.run("screen", "shot", "--out", str(after_path))
    assert after.returncode == 0, after.stderr
    a, b = image(path.read_bytes()), image(after_path.read_bytes())
    assert b.size == (1080, 2400)
    # a shell notification (default importance) adds its icon to the status bar, with no heads-up card
    assert region_differs(a, b, (150, 20, 300, 90))
    assert not region_differs(a, b, (0, 100, 1080, 500), threshold=1.0)
    assert not region_differs(a, b, (0, 1900, 1080, 2300), threshold=1.0)
    shots = events(bt_env, "screen.shot")
    assert [e["data"]["path"] for e in shots] == [str(path), str(after_path.resolve())]
    assert str(after_path.resolve()) in shots[-1]["text"]


def test_screen_needs_a_grant_and_pause_stops_capture(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    refused = bt_env.run("screen", "shot")
    assert refused.returncode == 10
    assert "has not granted" in refused.stderr
    assert bt_env.run("screen", "grant", "view").returncode == 0
    assert bt_env.run("screen", "pause").returncode == 0
    vdevice.counters.reset()
    paused = bt_env.run("screen", "shot")
    assert paused.returncode == 10 and "paused for privacy" in paused.stderr
    assert vdevice.counters.services["exec"] == 0  # nothing was captured
    assert (
        not list((bt_env.data_dir / "screenshots").glob("*.png"))
        if (bt_env.data_dir / "screenshots").exists()
        else True
    )
    assert bt_env.run("screen", "resume").returncode == 0
    assert bt_env.run("screen", "shot").returncode == 0
    kinds = [e["kind"] for e in events(bt_env)]
    assert (
        kinds.index("screen.paused")
        < kinds.index("permission.denied", kinds.index("screen.paused"))
        < kinds.index("screen.resumed")
        < kinds.index("screen.shot")
    )


def test_recording_lasts_the_requested_duration(bt_env, vdevice):
    import av

    start_session(bt_env, vdevice.serial, grant="view")
    out = bt_env.data_dir / "clip.mp4"
    result = bt_env.run("screen", "record", "--seconds", "3", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    with av.open(str(out)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        frames = list(container.decode(stream))
        assert (frames[0].width, frames[0].height) == (1080, 2400)
        end = float(frames[-1].time) + float(frames[-1].duration * stream.time_base if frames[-1].duration else 0)
        assert abs(end - 3) <= 1.0, end
        assert abs(container.duration / 1e6 - 3) <= 1.0
    assert events(bt_env, "screen.recorded")[-1]["data"]["path"] == str(out)


def test_stream_writes_decodable_h264_in_the_chosen_mode(bt_env, vdevice):
    import av

    start_session(bt_env, vdevice.serial, grant="view")
    result = subprocess.run(
        [sys.executable, "-m", "bt_cli", "screen", "stream", "--mode", "bw", "--seconds", "2"],
        capture_output=True,
        env=bt_env.env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    codec = av.CodecContext.create("h264", "r")
    frames = [f for p in codec.parse(result.stdout) for f in codec.decode(p)]
    frames += [f for p in codec.parse(None) for f in codec.decode(p)] if not frames else []
    assert frames and (frames[0].width, frames[0].height) == (536, 1200)  # half size for Black and White
    opened = events(bt_env, "screen.stream_opened")[-1]
    assert opened["data"]["mode"] == "bw" and opened["data"]["scaled"] is True


def test_stream_refuses_a_terminal(bt_env, vdevice):
    start_session(bt_env, vdevice.serial, grant="view")
    master, slave = os.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bt_cli", "screen", "stream"],
            stdout=slave,
            stderr=subprocess.PIPE,
            env=bt_env.env,
            timeout=60,
            text=True,
        )
    finally:
        os.close(slave)
        os.close(master)
    assert result.returncode == 2
    assert "terminal" in result.stderr
