"""Reboot, other profiles, link conditions and stream teardown, through the stock adb."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.conftest import AdbServerHandle
from virtual_device.profiles import PERSISTENT_PACKAGES


def wait_for(predicate, timeout: float = 20.0, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def test_adb_reboot_drops_the_device_and_it_comes_back_fresh(adb_server: AdbServerHandle, vdevice) -> None:
    serial = vdevice.serial
    # an ordinary app: force-stop leaves persistent ones (systemui, phone) running, as on a phone
    app = next(p for p in vdevice.state.processes.all() if p.uid >= 10000 and p.package not in PERSISTENT_PACKAGES)
    adb_server.adb("-s", serial, "shell", f"am force-stop {app.package}")
    assert vdevice.state.processes.get(app.pid) is None
    adb_server.adb("-s", serial, "reboot", check=False, timeout=30)
    assert vdevice.faults.is_offline
    r = adb_server.adb("-s", serial, "shell", "echo hi", check=False, timeout=30)
    assert r.returncode != 0  # down while it "boots"

    def back() -> bool:
        r = adb_server.adb("-s", serial, "shell", "cat /proc/uptime", check=False, timeout=30)
        if r.returncode != 0:
            adb_server.adb("connect", serial, check=False, timeout=30)  # as a user would after a reboot
            return False
        return True

    assert wait_for(back, timeout=30, step=0.5)
    uptime = float(adb_server.adb("-s", serial, "shell", "cat /proc/uptime").stdout.split()[0])
    assert uptime < 30
    assert vdevice.state.processes.get(app.pid) is not None  # processes as a boot starts them


def test_another_profile_is_another_phone(adb_server: AdbServerHandle, vdevice_factory, tmp_path: Path) -> None:
    profile = tmp_path / "a12"
    profile.mkdir()
    (profile / "props.txt").write_text(
        "[ro.build.version.release]: [12]\n[ro.build.version.sdk]: [31]\n[ro.product.model]: [Galaxy A52]\n"
        "[ro.product.name]: [a52qnsxx]\n[ro.product.device]: [a52q]\n[ro.product.manufacturer]: [samsung]\n"
    )
    (profile / "profile.toml").write_text("[screen]\nwidth = 720\nheight = 1600\ndensity = 320\n")
    device = vdevice_factory(profile=profile)
    adb = lambda *a, **kw: adb_server.adb("-s", device.serial, *a, **kw)  # noqa: E731
    assert adb("shell", "getprop ro.build.version.release").stdout == b"12\n"
    assert b"model:Galaxy_A52" in adb_server.adb("devices", "-l").stdout
    assert adb("shell", "wm size").stdout == b"Physical size: 720x1600\n"
    r = adb("shell", "screenrecord --time-limit 0 /sdcard/x.mp4", check=False)
    assert r.returncode != 0 and b"Time limit 0s outside acceptable range [1,180]" in r.stderr


def test_stall_stream_holds_only_the_matching_service(adb_server: AdbServerHandle, vdevice) -> None:
    vdevice.faults.stall_stream("shell", 1.5)
    t0 = time.monotonic()
    adb_server.adb("-s", vdevice.serial, "exec-out", "echo fast")
    fast = time.monotonic() - t0
    t0 = time.monotonic()
    r = adb_server.adb("-s", vdevice.serial, "shell", "echo slow")
    slow = time.monotonic() - t0
    assert r.stdout == b"slow\n"
    assert fast < 1.0 <= slow


def test_bandwidth_limit_shapes_a_push(adb_server: AdbServerHandle, vdevice_factory, tmp_path: Path) -> None:
    device = vdevice_factory(bandwidth_mbps=40)  # 5 MB/s
    f = tmp_path / "f.bin"
    f.write_bytes(os.urandom(4 << 20))
    t0 = time.monotonic()
    adb_server.adb("-s", device.serial, "push", str(f), "/sdcard/f.bin")
    rate_mbps = f.stat().st_size * 8 / (time.monotonic() - t0) / 1e6
    assert 40 * 0.7 <= rate_mbps <= 40 * 1.3, rate_mbps


def test_live_streams_end_when_the_host_closes_them(adb_server: AdbServerHandle, vdevice) -> None:
    base = [str(adb_server.adb_path), "-P", str(adb_server.port), "-s", vdevice.serial]
    for argv in (["shell", "logcat"], ["exec-out", "screenrecord --output-format=h264 -"]):
        proc = subprocess.Popen(base + argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            assert proc.stdout is not None
            assert proc.stdout.read(64)  # it streams
            assert vdevice.stream_count >= 1
        finally:
            proc.kill()  # the host side goes away without a word
            proc.wait(10)
        assert wait_for(lambda: vdevice.stream_count == 0, timeout=10), argv
        name = argv[1].split()[0]
        assert wait_for(lambda n=name: not [p for p in vdevice.state.processes.all() if p.name == n], 10), name
