"""dumpsys meminfo summary footer and PSS ranking; /proc/meminfo as snake_case `_kb` fields."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_dumpsys_meminfo, parse_proc_meminfo

from ._fixtures import fixture

# file -> (total, free, used, lost, zram_physical, swap_total, first process (name, pid, pss), process count)
DUMPSYS = {
    "dumpsys_meminfo/magch-m610-rk3326-a11go.txt": (
        8092276, 2063497, 854710, 5174065, 4, 2275948, ("system", 423, 106080), 88),
    "dumpsys_meminfo/mtk-mt8168-tablet-a13.txt": (
        3889512, 2205396, 1519307, 164805, 4, 2139224, ("system", 832, 223926), 113),
    "dumpsys_meminfo/pixel-sailfish-a8.1-meminfo-a.txt": (
        3844356, 2014540, 1665630, 227851, 60716, 524284, ("system", 887, 210209), 143),
    "dumpsys_meminfo/smartron-tphone-a8.1-meminfo-a.txt": (
        3669728, 2173126, 1117087, 379515, None, None, ("system", 1656, 108277), 148),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(DUMPSYS))
def test_dumpsys_meminfo_summary(path: str) -> None:
    total, free, used, lost, zram, swap_total, first, count = DUMPSYS[path]
    info = parse_dumpsys_meminfo(fixture(path))
    data = info.to_json()
    assert (data["total_kb"], data["free_kb"], data["used_kb"], data["lost_kb"]) == (total, free, used, lost)
    assert data["status"] == "normal"
    assert data["zram_physical_kb"] == zram
    assert data["swap_total_kb"] == swap_total
    assert (info.processes[0].name, info.processes[0].pid, info.processes[0].pss_kb) == first
    assert len(info.processes) == count
    pss = [p.pss_kb for p in info.processes]
    assert pss == sorted(pss, reverse=True)


def test_free_and_used_breakdowns_and_dma_buf_gpu_lines() -> None:
    info = parse_dumpsys_meminfo(fixture("dumpsys_meminfo/mtk-mt8168-tablet-a13.txt"))
    assert (info.cached_pss_kb, info.cached_kernel_kb, info.mem_free_kb) == (10096, 1633128, 562172)
    assert (info.used_pss_kb, info.kernel_kb) == (1241631, 277676)
    assert (info.dma_buf_kb, info.gpu_kb) == (28164, 63408)
    assert info.uptime_ms == 2717503
    settings = next(p for p in info.processes if p.name == "com.android.settings")
    assert (settings.pid, settings.pss_kb, settings.has_activities) == (2705, 60024, True)


def test_rss_is_joined_by_pid_on_android_11_and_swap_column_of_meminfo_a() -> None:
    go = parse_dumpsys_meminfo(fixture("dumpsys_meminfo/magch-m610-rk3326-a11go.txt"))
    system = go.processes[0]
    assert (system.rss_kb, system.pss_kb) == (269260, 106080)
    assert go.ion_kb == 50628
    pixel = parse_dumpsys_meminfo(fixture("dumpsys_meminfo/pixel-sailfish-a8.1-meminfo-a.txt"))
    search = pixel.processes[1]
    assert (search.name, search.swap_kb) == ("com.google.android.googlequicksearchbox:search", 11264)
    assert pixel.swap_used_kb == 215768


def test_old_kb_format_of_android_4() -> None:
    text = (
        "Total RAM: 1857888 kB (status normal)\n"
        " Free RAM: 1063352 kB (261108 cached pss + 468644 cached + 333600 free)\n"
        " Used RAM: 602244 kB (513396 used pss + 88848 kernel)\n"
        " Lost RAM: 192292 kB\n"
    )
    info = parse_dumpsys_meminfo(text)
    assert (info.total_kb, info.free_kb, info.used_kb, info.lost_kb) == (1857888, 1063352, 602244, 192292)
    assert (info.cached_pss_kb, info.cached_kernel_kb, info.mem_free_kb) == (261108, 468644, 333600)


# file -> (mem_total_kb, mem_available_kb or None, swap_total_kb, field count)
PROC = {
    "proc_meminfo/emulator-x86_64-a15plus.txt": (2531828, 1030716, 1898864, 47),
    "proc_meminfo/msm8953-goadb.txt": (3681628, 2243756, 524284, 34),
    "proc_meminfo/mtk-mt6580-tablet-a5.1-32bit.txt": (984984, None, 499708, 37),
    "proc_meminfo/mtk-mt8168-tablet-a13.txt": (3889512, 2279120, 2139224, 44),
    "proc_meminfo/pixel-8-pro-husky-a16.txt": (11850652, 4398048, 5925320, 50),
    "proc_meminfo/pixel-sailfish-a8.1.txt": (3844356, 1920868, 524284, 34),
}


@pytest.mark.parametrize("path", sorted(PROC))
def test_proc_meminfo(path: str) -> None:
    total, available, swap, count = PROC[path]
    info = parse_proc_meminfo(fixture(path))
    data = info.to_json()
    assert data["mem_total_kb"] == total == data["total_kb"]
    assert data["available_kb"] == available
    assert data["swap_total_kb"] == swap
    assert len(info.fields) == count  # every line of the file became a field


def test_proc_meminfo_names_across_kernels() -> None:
    x86 = parse_proc_meminfo(fixture("proc_meminfo/emulator-x86_64-a15plus.txt")).fields
    assert x86["direct_map2m_kb"] == 2572288
    assert x86["active_anon_kb"] == 354940
    assert x86["committed_as_kb"] > 0
    arm32 = parse_proc_meminfo(fixture("proc_meminfo/mtk-mt6580-tablet-a5.1-32bit.txt")).fields
    assert (arm32["high_total_kb"], arm32["low_total_kb"]) == (512000, 472984)
    crlf = fixture("proc_meminfo/msm8953-goadb.txt")
    assert "\r\n" in crlf
    assert parse_proc_meminfo(crlf).fields["mem_free_kb"] == 273652
