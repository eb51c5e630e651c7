"""wm size / wm density, dumpsys display, /proc/uptime."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_dumpsys_display, parse_uptime, parse_wm_density, parse_wm_size

from ._fixtures import fixture

SIZES = {
    "wm_size/emulator-pixel10-avd-a17.txt": [1080, 2424],
    "wm_size/samsung-s24-ultra.txt": [1440, 3120],
    "wm_size/waydroid-container-1920x1080.txt": [1920, 1080],
}
DENSITIES = {"wm_density/emulator-pixel10-avd-a17.txt": 420, "wm_density/samsung-s24-ultra.txt": 600}


@pytest.mark.parametrize("path", sorted(SIZES))
def test_wm_size(path: str) -> None:
    assert parse_wm_size(fixture(path)).to_json() == {"physical": SIZES[path], "override": None}


@pytest.mark.parametrize("path", sorted(DENSITIES))
def test_wm_density(path: str) -> None:
    assert parse_wm_density(fixture(path)).to_json() == {"physical": DENSITIES[path], "override": None}


def test_wm_overrides() -> None:
    size = parse_wm_size("Physical size: 1440x3120\r\nOverride size: 1080x2340\r\n")
    assert size.to_json() == {"physical": [1440, 3120], "override": [1080, 2340]}
    assert size.effective == (1080, 2340)
    density = parse_wm_density("Physical density: 600\nOverride density: 480\n")
    assert (density.physical, density.override, density.effective) == (600, 480, 480)


DISPLAY = """\
DISPLAY MANAGER (dumpsys display)
Display Devices: size=1
  DisplayDeviceInfo{"Built-in Screen": uniqueId="local:0", 1080 x 2220, modeId 1, defaultModeId 1, \
supportedModes [{id=1, width=1080, height=2220, fps=60.000004}], density 440, 442.451 x 444.0 dpi}
Logical Displays: size=1
  Display 0:
    mBaseDisplayInfo=DisplayInfo{"Built-in Screen", displayId 0, FLAG_SECURE, FLAG_SUPPORTS_PROTECTED_BUFFERS, \
FLAG_TRUSTED, real 1080 x 2220, largest app 1080 x 2220, smallest app 1080 x 2220, appVsyncOff 2000000, \
presDeadline 11666666, mode 1, defaultMode 1, modes [{id=1, width=1080, height=2220, fps=60.000004}, \
{id=2, width=1080, height=2220, fps=90.0}], rotation 0, state OFF, type INTERNAL, uniqueId "local:0", \
app 1080 x 2220, density 440 (442.451 x 444.0) dpi, layerStack 0}
    mOverrideDisplayInfo=DisplayInfo{"Built-in Screen", displayId 0, FLAG_SECURE, real 720 x 1480, \
largest app 2088 x 2022, smallest app 1080 x 1014, mode 2, defaultMode 1, modes [{id=1, width=1080, height=2220, \
fps=60.000004}, {id=2, width=1080, height=2220, fps=90.0}], rotation 1, state ON, type INTERNAL, \
app 1080 x 2088, density 320 (442.451 x 444.0) dpi, layerStack 0}
"""


def test_dumpsys_display_physical_override_and_refresh_rate() -> None:
    info = parse_dumpsys_display(DISPLAY).to_json()
    assert info["physical_size"] == [1080, 2220] and info["override_size"] == [720, 1480]
    assert (info["physical_density"], info["override_density"]) == (440, 320)
    assert info["refresh_rate_hz"] == 90.0  # active mode 2 of the override
    assert info["supported_refresh_rates_hz"] == [60.0, 90.0]
    assert (info["xdpi"], info["ydpi"], info["rotation"], info["state"]) == (442.451, 444.0, 1, "ON")


def test_dumpsys_display_lollipop_physical_display_info() -> None:
    text = "  mDisplayInfos=\n    PhysicalDisplayInfo{1080 x 1920, 60.000004 fps, density 3.0, 480.0 x 480.0 dpi}\n"
    info = parse_dumpsys_display(text)
    assert (info.physical_size, info.refresh_rate_hz, info.override_size) == ((1080, 1920), 60.0, None)


def test_uptime() -> None:
    assert parse_uptime("350735.47 234388.90\r\n").to_json() == {"uptime_s": 350735.47, "idle_s": 234388.9}
    assert parse_uptime("").to_json() == {"uptime_s": None, "idle_s": None}
