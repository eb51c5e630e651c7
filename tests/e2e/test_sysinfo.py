"""`bt sysinfo` through the real stack: the CLI in a subprocess → adb server → the virtual device, with
round trips counted by the device itself."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.captures import capture_path

OVERVIEW_FIELDS = (
    "model",
    "manufacturer",
    "device_name",
    "android_version",
    "sdk",
    "build",
    "serial",
    "battery_level",
    "battery_status",
    "ram_total_kb",
    "ram_available_kb",
    "storage_used_bytes",
    "storage_total_bytes",
    "uptime_seconds",
    "ip_addresses",
    "screen_size",
    "screen_density",
    "foreground_package",
)
ALL_SECTIONS = (
    "overview",
    "device",
    "battery",
    "memory",
    "cpu",
    "storage",
    "network",
    "display",
    "processes",
    "apps",
    "foreground",
)


def start_session(bt_env, serial: str) -> str:
    result = bt_env.run("session", "start", "--device", serial, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["id"]


def sysinfo_json(bt_env, *args: str) -> dict:
    result = bt_env.run("sysinfo", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def slow_device(vdevice_factory):
    """A device 30 ms away, so a round trip too many shows in the counters and the clock."""
    return vdevice_factory(latency_ms=30)


def test_overview_is_one_round_trip_with_the_profile_values(bt_env, slow_device):
    start_session(bt_env, slow_device.serial)
    slow_device.counters.reset()
    snap = sysinfo_json(bt_env)
    assert slow_device.counters.services["shell"] == 1, slow_device.counters.shell_commands
    assert snap["round_trips"] == 1
    assert list(snap["sections"]) == ["overview"]
    overview = snap["sections"]["overview"]["data"]
    errors = snap["sections"]["overview"]["errors"]
    for name in OVERVIEW_FIELDS:
        assert name in overview
    props = slow_device.state.props
    assert overview["model"] == props["ro.product.model"] == "Pixel 8"
    assert overview["manufacturer"] == "Google"
    assert overview["device_name"] == "Pixel 8"
    assert overview["android_version"] == "14" and overview["sdk"] == 34
    assert overview["build"] == props["ro.build.display.id"]
    assert overview["serial"] == props["ro.serialno"]
    assert overview["screen_size"] == [1080, 2400] and overview["screen_density"] == 420
    assert 0 < overview["storage_used_bytes"] < overview["storage_total_bytes"]
    # Values from commands the device may not offer are either right or named as failed in their slot.
    screen = slow_device.state.screen
    assert overview["battery_level"] == getattr(screen, "battery_level", 85)
    assert overview["battery_status"] in ("charging", "discharging", "full", "not charging")
    assert overview["foreground_package"] == screen.foreground[0] == "com.google.android.apps.nexuslauncher"
    assert "192.168.1.47" in overview["ip_addresses"]  # the profile's wlan_ip
    assert not {"battery", "window", "ip_addr", "getprop", "df_data", "wm_size"} & set(errors), errors
    if "proc_meminfo" not in errors:
        assert 0 < overview["ram_available_kb"] < overview["ram_total_kb"]
    if "uptime" not in errors:
        assert overview["uptime_seconds"] >= 187532  # the profile's boot_seconds_ago


def test_all_sections_arrive_in_at_most_three_round_trips(bt_env, slow_device):
    start_session(bt_env, slow_device.serial)
    slow_device.counters.reset()
    snap = sysinfo_json(bt_env, "--all")
    assert 1 <= slow_device.counters.services["shell"] <= 3
    assert snap["round_trips"] == slow_device.counters.services["shell"]
    assert tuple(snap["sections"]) == ALL_SECTIONS
    sections = {name: s["data"] for name, s in snap["sections"].items()}
    assert sections["device"]["properties"]["product"]["ro.product.model"] == "Pixel 8"
    pids = {p["pid"]: p for p in sections["processes"]["processes"]}
    assert pids[1]["name"] == "init" and pids[1]["user"] == "root"
    apps = {a["package"]: a for a in sections["apps"]["apps"]}
    assert apps["com.whatsapp"]["system"] is False and apps["com.whatsapp"]["uid"] == 10248
    assert apps["com.android.settings"]["system"] is True
    assert any(row["mount"] == "/data" for row in sections["storage"]["filesystems"])
    assert sections["display"]["physical_size"] == [1080, 2400]
    assert sections["battery"]["scale"] == 100 and sections["battery"]["technology"] == "Li-ion"
    assert sections["memory"]["summary"]["total_kb"] > sections["memory"]["summary"]["free_kb"] > 0
    assert sections["cpu"]["busiest"] and sections["cpu"]["load"] and len(sections["cpu"]["load"]) == 3
    assert sections["foreground"]["package"] == "com.google.android.apps.nexuslauncher"


def open_device(serial: str):
    from adb_backend.client import AdbBackend
    from adb_backend.server import bundled_adb_path

    return AdbBackend(None, adb_path=bundled_adb_path()).open(serial)


def test_a_failing_command_is_reported_in_its_slot_while_the_rest_arrive(vdevice, monkeypatch):
    """As on an old Android missing a file: the device's own reason in that slot, the rest still parsed."""
    from adb_backend import sysinfo

    missing = sysinfo.Probe("cat /proc/no-such-file")
    monkeypatch.setitem(sysinfo.PROBES, "loadavg", missing)
    vdevice.counters.reset()
    result = sysinfo.collect(open_device(vdevice.serial), ["cpu", "display", "processes"])
    assert result.round_trips == vdevice.counters.services["shell"] <= 3
    cpu = result.sections["cpu"]
    assert cpu.errors["loadavg"] == "cat: /proc/no-such-file: No such file or directory"
    assert cpu.to_json()["ok"] is False and cpu.data["busiest"]  # the rest of the section still arrived
    assert result.sections["display"].data["physical_density"] == 420
    assert result.sections["processes"].ok and result.sections["processes"].data["count"] > 10


def test_sections_are_chosen_by_name_and_unknown_ones_are_refused(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    snap = sysinfo_json(bt_env, "--section", "display", "-S", "apps")
    assert list(snap["sections"]) == ["display", "apps"]
    bad = bt_env.run("sysinfo", "--section", "weather")
    assert bad.returncode == 2
    assert "weather" in bad.stderr and "overview" in bad.stderr and "processes" in bad.stderr


def test_each_pull_is_in_the_transcript_with_its_sections(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    sysinfo_json(bt_env, "-S", "battery", "-S", "display")
    events = json.loads(bt_env.run("log", "--json", "--kind", "sysinfo.pulled").stdout)
    assert len(events) == 1
    assert events[0]["data"]["sections"] == ["battery", "display"]
    assert "battery, display" in events[0]["text"]


def test_human_output_save_and_policy(bt_env, vdevice, tmp_path):
    start_session(bt_env, vdevice.serial)
    out = tmp_path / "info.txt"
    human = bt_env.run("sysinfo", "--save", str(out))
    assert human.returncode == 0, human.stderr
    for label in ("Model", "Pixel 8", "Android", "14 (SDK 34)", "Screen", "1080x2400", "420 dpi", "Storage"):
        assert label in human.stdout
    text = out.read_text()
    assert "== Overview ==" in text and "Model: Pixel 8" in text and "Screen: 1080x2400" in text
    bt_env.policy_path.write_text("[system]\ninfo = false\n")
    denied = bt_env.run("sysinfo", "--json")
    assert denied.returncode == 10 and denied.stdout == ""
    kinds = [e["kind"] for e in json.loads(bt_env.run("log", "--json").stdout)]
    assert kinds[-1] == "permission.denied"


def test_watch_prints_json_lines_until_interrupted(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "sysinfo", "--json", "--watch", "0.2", "-S", "display"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
    )
    try:
        lines = [proc.stdout.readline() for _ in range(2)]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 130  # INTERRUPTED, as every follow in bt
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    snaps = [json.loads(line) for line in lines]
    assert all(s["sections"]["display"]["data"]["physical_size"] == [1080, 2400] for s in snaps)
    assert snaps[0]["taken_at"] < snaps[1]["taken_at"]


def test_parse_reads_a_real_capture_from_a_file_or_stdin(bt_env):
    capture = capture_path("dumpsys_battery/samsung-s24-ultra.txt")
    result = bt_env.run("sysinfo", "parse", "battery", str(capture), "--json")
    assert result.returncode == 0, result.stderr
    battery = json.loads(result.stdout)
    assert battery["level"] == 75 and battery["status"] == "charging" and battery["plugged"] == "usb"
    assert battery["temperature_c"] == 35.7 and battery["voltage_mv"] == 4156
    piped = bt_env.run("sysinfo", "parse", "wm-size", "-", "--json", input="Physical size: 1080x2400\n")
    assert json.loads(piped.stdout)["physical"] == [1080, 2400]
    human = bt_env.run("sysinfo", "parse", "battery", str(capture))
    assert "[false]" in human.stdout  # capture text is shown as text, never as markup
    bad = bt_env.run("sysinfo", "parse", "horoscope", str(capture))
    assert bad.returncode == 2 and "getprop" in bad.stderr and "proc-meminfo" in bad.stderr
    missing = bt_env.run("sysinfo", "parse", "battery", os.path.join(str(capture), "nope"))
    assert missing.returncode != 0 and "bt: error:" in missing.stderr


def test_overview_is_faster_than_one_shell_per_field(slow_device, adb_server):
    """In process: the batched overview beats 15 separate shells on a 30 ms link."""
    from adb_backend.sysinfo import collect, collect_naively

    device = open_device(slow_device.serial)
    started = time.perf_counter()
    collect(device, ["overview"])
    batched = time.perf_counter() - started
    started = time.perf_counter()
    collect_naively(device)
    naive = time.perf_counter() - started
    assert naive > 3 * batched, (naive, batched)
