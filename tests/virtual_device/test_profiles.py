"""Version profiles: the virtual device answers as Android 6, 9, 12, 14 and 15 do (AOSP's rules), so bt
cannot lean on a kindness a real phone does not have."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.virtual_device.test_commands import sh
from virtual_device import profiles
from virtual_device.device import DeviceState


def phone(tmp_path: Path, name: str) -> DeviceState:
    return DeviceState.create(tmp_path / name, name)


def test_profiles_cover_the_supported_versions():
    assert {p.sdk for p in profiles.PROFILES.values()} == {23, 28, 31, 34, 35}
    assert profiles.lookup("9") is profiles.lookup("android-9")
    assert profiles.default().name == "android-14"
    six, twelve = profiles.lookup("android-6"), profiles.lookup("android-12")
    offered = "shell_v2,cmd,stat_v2,ls_v2,fixed_push_mkdir,abb_exec,sendrecv_v2"
    assert six.features(offered) == []  # Android 6: no shell v2, no cmd
    assert twelve.features(offered) == offered.split(",")
    assert profiles.lookup("android-9").features(offered) == ["shell_v2", "cmd", "stat_v2", "ls_v2", "fixed_push_mkdir"]


def test_props_and_screen_follow_the_profile(tmp_path):
    device = phone(tmp_path, "android-9")
    assert device.api_level == 28 and device.props["ro.build.version.release"] == "9"
    assert device.props["ro.product.model"] == "SM-G960U"
    assert device.screen.size == (1080, 2220)


async def test_the_phone_is_named_after_its_own_model(tmp_path):
    """bt names a session's computer from `settings get global device_name`: a Galaxy S9 is no Pixel 8."""
    for name, model in (("android-9", "SM-G960U"), ("android-12", "Pixel 6"), ("android-14", "Pixel 8")):
        device = phone(tmp_path, name)
        code, out, _ = await sh(device, "settings get global device_name")
        assert (code, out) == (0, f"{model}\n"), name


async def test_toolbox_ps_takes_unknown_words_as_a_name_filter(tmp_path):
    old = phone(tmp_path, "android-6")
    code, out, _ = await sh(old, "ps -A -o PID,UID,NAME")
    assert code == 0 and out.splitlines() == ["USER      PID   PPID  VSIZE  RSS   WCHAN              PC  NAME"]
    code, out, _ = await sh(old, "ps -n")
    row = next(line for line in out.splitlines() if line.endswith(" com.whatsapp"))
    assert row.split()[0] == "10248"  # -n: numeric uids
    new = phone(tmp_path, "android-12")
    code, out, _ = await sh(new, "ps -A -o PID,UID,NAME")
    assert code == 0 and any(line.split()[1:] == ["10248", "com.whatsapp"] for line in out.splitlines())


async def test_cmd_and_notification_post_availability(tmp_path):
    code, _, err = await sh(phone(tmp_path, "android-6"), "cmd notification post t x")
    assert code == 127 and "cmd: not found" in err
    code, out, _ = await sh(phone(tmp_path, "android-9"), "cmd notification post t x")
    assert (code, out) == (255, "Unknown command: post\n")


async def test_bugreportz_only_from_android_7(tmp_path):
    code, out, err = await sh(phone(tmp_path, "android-6"), "bugreportz -v")
    assert (code, out, err) == (127, "", "/system/bin/sh: bugreportz: not found\n")
    code, _, err = await sh(phone(tmp_path, "android-9"), "bugreportz -v")
    assert (code, err) == (0, "1.2\n")


async def test_notification_post_semantics_on_android_10_and_later(tmp_path):
    device = phone(tmp_path, "android-15")
    code, out, _ = await sh(device, "cmd notification post -t Title tag 'the text' ignored")
    assert code == 0 and out.startswith("posting:\n  Notification(channel=shell_cmd ")
    (note,) = device.screen.notifications
    assert (note.text, note.importance) == ("the text", 3)  # only the second word; default importance
    code, out, _ = await sh(device, "cmd notification post onlytag")
    assert code == 0 and out.startswith("usage: cmd notification post")  # the -1 is dropped
    code, out, _ = await sh(device, "cmd notification post --bogus t x")
    assert code == 0 and out.startswith("usage: cmd notification post")
    code, out, _ = await sh(device, "cmd notification post -S weird t x")
    assert code == 0 and out == "Error occurred. Check logcat for details. unrecognized notification style: weird\n"
    device.config["notification_failure"] = "boom"
    code, out, _ = await sh(device, "cmd notification post t x")
    assert (code, out) == (0, "Error occurred. Check logcat for details. boom\n")


async def test_am_force_stop_spares_persistent_apps_and_refuses_unknown_options(tmp_path):
    device = phone(tmp_path, "android-14")
    assert await sh(device, "am force-stop com.example.nothere") == (0, "", "")
    assert await sh(device, "am force-stop com.android.systemui") == (0, "", "")
    assert device.processes.of_package("com.android.systemui")
    code, _, err = await sh(device, "am force-stop --bogus com.whatsapp")
    assert code == 255 and err == "Error: Unknown option: --bogus\n"
    assert device.processes.of_package("com.whatsapp")
    code, _, err = await sh(device, "am start --bogus -a android.intent.action.VIEW -d https://example.com/")
    assert code == 255 and "java.lang.IllegalArgumentException: Unknown option: --bogus" in err
    code, _, err = await sh(device, "am start -n com.example.nothere/.Main")
    assert code == 0 and "does not exist" in err  # errors with exit 0, as the real one


async def test_pm_refuses_options_its_version_does_not_know(tmp_path):
    code, _, err = await sh(phone(tmp_path, "android-6"), "pm list packages -U")
    assert code == 255 and err == "Error: Unknown option: -U\n"
    code, out, _ = await sh(phone(tmp_path, "android-12"), "pm list packages -U com.whatsapp")
    assert (code, out) == (0, "package:com.whatsapp uid:10248\n")
    code, _, err = await sh(phone(tmp_path, "android-12"), "pm list packages --bogus")
    assert code == 255 and "Unknown option: --bogus" in err


async def test_input_text_types_its_first_argument_and_only_ascii(tmp_path):
    device = phone(tmp_path, "android-12")
    await sh(device, "am start -a android.intent.action.VIEW -d https://example.com/")
    assert await sh(device, "input text a%sb c") == (0, "", "")
    assert device.screen.text_field == "a b"
    code, _, err = await sh(device, "input text 'café'")
    assert code == 255 and "NullPointerException" in err
    assert device.screen.text_field == "a b"


@pytest.mark.parametrize(("name", "refused"), [("android-6", True), ("android-12", True), ("android-14", False)])
async def test_screenrecord_time_limit_zero_only_from_android_14(tmp_path, name, refused):
    device = phone(tmp_path, name)
    code, _, err = await sh_bytes(device, "screenrecord --time-limit 0 --help")  # options are read in order
    if refused:
        assert (code, err) == (2, "Time limit 0s outside acceptable range [1,180]\n")
    else:
        assert code == 0 and "Set to 0\n    to remove the time limit." in err


async def test_the_encoder_refuses_sizes_it_cannot_take(tmp_path):
    device = phone(tmp_path, "android-9")  # 1080x2220 screen, 1080p-class encoder
    code, out, err = await sh_bytes(device, "screenrecord --output-format=h264 --size 1080x2220 --time-limit 1 -")
    assert code == 0 and out == b""  # the status_t's low byte: a real phone exits 0 here too
    assert err == "ERROR: unable to configure video/avc codec at 1080x2220 (err=-2147483648)\n"
    code, out, err = await sh_bytes(device, "screenrecord --output-format=h264 --time-limit 1 -")
    assert code == 0 and out.startswith(b"\x00\x00\x00\x01")  # the default size falls back to 720p
    assert "WARNING: failed at 1080x2220, retrying at 720x1280" in err


async def test_screencap_warns_on_a_foldable_unless_told_the_display(tmp_path):
    fold = phone(tmp_path, "android-15")
    code, out, err = await sh_bytes(fold, "screencap -p")
    assert code == 0 and out.startswith(b"\x89PNG")
    assert err.startswith("[Warning] Multiple displays were found, but no display id was specified!")
    display = fold.version.display_ids[1]
    code, out, err = await sh_bytes(fold, f"screencap -p -d {display}")
    assert (code, err) == (0, "") and out.startswith(b"\x89PNG")
    code, _, err = await sh_bytes(fold, "screencap -p -d 42")
    assert (code, err) == (1, "Capturing failed.\n")
    code, _, err = await sh_bytes(phone(tmp_path, "android-14"), "screencap -p")
    assert (code, err) == (0, "")


async def test_content_uris_and_raw_paths_in_the_image_viewer(tmp_path):
    device = phone(tmp_path, "android-12")
    path = "/sdcard/Download/logo.png"
    await sh(device, f"am start -a android.intent.action.VIEW -t image/png -d file://{path}")
    assert device.screen.snapshot().page.image_path.startswith("\0")  # unreadable on Android 11+
    code, out, _ = await sh(
        device,
        "content query --uri content://media/external/images/media --projection _id "
        "--where \"_data LIKE '%/Download/logo.png'\"",
    )
    assert code == 0 and out.startswith("Row: 0 _id=")
    uri = "content://media/external/images/media/" + out.split("_id=")[1].strip()
    await sh(device, f"am start -a android.intent.action.VIEW -t image/png -d {uri}")
    assert device.screen.snapshot().page.image_path == "/storage/emulated/0/Download/logo.png"
    old = phone(tmp_path, "android-6")
    code, out, _ = await sh(old, "content query --uri content://media/external/images/media --projection _id")
    assert out == "No result found.\n"  # before Android 11 only a scan indexes a file
    await sh(old, f"am broadcast -a android.intent.action.MEDIA_SCANNER_SCAN_FILE -d file://{path}")
    code, out, _ = await sh(old, "content query --uri content://media/external/images/media --projection _id")
    assert out.startswith("Row: 0 _id=")


async def sh_bytes(device: DeviceState, command: str) -> tuple[int, bytes, str]:
    from tests.virtual_device.test_commands import Streams
    from virtual_device.shell import Shell

    streams = Streams()
    code = await Shell(device).run(command, streams)
    return code, bytes(streams.stdout), streams.stderr.decode()


def test_shell_before_android_7_runs_in_a_pty(adb_server, vdevice_factory):
    old = vdevice_factory(profile="android-6")
    out = adb_server.adb("-s", old.serial, "shell", "echo out; echo err >&2; exit 3", check=False)
    assert out.stdout == b"out\r\nerr\r\n"  # CRLF, stderr merged, and no exit code from adbd
    assert out.returncode == 0
    new = vdevice_factory(profile="android-12")
    out = adb_server.adb("-s", new.serial, "shell", "echo out; echo err >&2; exit 3", check=False)
    assert (out.stdout, out.stderr, out.returncode) == (b"out\n", b"err\n", 3)
    features = adb_server.adb("-s", old.serial, "features").stdout.decode().split()
    assert "shell_v2" not in features
