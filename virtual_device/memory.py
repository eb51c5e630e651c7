"""One memory picture for the whole device, so `/proc/meminfo`, `dumpsys meminfo` and `top` agree.

The used part follows the process table (each process's PSS is 60 % of its RSS), so killing an app
frees memory everywhere at once; the kernel, cache and ZRAM figures are a Pixel 8 at rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from virtual_device.device import DeviceState

#: A Pixel 8 (8 GiB): what the kernel reports after the carve-outs for the modem, GPU and TPU.
MEM_TOTAL_KB = 7_823_364
KERNEL_KB = 611_228
CACHED_PSS_KB = 912_404
CACHED_KERNEL_KB = 1_988_120
LOST_KB = 402_517
SWAP_TOTAL_KB = 4_194_300
SWAP_USED_KB = 712_448
ZRAM_PHYSICAL_KB = 188_416
BUFFERS_KB = 4_212
K_RECLAIMABLE_KB = 412_660
MAPPED_KB = 1_064_352


@dataclass(frozen=True)
class Memory:
    """Kilobyte figures in the terms `dumpsys meminfo` prints them."""

    total: int
    used_pss: int
    kernel: int
    cached_pss: int
    cached_kernel: int
    free: int
    lost: int
    swap_total: int
    swap_used: int
    zram: int

    @property
    def free_ram(self) -> int:
        return self.cached_pss + self.cached_kernel + self.free

    @property
    def used_ram(self) -> int:
        return self.used_pss + self.kernel


def pss_kb(rss_kb: int) -> int:
    return rss_kb * 6 // 10


def snapshot(device: DeviceState) -> Memory:
    total = int(device.config.get("mem_total_kb", MEM_TOTAL_KB))
    used = sum(pss_kb(p.rss) for p in device.processes.all())
    free = max(16_384, total - used - KERNEL_KB - CACHED_PSS_KB - CACHED_KERNEL_KB - LOST_KB)
    return Memory(
        total=total, used_pss=used, kernel=KERNEL_KB, cached_pss=CACHED_PSS_KB, cached_kernel=CACHED_KERNEL_KB,
        free=free, lost=LOST_KB, swap_total=SWAP_TOTAL_KB, swap_used=SWAP_USED_KB, zram=ZRAM_PHYSICAL_KB,
    )  # fmt: skip


def proc_meminfo(mem: Memory) -> str:
    """/proc/meminfo of an arm64 5.15 kernel (the Pixel layout: Gpu, ION and Zram lines at the end)."""
    # dumpsys's "cached kernel" = Buffers + KReclaimable + Cached - Mapped; solve for Cached.
    cached = mem.cached_kernel - BUFFERS_KB - K_RECLAIMABLE_KB + MAPPED_KB
    s_reclaimable = K_RECLAIMABLE_KB * 7 // 10
    anon = mem.used_pss + mem.cached_pss // 2
    active_anon, inactive_anon = anon * 6 // 10, anon - anon * 6 // 10
    active_file, inactive_file = cached * 3 // 10, cached - cached * 3 // 10
    fields = [
        ("MemTotal", mem.total),
        ("MemFree", mem.free),
        ("MemAvailable", mem.free_ram),
        ("Buffers", BUFFERS_KB),
        ("Cached", cached),
        ("SwapCached", 98_312),
        ("Active", active_anon + active_file),
        ("Inactive", inactive_anon + inactive_file),
        ("Active(anon)", active_anon),
        ("Inactive(anon)", inactive_anon),
        ("Active(file)", active_file),
        ("Inactive(file)", inactive_file),
        ("Unevictable", 221_604),
        ("Mlocked", 221_604),
        ("SwapTotal", mem.swap_total),
        ("SwapFree", mem.swap_total - mem.swap_used),
        ("Dirty", 88),
        ("Writeback", 0),
        ("AnonPages", anon),
        ("Mapped", MAPPED_KB),
        ("Shmem", 61_228),
        ("KReclaimable", K_RECLAIMABLE_KB),
        ("Slab", 498_116),
        ("SReclaimable", s_reclaimable),
        ("SUnreclaim", 498_116 - s_reclaimable),
        ("KernelStack", 84_496),
        ("ShadowCallStack", 21_136),
        ("PageTables", 168_908),
        ("SecPageTables", 0),
        ("NFS_Unstable", 0),
        ("Bounce", 0),
        ("WritebackTmp", 0),
        ("CommitLimit", mem.total // 2 + mem.swap_total),
        ("Committed_AS", 331_257_408),
        ("VmallocTotal", 263_061_440),
        ("VmallocUsed", 241_332),
        ("VmallocChunk", 0),
        ("Percpu", 13_248),
        ("AnonHugePages", 0),
        ("ShmemHugePages", 0),
        ("ShmemPmdMapped", 0),
        ("FileHugePages", 0),
        ("FilePmdMapped", 0),
        ("CmaTotal", 577_536),
        ("CmaFree", 0),
        ("Gpu", 402_108),
        ("ION_heap_pool", 296_204),
        ("ION_heap", 311_952),
        ("Zram", mem.zram),
        ("Misc", 317_940),
    ]
    return "".join(f"{name + ':':<16}{value:>8} kB\n" for name, value in fields)
