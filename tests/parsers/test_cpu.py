"""dumpsys cpuinfo (load, busiest processes, TOTAL) and /proc/cpuinfo (cores, SoC, per-core identity)."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_dumpsys_cpuinfo, parse_proc_cpuinfo

from ._fixtures import fixture

# file -> (loads, total %, (user %, kernel %), rows, busiest (pid, name, cpu, user, kernel), systemui pid)
DUMPSYS = {
    "dumpsys_cpuinfo/emulator-x86-a7.1.1.txt": (
        (0.1, 0.21, 0.18), 1.6, (0.8, 0.7), 67, (1686, "system_server", 2.8, 1.5, 1.2), 1773),
    "dumpsys_cpuinfo/mtk-mt8168-tablet-a13.txt": (
        (6.87, 8.01, 8.33), -29.6, (-1.3, -26.9), 78,
        (330, "android.system.suspend@1.0-service", 52.0, 0.0, 52.0), 2420),
    "dumpsys_cpuinfo/pixel-sailfish-a8.1.txt": (
        (6.13, 5.63, 6.06), 43.0, (28.0, 14.0), 98, (887, "system_server", 70.0, 39.0, 30.0), 1382),
    "dumpsys_cpuinfo/samsung-galaxy-s25-era.txt": (
        (1.77, 1.67, 2.1), 2.9, (1.3, 1.1), 82, (2975, "system_server", 8.1, 5.4, 2.7), 4575),
    "dumpsys_cpuinfo/smartron-tphone-a8.1.txt": (
        (7.46, 3.6, 1.42), 17.0, (10.0, 5.8), 171, (1656, "system_server", 21.0, 14.0, 6.9), 1957),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(DUMPSYS))
def test_dumpsys_cpuinfo(path: str) -> None:
    loads, total, (user, kernel), rows, busiest, systemui_pid = DUMPSYS[path]
    info = parse_dumpsys_cpuinfo(fixture(path))
    data = info.to_json()
    assert (data["load_1"], data["load_5"], data["load_15"]) == loads
    assert data["total_percent"] == pytest.approx(total)
    assert (data["user_percent"], data["kernel_percent"]) == (pytest.approx(user), pytest.approx(kernel))
    assert len(info.processes) == rows
    first = data["processes"][0]
    assert (
        first["pid"],
        first["name"],
        first["cpu_percent"],
        first["user_percent"],
        first["kernel_percent"],
    ) == busiest
    assert next(p for p in info.processes if p.name == "com.android.systemui").pid == systemui_pid


def test_kernel_threads_with_slashes_and_new_processes_marked_plus() -> None:
    info = parse_dumpsys_cpuinfo(fixture("dumpsys_cpuinfo/mtk-mt8168-tablet-a13.txt"))
    kworker = next(p for p in info.processes if p.pid == 4180)
    assert kworker.name == "kworker/2:3-events" and kworker.kernel_percent == 16.0
    assert info.processes[-1].name == "kworker/1:0H"  # a ' +0% 5948/kworker/1:0H' row
    assert info.window_ms == 103920 - 63593
    emulator = parse_dumpsys_cpuinfo(fixture("dumpsys_cpuinfo/emulator-x86-a7.1.1.txt"))
    assert emulator.processes[0].minor_faults == 32158 and emulator.processes[0].major_faults == 102
    assert emulator.irq_percent is None  # this TOTAL line has no irq part
    samsung = parse_dumpsys_cpuinfo(fixture("dumpsys_cpuinfo/samsung-galaxy-s25-era.txt"))
    hcgcd = next(p for p in samsung.processes if p.name == "hcgcd")
    assert (hcgcd.minor_faults, hcgcd.major_faults) == (None, 6)


# file -> (processors, hardware, model_name, bogomips, cpu parts of first and last core, implementer)
PROC = {
    "proc_cpuinfo/asus-tf201-tegra3-a4.0.3.txt": (
        4, "cardhu", "ARMv7 Processor rev 9 (v7l)", 1993.93, ("0xc09", "0xc09"), "0x41"),
    "proc_cpuinfo/galaxy-s8-us-sm-g950u-a7.0.txt": (
        8, "Qualcomm Technologies, Inc MSM8998", "AArch64 Processor rev 4 (aarch64)", 38.4, ("0x801", "0x800"), "0x51"),
    "proc_cpuinfo/huawei-mate-20-kirin980.txt": (8, None, None, 3.84, ("0xd05", "0xd40"), "0x41"),
    "proc_cpuinfo/magch-m610-rk3326-a11go.txt": (
        4, "Rockchip rk3326 863 rkisp1 board", "ARMv8 Processor rev 2 (v8l)", 48.0, ("0xd04", "0xd04"), "0x41"),
    "proc_cpuinfo/msm8953-goadb.txt": (
        8, "Qualcomm Technologies, Inc MSM8953", "AArch64 Processor rev 4 (aarch64)", None, ("0xd03", "0xd03"), "0x41"),
    "proc_cpuinfo/pixel-8-pro-husky-a16.txt": (9, None, None, 49.15, ("0xd46", "0xd4e"), "0x41"),
    "proc_cpuinfo/pixel-sailfish-a7.1.2.txt": (
        4, "Qualcomm Technologies, Inc MSM8996pro", "AArch64 Processor rev 1 (aarch64)", 38.0,
        ("0x201", "0x205"), "0x51"),
    "proc_cpuinfo/redmi-note-4-a7.0.txt": (
        8, "Qualcomm Technologies, Inc MSM8953", "AArch64 Processor rev 4 (aarch64)", 38.4, ("0xd03", "0xd03"), "0x41"),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(PROC))
def test_proc_cpuinfo(path: str) -> None:
    count, hardware, model, bogomips, (first_part, last_part), implementer = PROC[path]
    info = parse_proc_cpuinfo(fixture(path))
    data = info.to_json()
    assert data["processors"] == count == len(data["cores"])
    assert data["hardware"] == hardware
    assert data["model_name"] == model
    assert data["bogomips"] == bogomips
    assert (data["cores"][0]["cpu_part"], data["cores"][-1]["cpu_part"]) == (first_part, last_part)
    assert data["cores"][0]["cpu_implementer"] == implementer
    assert [core["processor"] for core in data["cores"]] == list(range(count))
    assert "fp" in data["features"] or "neon" in data["features"]


def test_legacy_shared_block_applies_to_every_core_and_crlf_is_clean() -> None:
    tegra = parse_proc_cpuinfo(fixture("proc_cpuinfo/asus-tf201-tegra3-a4.0.3.txt"))
    assert all("neon" in core.features for core in tegra.cores)
    assert tegra.serial == "0000000000000000" and tegra.revision == "0000"
    crlf = fixture("proc_cpuinfo/msm8953-goadb.txt")
    assert "\r\n" in crlf
    msm = parse_proc_cpuinfo(crlf)
    assert msm.features[-1] == "crc32"  # no stray '\r'
    assert msm.cores[0].cpu_revision == "4"
    pixel8 = parse_proc_cpuinfo(fixture("proc_cpuinfo/pixel-8-pro-husky-a16.txt"))
    assert "sve2" in pixel8.cores[0].features


def test_x86_emulator_layout() -> None:
    text = (
        "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n"
        "flags\t\t: fpu vme sse sse2\nbogomips\t: 4400.00\n\n"
        "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nflags\t\t: fpu vme\nbogomips\t: 4400.00\n"
    )
    info = parse_proc_cpuinfo(text)
    assert info.processors == 2
    assert info.model_name == "Intel(R) Xeon(R) CPU @ 2.20GHz"
    assert info.features == ("fpu", "vme", "sse", "sse2")
    assert info.bogomips == 4400.0
