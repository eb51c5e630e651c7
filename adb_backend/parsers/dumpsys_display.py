"""`dumpsys display`: size, density and refresh rate of the default display (physical and as overridden)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import JsonMixin, lines, to_float

_REAL = re.compile(r"\breal (\d+) x (\d+)")
_DENSITY = re.compile(r"\bdensity (\d+)")
_DPI = re.compile(r"\(([\d.]+) x ([\d.]+)\) dpi")
_FPS = re.compile(r"\bfps=([\d.]+)")
_RENDER = re.compile(r"\b(?:renderFrameRate|refreshRateOverride) ([\d.]+)")
_MODE = re.compile(r"\bmode (\d+)")
_MODES = re.compile(r"\{id=(\d+), width=(\d+), height=(\d+), fps=([\d.]+)")
_DEVICE = re.compile(r"DisplayDeviceInfo\{\"[^\"]*\": .*?(\d+) x (\d+),.*?density (\d+)")
_PHYSICAL = re.compile(r"PhysicalDisplayInfo\{(\d+) x (\d+), ([\d.]+) fps, density ([\d.]+)")
_ROTATION = re.compile(r"\brotation (\d)")
_STATE = re.compile(r"\bstate (ON|OFF|DOZE|DOZE_SUSPEND|ON_SUSPEND|VR|UNKNOWN)\b")


@dataclass(frozen=True)
class DisplayInfo(JsonMixin):
    physical_size: tuple[int, int] | None = None
    """[width, height] of the panel (mBaseDisplayInfo / DisplayDeviceInfo)."""
    override_size: tuple[int, int] | None = None
    """[width, height] apps see (mOverrideDisplayInfo) when it differs from the panel."""
    physical_density: int | None = None
    override_density: int | None = None
    refresh_rate_hz: float | None = None
    supported_refresh_rates_hz: tuple[float, ...] = ()
    xdpi: float | None = None
    ydpi: float | None = None
    rotation: int | None = None
    state: str | None = None


def _rate(value: str) -> float | None:
    number = to_float(value)
    return round(number, 2) if number is not None else None


def _mode_rate(line: str) -> float | None:
    """The fps of the active `mode N` among the `modes [...]` list of a DisplayInfo line."""
    mode = _MODE.search(line)
    modes = {m.group(1): m.group(4) for m in _MODES.finditer(line)}
    if mode and mode.group(1) in modes:
        return _rate(modes[mode.group(1)])
    return None


def parse_dumpsys_display(text: str) -> DisplayInfo:
    """Parse `dumpsys display` (Android 5 PhysicalDisplayInfo to 16 DisplayInfo lines); display 0 only."""
    base = override = device = physical_line = None
    for line in lines(text):
        stripped = line.strip()
        if base is None and stripped.startswith("mBaseDisplayInfo=DisplayInfo{"):
            base = stripped
        elif override is None and stripped.startswith("mOverrideDisplayInfo=DisplayInfo{"):
            override = stripped
        elif device is None and "DisplayDeviceInfo{" in stripped:
            device = stripped
        elif physical_line is None and "PhysicalDisplayInfo{" in stripped:
            physical_line = stripped

    def size(line: str | None) -> tuple[int, int] | None:
        match = _REAL.search(line) if line else None
        return (int(match.group(1)), int(match.group(2))) if match else None

    def density(line: str | None) -> int | None:
        match = _DENSITY.search(line) if line else None
        return int(match.group(1)) if match else None

    physical_size, physical_density = size(base), density(base)
    refresh: float | None = None
    rates: list[float] = []
    if device and (match := _DEVICE.search(device)):
        physical_size = physical_size or (int(match.group(1)), int(match.group(2)))
        physical_density = physical_density or int(match.group(3))
    if physical_line and (match := _PHYSICAL.search(physical_line)):
        physical_size = physical_size or (int(match.group(1)), int(match.group(2)))
        refresh = _rate(match.group(3))
    for candidate in (override, base, device):
        if candidate:
            rates = sorted({r for m in _MODES.finditer(candidate) if (r := _rate(m.group(4))) is not None})
            if rates:
                break
    for candidate in (override, base):
        if refresh is None and candidate:
            render = _RENDER.search(candidate)
            refresh = _mode_rate(candidate) or (
                _rate(render.group(1)) if render and to_float(render.group(1)) else None
            )
    if refresh is None and device and (fps := _FPS.search(device)):
        refresh = _rate(fps.group(1))
    current = override or base
    dpi = _DPI.search(current) if current else None
    rotation = _ROTATION.search(current) if current else None
    state = _STATE.search(current) if current else None
    override_size, override_density = size(override), density(override)
    return DisplayInfo(
        physical_size=physical_size,
        override_size=override_size if override_size != physical_size else None,
        physical_density=physical_density,
        override_density=override_density if override_density != physical_density else None,
        refresh_rate_hz=refresh,
        supported_refresh_rates_hz=tuple(rates),
        xdpi=to_float(dpi.group(1)) if dpi else None,
        ydpi=to_float(dpi.group(2)) if dpi else None,
        rotation=int(rotation.group(1)) if rotation else None,
        state=state.group(1) if state else None,
    )
