"""`cat /proc/meminfo`: every field as `<snake_name>_kb`, plus the handful everyone asks for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._common import lines, snake

_LINE = re.compile(r"^([A-Za-z0-9_()]+):\s*(\d+)(?:\s*(kB))?\s*$")


@dataclass(frozen=True)
class ProcMeminfo:
    fields: dict[str, int] = field(default_factory=dict)
    """`MemTotal: 3681628 kB` -> `mem_total_kb: 3681628`; unitless counts (HugePages_Total) have no `_kb`."""

    def _get(self, name: str) -> int | None:
        return self.fields.get(name)

    @property
    def total_kb(self) -> int | None:
        return self._get("mem_total_kb")

    @property
    def free_kb(self) -> int | None:
        return self._get("mem_free_kb")

    @property
    def available_kb(self) -> int | None:
        return self._get("mem_available_kb")

    @property
    def cached_kb(self) -> int | None:
        return self._get("cached_kb")

    @property
    def buffers_kb(self) -> int | None:
        return self._get("buffers_kb")

    @property
    def swap_total_kb(self) -> int | None:
        return self._get("swap_total_kb")

    @property
    def swap_free_kb(self) -> int | None:
        return self._get("swap_free_kb")

    def to_json(self) -> dict[str, Any]:
        common = {
            "total_kb": self.total_kb,
            "free_kb": self.free_kb,
            "available_kb": self.available_kb,
            "cached_kb": self.cached_kb,
            "buffers_kb": self.buffers_kb,
            "swap_total_kb": self.swap_total_kb,
            "swap_free_kb": self.swap_free_kb,
        }
        return {**self.fields, **common}


def parse_proc_meminfo(text: str) -> ProcMeminfo:
    """Parse /proc/meminfo from any kernel (32-bit HighTotal, x86 DirectMap, 6.x Zswap...)."""
    found: dict[str, int] = {}
    for line in lines(text):
        match = _LINE.match(line.strip())
        if not match:
            continue
        name = snake(match.group(1)) + ("_kb" if match.group(3) else "")
        found.setdefault(name, int(match.group(2)))
    return ProcMeminfo(found)
