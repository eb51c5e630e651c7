"""/proc and ps user names through the stock adb: what a triage script reading the kernel's files sees."""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.captures import capture_path
from tests.conftest import AdbServerHandle


def sh(adb_server: AdbServerHandle, serial: str, command: str, check: bool = True):
    return adb_server.adb("-s", serial, "shell", command, check=check)


def meminfo_fields(text: str) -> dict[str, int]:
    return {m[1]: int(m[2]) for m in re.finditer(r"^(\S+):\s+(\d+) kB$", text, re.M)}


def test_meminfo_and_cpuinfo_have_the_real_layout_and_agree_with_dumpsys(adb_server, vdevice) -> None:
    text = sh(adb_server, vdevice.serial, "cat /proc/meminfo").stdout.decode()
    fields = meminfo_fields(text)
    real = capture_path("proc_meminfo/pixel-8-pro-husky-a16.txt").read_text()
    # the same keys in the same order as a Tensor G3 phone, padded the kernel's way
    assert list(fields) == list(meminfo_fields(real))
    assert all(len(line) >= 27 and line.endswith(" kB") for line in text.splitlines())
    assert text.splitlines()[0] == "MemTotal:        7823364 kB"  # 8 GiB minus carve-outs
    assert 0 < fields["MemFree"] < fields["MemAvailable"] < fields["MemTotal"]
    dumpsys = sh(adb_server, vdevice.serial, "dumpsys meminfo").stdout.decode()
    assert f"Total RAM: {fields['MemTotal']:,}K" in dumpsys
    # the free figure moves with the shell's own processes; both views come from one memory model
    free = int(re.search(r"([\d,]+)K free\)", dumpsys)[1].replace(",", ""))
    assert abs(free - fields["MemFree"]) < 20_000

    cpu = sh(adb_server, vdevice.serial, "cat /proc/cpuinfo").stdout.decode()
    parts = re.findall(r"^CPU part\t: (0x[0-9a-f]+)$", cpu, re.M)
    assert parts == ["0xd46"] * 4 + ["0xd4d"] * 4 + ["0xd4e"]  # 4x A510, 4x A715, 1x X3
    real_cpu = capture_path("proc_cpuinfo/pixel-8-pro-husky-a16.txt").read_text()
    assert [ln.split(":")[0] for ln in cpu.splitlines()] == [ln.split(":")[0] for ln in real_cpu.splitlines()]
    assert sh(adb_server, vdevice.serial, "grep -c ^processor /proc/cpuinfo").stdout == b"9\n"
    head = sh(adb_server, vdevice.serial, "head -n 2 /proc/meminfo").stdout.decode().splitlines()
    assert [ln.split(":")[0] for ln in head] == ["MemTotal", "MemFree"]


def test_uptime_advances_from_boot_and_a_reboot_resets_it(adb_server, vdevice) -> None:
    def uptime() -> float:
        out = sh(adb_server, vdevice.serial, "cat /proc/uptime").stdout.decode()
        assert re.fullmatch(r"\d+\.\d\d \d+\.\d\d\n", out), out
        return float(out.split()[0])

    first = uptime()
    assert first >= 187532  # the profile booted ~52 h ago
    time.sleep(1.1)
    assert uptime() - first >= 1.0
    btime = int(re.search(r"^btime (\d+)$", sh(adb_server, vdevice.serial, "cat /proc/stat").stdout.decode(), re.M)[1])
    assert abs(btime - (time.time() - first)) < 5
    loadavg = sh(adb_server, vdevice.serial, "cat /proc/loadavg").stdout.decode()
    assert re.fullmatch(r"\d+\.\d\d \d+\.\d\d \d+\.\d\d \d+/\d+ \d+\n", loadavg)
    assert (
        sh(adb_server, vdevice.serial, "cat /proc/version")
        .stdout.decode()
        .startswith("Linux version " + sh(adb_server, vdevice.serial, "uname -r").stdout.decode().strip() + " ")
    )
    vdevice.state.reboot()
    assert uptime() < 60


def test_per_process_entries_follow_the_process_table(adb_server, vdevice) -> None:
    listing = sh(adb_server, vdevice.serial, "ls /proc").stdout.decode().split()
    assert {"1", "612", "meminfo", "cpuinfo", "uptime", "loadavg", "version", "stat"} <= set(listing)
    status = sh(adb_server, vdevice.serial, "cat /proc/612/status").stdout.decode()
    assert "Name:\tlogd\n" in status and "Uid:\t1036\t1036\t1036\t1036\n" in status
    assert re.search(r"^VmRSS:\s+\d+ kB$", status, re.M)
    cmdline = adb_server.adb("-s", vdevice.serial, "exec-out", "cat /proc/612/cmdline").stdout
    assert cmdline == b"/system/bin/logd\0"
    # an app process the shell user may kill: its /proc entry goes with it
    app = next(p for p in vdevice.state.processes.all() if p.uid >= 10000)
    vdevice.state.processes.kill(app.pid)
    r = sh(adb_server, vdevice.serial, f"cat /proc/{app.pid}/status", check=False)
    assert r.returncode == 1 and b"No such file or directory" in r.stderr
    assert str(app.pid) not in sh(adb_server, vdevice.serial, "ls /proc").stdout.decode().split()


def test_proc_is_read_only_with_the_real_errors(adb_server, vdevice, tmp_path: Path) -> None:
    r = sh(adb_server, vdevice.serial, "echo 1 > /proc/meminfo", check=False)
    assert r.returncode != 0 and b"Permission denied" in r.stderr
    r = sh(adb_server, vdevice.serial, "touch /proc/new; rm /proc/uptime; mkdir /proc/x", check=False)
    assert r.stderr.count(b"Permission denied") == 3
    assert b"-r--r--r--" in sh(adb_server, vdevice.serial, "ls -l /proc/meminfo").stdout
    assert b"dr-xr-xr-x" in sh(adb_server, vdevice.serial, "ls -ld /proc/1").stdout
    # adb pull reads it like any file (size 0 in stat, contents on read)
    adb_server.adb("-s", vdevice.serial, "pull", "/proc/meminfo", str(tmp_path / "meminfo"))
    assert (tmp_path / "meminfo").read_text().startswith("MemTotal:")


def test_ps_names_android_ids_like_toybox(adb_server, vdevice) -> None:
    out = sh(adb_server, vdevice.serial, "ps -A -o USER,PID,NAME").stdout.decode()
    users = {line.split()[2]: line.split()[0] for line in out.splitlines()[1:]}
    assert users["logd"] == "logd"
    assert users["init"] == "root" and users["system_server"] == "system"
    assert users["com.android.phone"] == "radio"
    assert not [u for u in users.values() if u.isdigit()], out
    assert all(re.fullmatch(r"u0_a\d+", u) for n, u in users.items() if n.startswith("com.whatsapp"))
