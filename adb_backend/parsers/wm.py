"""`wm size` and `wm density`: the physical value and the override a user or tool has set."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import JsonMixin, lines

_SIZE = re.compile(r"^\s*(Physical|Override) size:\s*(\d+)\s*x\s*(\d+)", re.IGNORECASE)
_DENSITY = re.compile(r"^\s*(Physical|Override) density:\s*(\d+)", re.IGNORECASE)


@dataclass(frozen=True)
class WmSize(JsonMixin):
    physical: tuple[int, int] | None = None
    override: tuple[int, int] | None = None

    @property
    def effective(self) -> tuple[int, int] | None:
        return self.override or self.physical


@dataclass(frozen=True)
class WmDensity(JsonMixin):
    physical: int | None = None
    override: int | None = None

    @property
    def effective(self) -> int | None:
        return self.override or self.physical


def parse_wm_size(text: str) -> WmSize:
    """Parse `wm size` ('Physical size: 1080x2400', optionally 'Override size: 720x1600')."""
    found: dict[str, tuple[int, int]] = {}
    for line in lines(text):
        if match := _SIZE.match(line):
            found.setdefault(match.group(1).lower(), (int(match.group(2)), int(match.group(3))))
    return WmSize(physical=found.get("physical"), override=found.get("override"))


def parse_wm_density(text: str) -> WmDensity:
    """Parse `wm density` ('Physical density: 420', optionally 'Override density: 360')."""
    found: dict[str, int] = {}
    for line in lines(text):
        if match := _DENSITY.match(line):
            found.setdefault(match.group(1).lower(), int(match.group(2)))
    return WmDensity(physical=found.get("physical"), override=found.get("override"))
