"""`dumpsys cpuinfo`: load averages, per-process CPU share over the last window, and the TOTAL line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import JsonMixin, lines, to_float

# A percentage as the device prints it; some kernels print negatives as '-29.-6' (both halves signed).
_PCT = r"([+-]?\d+(?:\.-?\d+)?)%"
_LOAD = re.compile(r"^\s*Load:\s*([\d.]+)\s*/\s*([\d.]+)\s*/\s*([\d.]+)")
_WINDOW = re.compile(r"^CPU usage from (-?\d+)ms to (-?\d+)ms (ago|later)")
_ROW = re.compile(r"^\s*" + _PCT + r" (\d+)/(.*?): " + _PCT + r" user \+ " + _PCT + r" kernel(.*)$")
_TOTAL = re.compile(r"^\s*" + _PCT + r" TOTAL: (.*)$")
_TOTAL_PART = re.compile(_PCT + r" (\w+)")
_FAULTS = re.compile(r"faults: (?:(\d+) minor)?\s*(?:(\d+) major)?")


def _pct(text: str) -> float:
    """'12', '9.6', '+0', '-29.-6' -> float (the odd negative form means -29.6)."""
    whole, _, frac = text.lstrip("+").partition(".")
    negative = whole.startswith("-") or frac.startswith("-")
    magnitude = to_float(f"{whole.lstrip('-') or '0'}.{frac.lstrip('-') or '0'}") or 0.0
    return -magnitude if negative else magnitude


@dataclass(frozen=True)
class CpuProcess(JsonMixin):
    pid: int
    name: str
    cpu_percent: float
    user_percent: float
    kernel_percent: float
    minor_faults: int | None = None
    major_faults: int | None = None


@dataclass(frozen=True)
class CpuInfo(JsonMixin):
    load_1: float | None = None
    load_5: float | None = None
    load_15: float | None = None
    window_ms: int | None = None
    total_percent: float | None = None
    user_percent: float | None = None
    kernel_percent: float | None = None
    iowait_percent: float | None = None
    irq_percent: float | None = None
    softirq_percent: float | None = None
    processes: tuple[CpuProcess, ...] = ()
    """Busiest first, as the device lists them."""


def parse_dumpsys_cpuinfo(text: str) -> CpuInfo:
    """Parse `dumpsys cpuinfo` (Android 4 to 16; `-a` prints the same)."""
    values: dict[str, object] = {}
    processes: list[CpuProcess] = []
    seen: set[int] = set()
    for line in lines(text):
        if match := _LOAD.match(line):
            values.setdefault("load_1", to_float(match.group(1)))
            values.setdefault("load_5", to_float(match.group(2)))
            values.setdefault("load_15", to_float(match.group(3)))
        elif match := _WINDOW.match(line):
            values.setdefault("window_ms", abs(int(match.group(1)) - int(match.group(2))))
        elif (match := _ROW.match(line)) and len(line) - len(line.lstrip()) < 4:  # deeper rows are threads
            pid = int(match.group(2))
            if pid in seen:
                continue
            seen.add(pid)
            faults = _FAULTS.search(match.group(6))
            processes.append(
                CpuProcess(
                    pid=pid,
                    name=match.group(3),
                    cpu_percent=_pct(match.group(1)),
                    user_percent=_pct(match.group(4)),
                    kernel_percent=_pct(match.group(5)),
                    minor_faults=int(faults.group(1)) if faults and faults.group(1) else None,
                    major_faults=int(faults.group(2)) if faults and faults.group(2) else None,
                )
            )
        elif (match := _TOTAL.match(line)) and "total_percent" not in values:
            values["total_percent"] = _pct(match.group(1))
            for part in _TOTAL_PART.finditer(match.group(2)):
                values[f"{part.group(2).lower()}_percent"] = _pct(part.group(1))
    known = {name for name in CpuInfo.__dataclass_fields__}
    return CpuInfo(**{k: v for k, v in values.items() if k in known}, processes=tuple(processes))  # type: ignore[arg-type]
