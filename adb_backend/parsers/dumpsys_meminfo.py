"""`dumpsys meminfo` (plain or `-a`): the RAM summary footer and the PSS ranking of processes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import JsonMixin, lines, to_int

_AMOUNT = r"(-?[\d,]+)\s*(K|kB|KB|M|MB)?"
_SUMMARY = re.compile(r"^\s*(Total RAM|Free RAM|Used RAM|Lost RAM|ZRAM|ION|GPU|DMA-BUF|Tuning)\s*:\s*(.*)$")
_PART = re.compile(_AMOUNT + r"\s+([A-Za-z][A-Za-z ]*?)\s*$")
_PROCESS = re.compile(
    r"^\s*" + _AMOUNT + r":\s+(.+?) \(pid (\d+)( / activities)?\)(?:\s+\(\s*" + _AMOUNT + r" in swap\))?\s*$"
)
_UPTIME = re.compile(r"^Uptime:\s*(\d+)\s+Realtime:\s*(\d+)")
_ZRAM = re.compile(_AMOUNT + r" physical used for\s+" + _AMOUNT + r" in swap \(\s*" + _AMOUNT + r" total swap\)")


@dataclass(frozen=True)
class MeminfoProcess(JsonMixin):
    name: str
    pid: int
    pss_kb: int | None = None
    rss_kb: int | None = None
    swap_kb: int | None = None
    has_activities: bool = False


@dataclass(frozen=True)
class Meminfo(JsonMixin):
    total_kb: int | None = None
    free_kb: int | None = None
    used_kb: int | None = None
    lost_kb: int | None = None
    status: str | None = None
    cached_pss_kb: int | None = None
    cached_kernel_kb: int | None = None
    mem_free_kb: int | None = None
    used_pss_kb: int | None = None
    kernel_kb: int | None = None
    zram_physical_kb: int | None = None
    swap_used_kb: int | None = None
    swap_total_kb: int | None = None
    ion_kb: int | None = None
    gpu_kb: int | None = None
    dma_buf_kb: int | None = None
    uptime_ms: int | None = None
    realtime_ms: int | None = None
    processes: tuple[MeminfoProcess, ...] = ()
    """Processes by PSS, largest first, as `Total PSS by process` lists them."""


def _kb(number: str | None, unit: str | None) -> int | None:
    value = to_int(number)
    if value is None:
        return None
    if unit and unit.upper().startswith("M"):
        return value * 1024
    return value


def _head(rest: str) -> int | None:
    match = re.match(r"\s*" + _AMOUNT, rest)
    return _kb(match.group(1), match.group(2)) if match else None


def _parts(rest: str) -> dict[str, int | None]:
    """'(  10,096K cached pss + 1,633,128K cached kernel + 562,172K free)' -> {label: kb}."""
    inside = rest[rest.find("(") + 1 : rest.rfind(")")] if "(" in rest else ""
    found: dict[str, int | None] = {}
    for piece in inside.split("+"):
        match = _PART.search(piece.strip())
        if match:
            found[match.group(3).lower()] = _kb(match.group(1), match.group(2))
    return found


def parse_dumpsys_meminfo(text: str) -> Meminfo:
    """Parse `dumpsys meminfo` from Android 4.4 (`kB`, no commas) to 16 (`K` with commas)."""
    values: dict[str, object] = {}
    pss: dict[int, tuple[str, int | None, int | None, bool]] = {}
    rss: dict[int, int | None] = {}
    section: str | None = None
    for line in lines(text):
        stripped = line.strip()
        if not stripped:
            section = None
            continue
        if stripped.startswith("Total PSS by process") or stripped.startswith("Total RSS by process"):
            section = "pss" if "PSS" in stripped else "rss"
            continue
        if stripped.startswith("Total ") and stripped.endswith(":") and "RAM" not in stripped:
            section = None
            continue
        if section is not None:
            match = _PROCESS.match(line)
            if match:
                pid = int(match.group(4))
                amount = _kb(match.group(1), match.group(2))
                if section == "pss":
                    if pid not in pss:
                        swap = _kb(match.group(6), match.group(7))
                        pss[pid] = (match.group(3), amount, swap, bool(match.group(5)))
                else:
                    rss.setdefault(pid, amount)
            continue
        if match := _UPTIME.match(stripped):
            values["uptime_ms"], values["realtime_ms"] = int(match.group(1)), int(match.group(2))
            continue
        match = _SUMMARY.match(line)
        if not match:
            continue
        label, rest = match.group(1), match.group(2)
        if label == "Total RAM":
            values["total_kb"] = _head(rest)
            status = re.search(r"\(status (\w[\w ]*)\)", rest)
            values["status"] = status.group(1) if status else None
        elif label == "Free RAM":
            values["free_kb"] = _head(rest)
            parts = _parts(rest)
            values["cached_pss_kb"] = parts.get("cached pss")
            values["cached_kernel_kb"] = parts.get("cached kernel", parts.get("cached"))
            values["mem_free_kb"] = parts.get("free")
        elif label == "Used RAM":
            values["used_kb"] = _head(rest)
            parts = _parts(rest)
            values["used_pss_kb"] = parts.get("used pss")
            values["kernel_kb"] = parts.get("kernel")
        elif label == "Lost RAM":
            values["lost_kb"] = _head(rest)
        elif label == "ZRAM":
            zram = _ZRAM.search(rest)
            if zram:
                values["zram_physical_kb"] = _kb(zram.group(1), zram.group(2))
                values["swap_used_kb"] = _kb(zram.group(3), zram.group(4))
                values["swap_total_kb"] = _kb(zram.group(5), zram.group(6))
        elif label in ("ION", "GPU", "DMA-BUF"):
            values[label.lower().replace("-", "_") + "_kb"] = _head(rest)
    processes = tuple(
        MeminfoProcess(name=name, pid=pid, pss_kb=amount, rss_kb=rss.get(pid), swap_kb=swap, has_activities=acts)
        for pid, (name, amount, swap, acts) in pss.items()
    )
    return Meminfo(**values, processes=processes)  # type: ignore[arg-type]
