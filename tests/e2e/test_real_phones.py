"""bt against several Android versions (virtual_device.profiles), each answering as a real phone does:
no shell v2 and toolbox `ps` on Android 6, `cmd notification` with exit 0 on failure, persistent apps
that survive `am force-stop`, encoders that refuse sizes, screencap's warning on a foldable, viewers
that cannot read raw paths on Android 11+. Everything goes through the real stack."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from bt_core.events import Severity, describe
from tests.e2e.test_screen import image, services_for, start_session
from tests.e2e.test_sysinfo import sysinfo_json


def processes(bt_env) -> dict[int, dict]:
    rows = sysinfo_json(bt_env, "-S", "processes")["sections"]["processes"]["data"]["processes"]
    return {row["pid"]: row for row in rows}


def test_sysinfo_reads_every_version_the_same(bt_env, phone):
    start_session(bt_env, phone.serial)
    data = sysinfo_json(bt_env, "-S", "overview", "-S", "processes", "-S", "apps")["sections"]
    overview = data["overview"]["data"]
    assert overview["sdk"] == phone.state.version.sdk
    assert overview["android_version"] == phone.state.version.release  # no CR left from the PTY
    rows = data["processes"]["data"]["processes"]
    names = {row["name"] for row in rows}
    assert {"com.whatsapp", "system_server", "com.android.systemui"} <= names  # toolbox ps fell back
    apps = {a["package"] for a in data["apps"]["data"]["apps"]}
    assert "com.whatsapp" in apps  # pm without -U / --show-versioncode on old versions


def test_an_app_pid_is_mapped_by_uid_and_force_stopped(bt_env, phone):
    start_session(bt_env, phone.serial)
    # com.google.android.gms.persistent is no package name: only its uid says it is gms
    pid = next(p.pid for p in phone.state.processes.all() if p.name == "com.google.android.gms.persistent")
    result = bt_env.run("kill", str(pid), "--yes", "--json")
    assert result.returncode == 0, result.stderr
    killed = json.loads(result.stdout)
    assert killed["method"] == "force-stop" and killed["package"] == "com.google.android.gms"
    assert phone.state.processes.get(pid) is None


def test_a_persistent_app_that_survives_force_stop_is_reported(bt_env, phone):
    start_session(bt_env, phone.serial)
    result = bt_env.run("kill", "com.android.systemui", "--yes")
    assert result.returncode == 8, result.stderr
    assert "kept running" in result.stderr and "persistent" in result.stderr
    assert any(p.name == "com.android.systemui" for p in phone.state.processes.all())


def test_a_notification_failure_with_exit_0_is_an_error(bt_env, vdevice_factory):
    phone = vdevice_factory(profile="android-15")
    start_session(bt_env, phone.serial)
    ok = bt_env.run("chat", "send", "Your parcel is at the door")
    assert ok.returncode == 0, ok.stderr
    (note,) = phone.state.screen.notifications
    assert note.importance == 3  # the shell's channel: in the shade, never a heads-up card
    phone.state.config["notification_failure"] = "java.lang.SecurityException: Disallowed call for uid 2000"
    failed = bt_env.run("chat", "send", "Second message")
    assert failed.returncode == 8
    assert "Error occurred. Check logcat for details. java.lang.SecurityException" in failed.stderr


@pytest.mark.parametrize("profile", ["android-6", "android-9"])
def test_old_androids_refuse_chat_notifications_with_their_own_words(bt_env, vdevice_factory, profile):
    phone = vdevice_factory(profile=profile)
    start_session(bt_env, phone.serial)
    result = bt_env.run("chat", "send", "hello")
    assert result.returncode == 8 and "Android 10" in result.stderr
    assert not phone.state.screen.notifications


def test_a_foldable_screenshot_keeps_screencaps_warning_out_of_the_png(bt_env, vdevice_factory):
    phone = vdevice_factory(profile="android-15")
    start_session(bt_env, phone.serial, grant="view")
    out = bt_env.data_dir / "fold.png"
    result = bt_env.run("screen", "shot", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert image(out.read_bytes()).size == (1080, 2424)


def test_screenshots_work_on_every_version(bt_env, phone):
    start_session(bt_env, phone.serial, grant="view")
    out = bt_env.data_dir / "shot.png"
    result = bt_env.run("screen", "shot", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert image(out.read_bytes()).size == tuple(phone.state.version.screen[:2])


def test_a_refused_stream_size_falls_back_to_a_smaller_one(bt_env, vdevice_factory):
    phone = vdevice_factory(profile="android-9")  # a 1080x2220 screen, a 1080p-class encoder
    start_session(bt_env, phone.serial, grant="view")
    with services_for(bt_env) as services:
        live = services.screen.open_stream(None, "full", size="actual")
        try:
            frame = live.latest(timeout=20)
            assert frame is not None, live.error
            assert live.size != (1080, 2220) and max(live.size) <= 1920
            assert (frame.width, frame.height) == live.size
            assert "unable to configure video/avc codec at 1080x2220" in live.device_said
        finally:
            live.close()


def test_a_screenrecord_that_keeps_failing_stops_with_its_own_words(bt_env, vdevice_factory):
    phone = vdevice_factory(profile="android-12")  # before Android 14: --time-limit 0 is refused
    start_session(bt_env, phone.serial, grant="view")
    with services_for(bt_env) as services:
        live = services.screen.open_stream(None, "bw", time_limit=0)
        try:
            deadline = time.monotonic() + 20
            while live.running and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not live.running
            assert live.error is not None
            assert "Time limit 0s outside acceptable range [1,180]" in str(live.error)
            assert live.stats() is None or live.stats().restarts < 10  # backoff, not a restart storm
        finally:
            live.close()
    started = [c for c in phone.counters.shell_commands if c.startswith("screenrecord")]
    assert 1 <= len(started) <= 6


def test_the_annotated_picture_is_opened_by_its_mediastore_uri(bt_env, phone):
    start_session(bt_env, phone.serial, grant="control")
    assert bt_env.run("camera").returncode == 0
    result = bt_env.run("camera", "annotate", "--box", "100,300,500,700", "--json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    snap = phone.state.screen.snapshot()
    assert snap.page.kind == "image"
    # the viewer could read it: a path, not an unreadable file:// on Android 11+
    assert snap.page.image_path.endswith(shown["device_path"].rsplit("/", 1)[1])
    assert not snap.page.image_path.startswith("\0")
    if phone.state.version.sdk >= 30:
        assert any("content://media/external/images/media/" in c for c in phone.counters.shell_commands)


def test_typing_spaces_and_refusing_what_the_keyboard_cannot_type(bt_env, phone):
    start_session(bt_env, phone.serial, grant="control")
    result = bt_env.run("input", "text", "two words here")
    assert result.returncode == 0, result.stderr
    assert phone.state.screen.text_field == "two words here"
    refused = bt_env.run("input", "text", "café")
    assert refused.returncode == 8 and "ASCII only" in refused.stderr and "ADBKeyBoard" in refused.stderr
    assert phone.state.screen.text_field == "two words here"


def test_other_characters_are_typed_where_adbkeyboard_is_the_keyboard(bt_env, vdevice_factory, adb_server):
    from virtual_device.device import Package

    phone = vdevice_factory(profile="android-12")
    phone.state.packages["com.android.adbkeyboard"] = Package(
        "com.android.adbkeyboard", "/data/app/com.android.adbkeyboard-1/base.apk", 10290, "2.4", 24, False
    )
    adb_server.adb(
        "-s", phone.serial, "shell", "settings put secure default_input_method com.android.adbkeyboard/.AdbIME"
    )
    start_session(bt_env, phone.serial, grant="control")
    result = bt_env.run("input", "text", "café crème ✓")
    assert result.returncode == 0, result.stderr
    assert phone.state.screen.text_field == "café crème ✓"


def test_an_unreadable_android_version_is_an_error_not_a_guess(bt_env, vdevice_factory):
    phone = vdevice_factory(profile="android-12")
    start_session(bt_env, phone.serial, grant="view")
    del phone.state.props["ro.build.version.sdk"]  # getprop answers with an empty line
    result = bt_env.run("screen", "stream", "--seconds", "1")
    assert result.returncode == 8
    assert "could not read the Android version" in result.stderr
    assert not [c for c in phone.counters.shell_commands if c.startswith("screenrecord")]


def test_bt_screen_stream_says_which_size_it_fell_back_to(bt_env, vdevice_factory):
    import av

    phone = vdevice_factory(profile="android-9")
    start_session(bt_env, phone.serial, grant="view")
    result = subprocess.run(
        [sys.executable, "-m", "bt_cli", "screen", "stream", "--mode", "full", "--size", "actual", "--seconds", "4"],
        capture_output=True,
        env=bt_env.env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert b"encoder refused that size; streaming at 928x1920" in result.stderr
    assert result.stdout.startswith(b"\x00\x00\x00\x01")  # the device's error text never reaches the video
    codec = av.CodecContext.create("h264", "r")
    frames = [f for packet in codec.parse(result.stdout) for f in codec.decode(packet)]
    assert frames and (frames[0].width, frames[0].height) == (928, 1920)


def test_a_recording_steps_down_to_a_size_the_encoder_takes(bt_env, vdevice_factory):
    phone = vdevice_factory(profile="android-9")
    start_session(bt_env, phone.serial, grant="view")
    out = bt_env.data_dir / "clip.mp4"
    result = bt_env.run("screen", "record", "--seconds", "2", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    recorded = json.loads(result.stdout)
    assert (recorded["width"], recorded["height"]) == (928, 1920) and recorded["frames"] >= 1
    # the transcript says why the file is smaller than the screen, before the recording itself
    log = json.loads(bt_env.run("log", "--json").stdout)
    kinds = [e["kind"] for e in log]
    assert kinds.index("screen.record_fallback") < kinds.index("screen.recorded")
    fallback = next(e for e in log if e["kind"] == "screen.record_fallback")
    assert "Recording fell back to 928x1920" in fallback["text"] and "refused 1080x2220" in fallback["text"]
    assert "unable to configure video/avc codec at 1080x2220" in fallback["data"]["device_said"]
    assert describe("screen.record_fallback").severity == Severity.WARNING


def test_the_transcript_says_the_live_screen_fell_back_to_a_smaller_size(bt_env, vdevice_factory):
    phone = vdevice_factory(profile="android-9")  # 1080x2220 is beyond its 1080p-class encoder
    session_id = start_session(bt_env, phone.serial, grant="view")
    streamed = subprocess.run(
        [sys.executable, "-m", "bt_cli", "screen", "stream", "--mode", "full", "--size", "actual", "--seconds", "3"],
        capture_output=True,
        env=bt_env.env,
        timeout=120,
    )
    assert streamed.returncode == 0, streamed.stderr
    log = json.loads(bt_env.run("log", "--json", "--session", session_id).stdout)
    kinds = [e["kind"] for e in log]
    fallback = next(e for e in log if e["kind"] == "screen.stream_fallback")
    assert (
        kinds.index("screen.stream_opened")
        < kinds.index("screen.stream_fallback")
        < kinds.index("screen.stream_closed")
    )
    assert describe("screen.stream_fallback").severity == Severity.WARNING
    shown = bt_env.run("log", "--session", session_id).stdout
    assert "Live screen fell back to 928x1920" in shown
    assert "928x1920" in fallback["text"] and "refused 1080x2220" in fallback["text"]
    assert (fallback["data"]["width"], fallback["data"]["height"]) == (928, 1920)
    assert "unable to configure video/avc codec at 1080x2220" in fallback["data"]["device_said"]
