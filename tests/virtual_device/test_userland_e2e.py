"""The userland through the stock adb binary: adb shell → adb server → ADB over TCP → the virtual device."""

from __future__ import annotations

import re
import shlex

from tests.conftest import AdbServerHandle


def shell(server: AdbServerHandle, serial: str, *args: str, check: bool = True):
    return server.adb("-s", serial, "shell", *args, check=check)


def test_getprop_release_is_14(adb_server: AdbServerHandle, vdevice) -> None:
    r = shell(adb_server, vdevice.serial, "getprop", "ro.build.version.release")
    assert r.stdout == b"14\n"
    r = shell(adb_server, vdevice.serial, "getprop ro.product.model; getprop ro.product.manufacturer")
    assert r.stdout == b"Pixel 8\nGoogle\n"


def test_ls_la_sdcard_lists_shared_storage(adb_server: AdbServerHandle, vdevice) -> None:
    r = shell(adb_server, vdevice.serial, "ls", "-la", "/sdcard/")
    lines = r.stdout.decode().splitlines()
    assert lines[0].startswith("total ")
    assert re.search(r"^drwxrws--- +\d+ u0_a197 +media_rw .* Download$", r.stdout.decode(), re.M)
    assert lines[1].endswith(" .") and lines[2].endswith(" ..")


def test_permission_denied_and_exit_codes(adb_server: AdbServerHandle, vdevice) -> None:
    r = shell(adb_server, vdevice.serial, "cat", "/data/data/x", check=False)
    assert r.returncode == 1
    assert r.stderr == b"cat: /data/data/x: Permission denied\n"
    r = shell(adb_server, vdevice.serial, "kill 1622", check=False)
    assert (r.returncode, r.stderr) == (1, b"/system/bin/sh: kill: 1622: Operation not permitted\n")


def test_hostile_file_name_is_just_a_file(adb_server: AdbServerHandle, vdevice) -> None:
    path = "/sdcard/Download/x;reboot $(id)"
    shell(adb_server, vdevice.serial, f"echo -n safe > {shlex.quote(path)}")
    r = shell(adb_server, vdevice.serial, f"cat {shlex.quote(path)}")
    assert r.stdout == b"safe"
    assert vdevice.state.fs.read_bytes(path) == b"safe"
    r = shell(adb_server, vdevice.serial, "getprop ro.build.version.release")
    assert r.stdout == b"14\n"  # still the same boot: nothing rebooted


def test_uninstall_and_force_stop_show_in_later_commands(adb_server: AdbServerHandle, vdevice) -> None:
    serial = vdevice.serial
    assert shell(adb_server, serial, "pm list packages com.whatsapp").stdout == b"package:com.whatsapp\n"
    assert shell(adb_server, serial, "pm uninstall com.whatsapp").stdout == b"Success\n"
    assert shell(adb_server, serial, "pm list packages com.whatsapp").stdout == b""
    assert b"com.whatsapp" not in shell(adb_server, serial, "ps -A").stdout
    assert b"com.spotify.music" in shell(adb_server, serial, "ps -A").stdout
    shell(adb_server, serial, "am force-stop com.spotify.music")
    assert b"com.spotify.music" not in shell(adb_server, serial, "ps -A").stdout
    r = shell(adb_server, serial, "pm uninstall com.android.settings", check=False)
    assert (r.returncode, r.stdout) == (1, b"Failure [DELETE_FAILED_INTERNAL_ERROR]\n")


def test_pipes_and_input_reach_the_screen(adb_server: AdbServerHandle, vdevice) -> None:
    serial = vdevice.serial
    r = shell(adb_server, serial, "pm list packages -3 | wc -l")
    assert r.stdout == b"6\n"
    shell(adb_server, serial, "am start -a android.intent.action.VIEW -d https://example.com/")
    shell(adb_server, serial, "input text 'hi%sthere'")
    assert vdevice.state.screen.text_field == "hi there"
