"""Device programs: output shapes compared with real captures, and state that really changes.

Runs commands through `Shell(device).run()` in-process on a real DeviceState (default Pixel 8 profile).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.captures import capture_path
from virtual_device.device import DeviceState
from virtual_device.shell import Shell


class Streams:
    def __init__(self) -> None:
        self.stdout = bytearray()
        self.stderr = bytearray()

    async def read_stdin(self, n: int = 65536) -> bytes:
        return b""

    async def write_stdout(self, data: bytes) -> None:
        self.stdout += data

    async def write_stderr(self, data: bytes) -> None:
        self.stderr += data


@pytest.fixture
def device(tmp_path: Path) -> DeviceState:
    return DeviceState.create(tmp_path / "dev")


async def sh(device: DeviceState, command: str) -> tuple[int, str, str]:
    streams = Streams()
    code = await Shell(device).run(command, streams)
    return code, streams.stdout.decode(), streams.stderr.decode()


def fixture(kind: str, name: str) -> str:
    return capture_path(f"{kind}/{name}").read_text()


# -- props and settings ----------------------------------------------------------------------------
async def test_getprop_identity_and_listing_format(device: DeviceState) -> None:
    _, out, _ = await sh(
        device,
        "getprop ro.build.version.release; getprop ro.build.version.sdk; "
        "getprop ro.product.model; getprop ro.product.manufacturer; getprop no.such.prop",
    )
    assert out == "14\n34\nPixel 8\nGoogle\n\n"
    _, listing, _ = await sh(device, "getprop")
    lines = listing.splitlines()
    assert len(lines) > 500
    assert all(re.fullmatch(r"\[[^\]]+\]: \[.*\]", line) for line in lines)
    assert "[ro.product.device]: [shiba]" in lines and "[ro.adb.secure]: [1]" in lines


async def test_setprop_rules(device: DeviceState) -> None:
    assert (await sh(device, "setprop debug.bt.flag on; getprop debug.bt.flag"))[1] == "on\n"
    code, _, err = await sh(device, "setprop ro.build.version.release 99")
    assert code == 1 and err.startswith("Failed to set property 'ro.build.version.release' to '99'.")
    assert (await sh(device, "getprop ro.build.version.release"))[1] == "14\n"


async def test_settings_put_persists_with_keep_state(tmp_path: Path) -> None:
    device = DeviceState.create(tmp_path / "d")
    assert (await sh(device, "settings get global device_name"))[1] == "Pixel 8\n"
    assert (await sh(device, "settings get secure no_such_key"))[1] == "null\n"
    assert (await sh(device, "settings put system screen_brightness 200"))[0] == 0
    again = DeviceState.create(tmp_path / "d", keep_state=True)
    assert (await sh(again, "settings get system screen_brightness"))[1] == "200\n"
    fresh = DeviceState.create(tmp_path / "d")
    assert (await sh(fresh, "settings get system screen_brightness"))[1] == "102\n"


# -- files and permissions -------------------------------------------------------------------------
async def test_ls_long_format_is_toyboxs(device: DeviceState) -> None:
    code, out, _ = await sh(device, "ls -l /sdcard/")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("total ")
    download = next(line for line in lines if line.endswith(" Download"))
    assert re.fullmatch(r"drwxrws--- +\d+ u0_a197 +media_rw +\d+ \d{4}-\d\d-\d\d \d\d:\d\d Download", download)
    _, out, _ = await sh(device, "ls -a /sdcard/Android/media")
    assert out == ".\n..\n.nomedia\n"


async def test_ls_errors(device: DeviceState) -> None:
    assert await sh(device, "ls /x") == (1, "", "ls: /x: No such file or directory\n")
    assert await sh(device, "ls /data/data") == (1, "", "ls: /data/data: Permission denied\n")


async def test_cat_permission_denied_and_read_only_system(device: DeviceState) -> None:
    assert await sh(device, "cat /data/data/x") == (1, "", "cat: /data/data/x: Permission denied\n")
    code, _, err = await sh(device, "touch /system/x")
    assert (code, err) == (1, "touch: '/system/x': Read-only file system\n")
    code, _, err = await sh(device, "rm /system/etc/hosts")
    assert code == 1 and "Read-only file system" in err


async def test_file_lifecycle(device: DeviceState) -> None:
    script = (
        "mkdir -p /sdcard/t/a/b && echo hi > /sdcard/t/a/b/f && cp -r /sdcard/t/a /sdcard/t/c && "
        "mv /sdcard/t/c/b/f /sdcard/t/g && cat /sdcard/t/g && rm -r /sdcard/t/a && ls -R /sdcard/t"
    )
    code, out, err = await sh(device, script)
    assert (code, err) == (0, "")
    assert out == "hi\n/sdcard/t:\nc\ng\n\n/sdcard/t/c:\nb\n\n/sdcard/t/c/b:\n"
    assert await sh(device, "rm /sdcard/t/c") == (1, "", "rm: /sdcard/t/c: Is a directory\n")
    assert (await sh(device, "rm -f /sdcard/none; echo $?"))[1] == "0\n"


async def test_stat_format_and_hashes(device: DeviceState) -> None:
    await sh(device, "echo -n abc > /data/local/tmp/f; touch -d '2024-02-10 12:34:56' /data/local/tmp/f")
    _, out, _ = await sh(device, "stat -c '%s %a %A %n %F %U %G' /data/local/tmp/f")
    assert out == "3 660 -rw-rw---- /data/local/tmp/f regular file shell shell\n"
    _, out, _ = await sh(device, "md5sum /data/local/tmp/f; sha256sum /data/local/tmp/f")
    assert out == (
        "900150983cd24fb0d6963f7d28e17f72  /data/local/tmp/f\n"
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  /data/local/tmp/f\n"
    )
    _, out, _ = await sh(device, "ls -l /data/local/tmp/f")
    assert " 2024-02-10 12:34 " in out


async def test_df_headers_match_toybox(device: DeviceState) -> None:
    _, out, _ = await sh(device, "df -k")
    real = fixture("df", "mtk-mt8168-tablet-a13-df-k.txt").splitlines()[0]
    assert out.splitlines()[0].split() == real.split()
    assert re.search(r"^/dev/block/dm-\d+ +\d+ +\d+ +\d+ +\d+% /data$", out, re.M)
    _, out, _ = await sh(device, "df -h /sdcard")
    assert out.splitlines()[0].split() == "Filesystem Size Used Avail Use% Mounted on".split()
    assert out.splitlines()[1].endswith("/storage/emulated")


# -- processes -------------------------------------------------------------------------------------
async def test_ps_header_and_padding_match_a_real_android_13_capture(device: DeviceState) -> None:
    _, out, _ = await sh(device, "ps -A")
    real = fixture("ps", "mtk-mt8168-tablet-a13-ps-A.txt").splitlines()
    assert out.splitlines()[0] == real[0]
    init = out.splitlines()[1]
    assert init[:19] == real[1][:19] and init.endswith(" do_epoll_wait       0 S init")
    names = [line.split()[-1] for line in out.splitlines()[1:]]
    for expected in ("zygote64", "system_server", "surfaceflinger", "com.android.systemui", "adbd", "sh", "ps"):
        assert expected in names


async def test_ps_o_fields(device: DeviceState) -> None:
    _, out, _ = await sh(device, "ps -A -o PID,USER,NAME | grep -E 'whatsapp|PID'")
    assert out == "  PID USER         NAME                       \n 5871 u0_a248      com.whatsapp\n"


async def test_kill_only_shell_processes(device: DeviceState) -> None:
    assert await sh(device, "kill 1622") == (1, "", "/system/bin/sh: kill: 1622: Operation not permitted\n")
    assert await sh(device, "kill 99999") == (1, "", "/system/bin/sh: kill: 99999: No such process\n")
    assert (await sh(device, "ps -A -o NAME | grep -c system_server"))[1] == "1\n"


async def test_kill_of_own_background_process(device: DeviceState) -> None:
    code, out, _ = await sh(device, "sleep 30 & sleep 0.05; P=$(pidof sleep); kill $P; echo $?; pidof sleep; echo $?")
    assert out == "0\n1\n"


async def test_force_stop_kills_the_apps_processes(device: DeviceState) -> None:
    assert (await sh(device, "pidof com.example.shopping"))[0] == 0
    assert await sh(device, "am force-stop com.example.shopping") == (0, "", "")
    _, out, _ = await sh(device, "ps -A | grep com.example.shopping; echo $?")
    assert out == "1\n"


# -- packages --------------------------------------------------------------------------------------
async def test_pm_list_formats(device: DeviceState) -> None:
    _, out, _ = await sh(device, "pm list packages -f -3")
    real = [
        line
        for line in fixture("pm_list_packages", "emulator-pixel9-avd-a16-pm-f.txt").splitlines()
        if "/data/app/" in line
    ]
    shape = re.compile(r"package:/data/app/~~[\w=-]+/[\w.]+-[\w=-]+/\w+\.apk=[\w.]+")
    assert all(shape.fullmatch(line) for line in real)
    assert len(out.splitlines()) == 6 and all(shape.fullmatch(line) for line in out.splitlines())
    _, out, _ = await sh(device, "pm list packages -s | wc -l; pm list packages -U whatsapp; pm path com.whatsapp")
    lines = out.splitlines()
    assert int(lines[0]) >= 30
    assert lines[1] == "package:com.whatsapp uid:10248"
    assert lines[2].startswith("package:/data/app/~~") and lines[2].endswith("/base.apk")


async def test_pm_uninstall_third_party_really_removes_it(device: DeviceState) -> None:
    assert await sh(device, "pm uninstall com.whatsapp") == (0, "Success\n", "")
    assert (await sh(device, "pm list packages whatsapp"))[1] == ""
    assert (await sh(device, "pidof com.whatsapp"))[0] == 1
    assert (await sh(device, "pm path com.whatsapp"))[0] == 1
    assert await sh(device, "pm uninstall com.whatsapp") == (1, "Failure [DELETE_FAILED_INTERNAL_ERROR]\n", "")


async def test_pm_uninstall_system_app_needs_user_0(device: DeviceState) -> None:
    assert await sh(device, "pm uninstall com.android.chrome") == (1, "Failure [DELETE_FAILED_INTERNAL_ERROR]\n", "")
    assert await sh(device, "pm uninstall --user 0 com.android.chrome") == (0, "Success\n", "")
    assert (await sh(device, "pm list packages chrome"))[1] == ""
    assert "package:com.android.chrome" in (await sh(device, "pm list packages -u chrome"))[1]
    assert await sh(device, "pm uninstall --user 0 com.android.chrome") == (1, "Failure [not installed for 0]\n", "")
    assert (await sh(device, "cmd package list packages chrome"))[1] == ""


async def test_uninstall_survives_restart_only_with_keep_state(tmp_path: Path) -> None:
    device = DeviceState.create(tmp_path / "d")
    await sh(device, "pm uninstall com.spotify.music")
    kept = DeviceState.create(tmp_path / "d", keep_state=True)
    assert (await sh(kept, "pm list packages spotify"))[1] == ""
    assert (await sh(kept, "pidof com.spotify.music"))[0] == 1
    fresh = DeviceState.create(tmp_path / "d")
    assert (await sh(fresh, "pm list packages spotify"))[1] == "package:com.spotify.music\n"


async def test_dumpsys_package(device: DeviceState) -> None:
    _, out, _ = await sh(device, "dumpsys package com.whatsapp")
    assert "    versionName=2.24.2.76\n" in out and "    userId=10248\n" in out
    assert re.search(r"^    versionCode=240276005 ", out, re.M)
    assert re.search(r"^    codePath=/data/app/~~[\w=]+/com\.whatsapp-[\w=]+$", out, re.M)


# -- dumpsys shapes --------------------------------------------------------------------------------
def _battery_fields(text: str) -> dict[str, str]:
    """The way adbutils.battery() reads the dump: two-space `key: value` lines."""
    return dict(re.findall(r"^  ([\w ]+): (.*)$", text, re.M))


async def test_dumpsys_battery_parses_like_real_captures(device: DeviceState) -> None:
    _, out, _ = await sh(device, "dumpsys battery")
    ours = _battery_fields(out)
    real = _battery_fields(fixture("dumpsys_battery", "emulator-x86_64-a15plus.txt"))
    assert out.startswith("Current Battery Service state:\n")
    core = {
        "AC powered",
        "USB powered",
        "Wireless powered",
        "status",
        "health",
        "present",
        "level",
        "scale",
        "voltage",
        "temperature",
        "technology",
    }
    assert core <= set(real) and core <= set(ours)
    assert ours["level"] == "85" and ours["scale"] == "100"


async def test_dumpsys_window_and_activity_focus(device: DeviceState) -> None:
    await sh(device, "am start -n com.whatsapp/.Main")
    _, out, _ = await sh(device, "dumpsys window | grep -E 'mCurrentFocus|mFocusedApp'")
    real = fixture("dumpsys_window", "pixel-sailfish-a8.1.txt")
    focus_re = re.compile(r"mCurrentFocus=Window\{\w+ u0 ([\w.]+)/([\w.]+)\}")
    assert focus_re.search(real)
    assert focus_re.search(out).groups() == ("com.whatsapp", "com.whatsapp.Main")
    _, out, _ = await sh(device, "dumpsys activity activities")
    assert re.search(r"mResumedActivity: ActivityRecord\{\w+ u0 com\.whatsapp/\.Main t\d+\}", out)
    assert "topResumedActivity=ActivityRecord{" in out


async def test_dumpsys_display_orientation_for_adbutils(device: DeviceState) -> None:
    _, out, _ = await sh(device, "dumpsys display")
    viewport = re.compile(
        r".*DisplayViewport\{.*?valid=true, .*?orientation=(?P<o>\d+), .*deviceWidth=(?P<w>\d+), "
        r"deviceHeight=(?P<h>\d+).*"
    )
    m = next(filter(None, (viewport.match(line) for line in out.splitlines())))
    assert m.group("o", "w", "h") == ("0", "1080", "2400")
    assert "mCurrentOrientation=0" in out


async def test_dumpsys_meminfo_cpuinfo_diskstats(device: DeviceState) -> None:
    _, out, _ = await sh(device, "dumpsys meminfo")
    assert re.search(r"^Total RAM: [\d,]+K \(status normal\)$", out, re.M)
    assert re.search(r"^ Free RAM: [\d,]+K", out, re.M) and re.search(r"^ Used RAM: ", out, re.M)
    _, out, _ = await sh(device, "dumpsys meminfo com.whatsapp")
    assert "** MEMINFO in pid 5871 [com.whatsapp] **" in out
    assert (await sh(device, "dumpsys meminfo no.such"))[1].endswith("No process found for: no.such\n")
    _, out, _ = await sh(device, "dumpsys cpuinfo")
    assert re.match(r"Load: [\d.]+ / [\d.]+ / [\d.]+\nCPU usage from \d+ms to \d+ms ago", out)
    assert re.search(r"^  [\d.]+% \d+/system_server: [\d.]+% user \+ [\d.]+% kernel", out, re.M) or "TOTAL" in out
    _, out, _ = await sh(device, "dumpsys diskstats")
    assert re.search(r"^Data-Free: \d+K / \d+K total = \d+% free$", out, re.M)
    assert "battery" in (await sh(device, "dumpsys -l"))[1]


# -- screen: wm, input, am, notifications ----------------------------------------------------------
async def test_wm_size_override_and_reset(device: DeviceState) -> None:
    assert (await sh(device, "wm size"))[1] == "Physical size: 1080x2400\n"
    assert (await sh(device, "wm density"))[1] == "Physical density: 420\n"
    await sh(device, "wm size 720x1600")
    assert (await sh(device, "wm size"))[1] == "Physical size: 1080x2400\nOverride size: 720x1600\n"
    assert device.screen.size == (720, 1600)
    await sh(device, "wm size reset")
    assert (await sh(device, "wm size"))[1] == "Physical size: 1080x2400\n"
    assert device.screen.size == (1080, 2400)


async def test_input_text_and_keys_reach_the_screen(device: DeviceState) -> None:
    await sh(device, "am start -a android.intent.action.VIEW -d https://example.com/")
    assert await sh(device, "input text 'hello%sworld'") == (0, "", "")
    assert device.screen.text_field == "hello world"
    await sh(device, "input keyevent KEYCODE_HOME")
    assert device.screen.foreground[0] == "com.google.android.apps.nexuslauncher"
    code, _, err = await sh(device, "input keyevent KEYCODE_NOPE")
    assert code != 0 and "Unknown keycode" in err


async def test_am_start_view_url(device: DeviceState) -> None:
    code, out, _ = await sh(device, "am start -a android.intent.action.VIEW -d 'https://example.com/a?b=1'")
    assert (code, out) == (0, "Starting: Intent { act=android.intent.action.VIEW dat=https://example.com/... }\n")
    assert device.screen.foreground[0] == "com.android.chrome"
    assert (await sh(device, "pidof com.android.chrome"))[0] == 0


async def test_am_start_camera_and_image(device: DeviceState) -> None:
    await sh(device, "am start -a android.media.action.STILL_IMAGE_CAMERA")
    assert device.screen.foreground[0] == "com.google.android.GoogleCamera"
    code, out, _ = await sh(
        device, "am start -a android.intent.action.VIEW -d file:///sdcard/Download/logo.png -t image/png"
    )
    assert out == (
        "Starting: Intent { act=android.intent.action.VIEW dat=file:///sdcard/Download/logo.png typ=image/png }\n"
    )
    assert device.screen.foreground[0] == "com.google.android.apps.photos"


async def test_monkey_launches_the_app(device: DeviceState) -> None:
    code, out, _ = await sh(device, "monkey -p com.android.settings -c android.intent.category.LAUNCHER 1")
    assert code == 0 and "Events injected: 1" in out
    assert device.screen.foreground == ("com.android.settings", "com.android.settings.Settings")


async def test_cmd_notification_post(device: DeviceState) -> None:
    code, out, _ = await sh(device, "cmd notification post -t 'Your technician' bt1 'Hello [b]there[/b]'")
    assert code == 0 and out.startswith("posting:\n  Notification(channel=")
    (note,) = device.screen.notifications
    assert (note.tag, note.title, note.text, note.package) == (
        "bt1",
        "Your technician",
        "Hello [b]there[/b]",
        "com.android.shell",
    )
    assert "tag=bt1" in (await sh(device, "dumpsys notification"))[1]


# -- the rest --------------------------------------------------------------------------------------
async def test_identity_commands(device: DeviceState) -> None:
    _, out, _ = await sh(device, "id; whoami; uname -m; uname -r")
    lines = out.splitlines()
    assert lines[0].startswith("uid=2000(shell) gid=2000(shell) groups=2000(shell),")
    assert lines[0].endswith(" context=u:r:shell:s0")
    assert lines[1:3] == ["shell", "aarch64"]
    assert (await sh(device, "date +%Y"))[1].strip().isdigit()


async def test_system_commands_parse_argv_as_toybox_does(device: DeviceState) -> None:
    assert (await sh(device, "id -un; id -u; id -G root"))[1] == "shell\n2000\n0\n"
    assert (await sh(device, "date -u -d @86400 +%F; date --utc -d @0 +%H"))[1] == "1970-01-02\n00\n"
    assert (await sh(device, "env -i A=1 B=2"))[1] == "A=1\nB=2\n"
    for line, message in [
        ("id -x", "id: Unknown option 'x' (see \"id --help\")\n"),
        ("id -u -g", "id: No 'g' with 'u' (see \"id --help\")\n"),
        ("uname -z", "uname: Unknown option 'z' (see \"uname --help\")\n"),
        ("date -d @1 -r /", "date: No 'r' with 'd' (see \"date --help\")\n"),
        ("sleep", 'sleep: Needs 1 argument (see "sleep --help")\n'),
        ("whoami x", 'whoami: Max 0 arguments (see "whoami --help")\n'),
    ]:
        code, out, err = await sh(device, line)
        assert (code, out, err) == (1, "", message), line


async def test_ip_addr_and_ifconfig_for_adbutils_wlan_ip(device: DeviceState) -> None:
    _, out, _ = await sh(device, "ip addr show dev wlan0")
    real = fixture("ip_addr", "pixel-sailfish-a8.1-ip-4-addr-show.txt")
    head = re.compile(r"^\d+: wlan0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default", re.M)
    assert head.search(real) and head.search(out)
    assert re.search(r"inet (\d+\.\d+\.\d+\.\d+)/24 brd", out).group(1) == "192.168.1.47"
    _, out, _ = await sh(device, "ifconfig wlan0")
    assert "inet addr:192.168.1.47  Bcast:192.168.1.255  Mask:255.255.255.0" in out


async def test_logcat_dump_filters(device: DeviceState) -> None:
    _, out, _ = await sh(device, "logcat -d -s ShoppingApp:E")
    body = out.splitlines()[1:]
    assert body and all(re.match(r"\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} +7318 +7318 E ShoppingApp: ", b) for b in body)
    _, out, _ = await sh(device, "logcat -d -t 2 | wc -l")
    assert out == "3\n"


async def test_reboot_resets_processes(device: DeviceState) -> None:
    await sh(device, "am force-stop com.whatsapp")
    assert (await sh(device, "pidof com.whatsapp"))[0] == 1
    await sh(device, "reboot")
    assert (await sh(device, "pidof com.whatsapp"))[1] == "5871\n"


async def test_dumpsys_wifi_is_a_full_dump_with_the_lines_triage_reads(device: DeviceState) -> None:
    from adb_backend.parsers.dumpsys_wifi import parse_dumpsys_wifi

    code, out, _ = await sh(device, "dumpsys wifi")
    assert code == 0 and len(out.splitlines()) > 100
    for section in (
        "Dump of WifiActiveModeWarden",
        "WifiClientModeImpl:",
        "WifiScoreReport:",
        "Dump of WifiConfigManager",
        "Latest scan results:",
    ):
        assert section in out
    code, grepped, _ = await sh(device, "dumpsys wifi | grep -E '^Wi-Fi is|mWifiInfo'")
    lines = grepped.splitlines()
    assert lines[0] == "Wi-Fi is enabled" and len(lines) == 2
    assert lines[1].startswith('mWifiInfo SSID: "HomeNet-5G"')
    info = parse_dumpsys_wifi(out)
    assert (info.enabled, info.ssid, info.rssi_dbm, info.link_speed_mbps) == (True, "HomeNet-5G", -52, 1201)
    assert info.ip_address == "192.168.1.47" and info.frequency_mhz == 5180


async def test_ls_lists_a_non_utf8_file_name_as_its_bytes(device: DeviceState) -> None:
    device.fs.write_bytes("/sdcard/Download/caf\udce9.txt", b"x")
    streams = Streams()
    code = await Shell(device).run("ls /sdcard/Download; ls -l /sdcard/Download", streams)
    assert code == 0, streams.stderr
    assert streams.stdout.count(b"caf\xe9.txt") == 2
