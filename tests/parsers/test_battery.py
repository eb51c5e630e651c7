"""dumpsys battery: words for status/health/plugged, units converted, OEM keys in extra."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_dumpsys_battery

from ._fixtures import fixture

# file -> (level, status, health, plugged, temperature_c, voltage_mv, technology, charge_counter_uah)
CASES = {
    "dumpsys_battery/emulator-x86-a7.1.1.txt": (100, "charging", "good", "ac", 0.0, 0, "Li-ion", 0),
    "dumpsys_battery/emulator-x86_64-a15plus.txt": (100, "charging", "good", "ac", 25.0, 5000, "Li-ion", 10000),
    "dumpsys_battery/mtk-mt8168-tablet-a13.txt": (58, "charging", "good", "usb", 37.0, 4060, "Li-ion", 1708680),
    "dumpsys_battery/pixel-sailfish-a8.1.txt": (100, "full", "good", "ac", 30.5, 4397, "Li-ion", 2520335),
    "dumpsys_battery/samsung-s24-ultra.txt": (75, "charging", "good", "usb", 35.7, 4156, "Li-ion", 3719506),
    "dumpsys_battery/smartron-tphone-a8.1.txt": (74, "charging", "good", "usb", 24.5, 4113, "Li-ion", 3007502),
    "dumpsys_battery/xiaomi-lisa-lineage23-a16.txt": (
        100,
        "discharging",
        "good",
        "none",
        27.0,
        4318,
        "Li-poly",
        3140000,
    ),
    "dumpsys_battery/xiaomi-pad6-pipa-hyperos2-a14.txt": (22, "charging", "good", "ac", 33.7, 3826, "Li-poly", 2010829),
}


@pytest.mark.parametrize("path", sorted(CASES))
def test_battery_captures(path: str) -> None:
    level, status, health, plugged, temp, voltage, tech, counter = CASES[path]
    battery = parse_dumpsys_battery(fixture(path))
    data = battery.to_json()
    assert (data["level"], data["scale"], data["percent"]) == (level, 100, float(level))
    assert (data["status"], data["health"], data["plugged"]) == (status, health, plugged)
    assert data["present"] is True
    assert data["temperature_c"] == pytest.approx(temp)
    assert data["voltage_mv"] == voltage
    assert data["technology"] == tech
    assert data["charge_counter_uah"] == counter


def test_samsung_extras_are_kept_and_later_log_buffers_do_not_override() -> None:
    battery = parse_dumpsys_battery(fixture("dumpsys_battery/samsung-s24-ultra.txt"))
    assert battery.extra["LLB CAL"] == "20240904"
    assert battery.extra["mSavedBatteryAsoc"] == "[99]"
    assert battery.extra["current now"] == "1531"
    # the 'Sending ACTION_BATTERY_CHANGED: level:71 ...' log lines must not replace the current level
    assert battery.level == 75 and battery.voltage_mv == 4156


def test_design_capacity_lines_land_in_extra() -> None:
    battery = parse_dumpsys_battery(fixture("dumpsys_battery/xiaomi-lisa-lineage23-a16.txt"))
    assert battery.extra["Design capacity"] == "4250000"
    assert battery.max_charging_current_ua == 0


def test_text_status_and_unknown_codes() -> None:
    battery = parse_dumpsys_battery("  status: Not charging\n  health: 7\n  Dock powered: true\n  level: 5\n")
    assert (battery.status, battery.health, battery.plugged) == ("not charging", "cold", "dock")
    assert battery.percent is None  # no scale, no guess
    odd = parse_dumpsys_battery("  status: 9\n  health: 42\n")
    assert (odd.status, odd.health, odd.plugged) == ("unknown", "unknown", None)
