"""`dumpsys battery`: the `Current Battery Service state` block, OEM keys kept in `extra`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ._common import JsonMixin, lines, to_bool, to_int

# android.os.BatteryManager constants.
_STATUS = {1: "unknown", 2: "charging", 3: "discharging", 4: "not charging", 5: "full"}
_HEALTH = {
    1: "unknown",
    2: "good",
    3: "overheat",
    4: "dead",
    5: "over voltage",
    6: "unspecified failure",
    7: "cold",
}
_KEY_VALUE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 _()./-]*?)\s*:\s?(.*)$")
_KNOWN = {
    "ac powered",
    "usb powered",
    "wireless powered",
    "dock powered",
    "status",
    "health",
    "present",
    "level",
    "scale",
    "voltage",
    "temperature",
    "technology",
    "charge counter",
    "max charging current",
    "max charging voltage",
}


@dataclass(frozen=True)
class BatteryState(JsonMixin):
    level: int | None = None
    scale: int | None = None
    percent: float | None = None
    status: str | None = None
    health: str | None = None
    plugged: str | None = None
    present: bool | None = None
    temperature_c: float | None = None
    voltage_mv: int | None = None
    technology: str | None = None
    charge_counter_uah: int | None = None
    max_charging_current_ua: int | None = None
    max_charging_voltage_uv: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _word(value: str | None, table: dict[int, str]) -> str | None:
    """A numeric code or the text some builds print ('Charging', 'Not charging') as our word."""
    if value is None:
        return None
    code = to_int(value)
    if code is not None:
        return table.get(code, "unknown")
    text = value.strip().lower().replace("_", " ")
    if text in table.values():
        return text
    return "unknown" if text else None


def _plugged(values: dict[str, str]) -> str | None:
    seen = False
    for key, word in (
        ("ac powered", "ac"),
        ("usb powered", "usb"),
        ("wireless powered", "wireless"),
        ("dock powered", "dock"),
    ):
        flag = to_bool(values.get(key))
        if flag:
            return word
        seen = seen or flag is not None
    return "none" if seen else None


def parse_dumpsys_battery(text: str) -> BatteryState:
    """Parse `dumpsys battery`; the first value of a key wins (Samsung repeats some later)."""
    values: dict[str, str] = {}
    extra: dict[str, str] = {}
    for line in lines(text):
        if not line.strip() or line.startswith("Current Battery Service state"):
            continue
        match = _KEY_VALUE.match(line)
        if not match:
            continue
        raw_key, value = match.group(1), match.group(2).strip()
        key = raw_key.lower()
        if key in _KNOWN:
            values.setdefault(key, value)
        else:
            extra.setdefault(raw_key, value)
    level, scale = to_int(values.get("level")), to_int(values.get("scale"))
    percent = round(level * 100 / scale, 1) if level is not None and scale else None
    temperature = to_int(values.get("temperature"))
    return BatteryState(
        level=level,
        scale=scale,
        percent=percent,
        status=_word(values.get("status"), _STATUS),
        health=_word(values.get("health"), _HEALTH),
        plugged=_plugged(values),
        present=to_bool(values.get("present")),
        temperature_c=temperature / 10 if temperature is not None else None,
        voltage_mv=to_int(values.get("voltage")),
        technology=values.get("technology") or None,
        charge_counter_uah=to_int(values.get("charge counter")),
        max_charging_current_ua=to_int(values.get("max charging current")),
        max_charging_voltage_uv=to_int(values.get("max charging voltage")),
        extra=extra,
    )
