"""Camera mode: open the camera, annotate a frozen frame (shown on the device), clear back to the camera."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.e2e.test_screen import events, image, region_differs, start_session

CAMERA = "com.google.android.GoogleCamera"
PHOTOS = "com.google.android.apps.photos"


def test_camera_annotate_clear_round_trip(bt_env, vdevice):
    start_session(bt_env, vdevice.serial, grant="control")
    assert bt_env.run("camera").returncode == 0
    assert vdevice.state.screen.foreground[0] == CAMERA
    frozen = bt_env.data_dir / "camera.png"
    assert bt_env.run("screen", "shot", "--out", str(frozen)).returncode == 0
    result = bt_env.run(
        "camera",
        "annotate",
        "--arrow",
        "100,300,500,700",
        "--box",
        "600,1000,1000,1400",
        "--text",
        "80,1600,Press here, then wait",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["device_path"].startswith("/sdcard/Pictures/bt-annotations/")
    # the device shows the pushed picture in its image viewer
    snap = vdevice.state.screen.snapshot()
    assert snap.page.kind == "image" and vdevice.state.screen.foreground[0] == PHOTOS
    assert snap.page.image_path.endswith(shown["device_path"].rsplit("/", 1)[1])
    assert vdevice.state.fs.exists(shown["device_path"])
    annotated = image(open(shown["local_path"], "rb").read())
    assert annotated.size == (1080, 2400)
    assert annotated.getpixel((300, 500))[0] > 200 and annotated.getpixel((300, 500))[1] < 100  # red arrow
    assert region_differs(image(frozen.read_bytes()), annotated, (600, 1000, 1000, 1400))
    on_device = bt_env.data_dir / "on-device.png"
    assert bt_env.run("screen", "shot", "--out", str(on_device)).returncode == 0
    assert region_differs(image(frozen.read_bytes()), image(on_device.read_bytes()), (0, 200, 1080, 2200))
    assert bt_env.run("camera", "clear").returncode == 0
    assert vdevice.state.screen.foreground[0] == CAMERA
    assert vdevice.state.screen.snapshot().page.kind == "camera"
    kinds = [e["kind"] for e in events(bt_env, "camera.opened", "camera.annotated", "camera.cleared")]
    assert kinds == ["camera.opened", "camera.annotated", "camera.cleared"]


def test_camera_switches_the_stream_to_video_optimized(bt_env, vdevice):
    start_session(bt_env, vdevice.serial, grant="control")
    assert bt_env.run("camera").returncode == 0
    result = subprocess.run(
        [sys.executable, "-m", "bt_cli", "screen", "stream", "--seconds", "1"],
        capture_output=True,
        env=bt_env.env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"\x00\x00\x00\x01")
    assert events(bt_env, "screen.stream_opened")[-1]["data"]["mode"] == "video"


def test_camera_needs_control_and_marks(bt_env, vdevice):
    start_session(bt_env, vdevice.serial, grant="view")
    assert bt_env.run("camera").returncode == 10
    assert bt_env.run("screen", "grant", "control").returncode == 0
    empty = bt_env.run("camera", "annotate")
    assert empty.returncode == 2 and "nothing to draw" in empty.stderr
    bad = bt_env.run("camera", "annotate", "--box", "1,2,3")
    assert bad.returncode == 2 and "X1,Y1,X2,Y2" in bad.stderr
