"""Small helpers shared by the parsers: line splitting, tolerant numbers, JSON conversion."""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

_CAMEL_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_CAMEL_2 = re.compile(r"([a-z])([A-Z])")
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")


def lines(text: str) -> list[str]:
    """Split a capture into lines without CR (old adb PTYs send CRLF, some even CRCRLF)."""
    return [line.rstrip("\r") for line in text.replace("\r\r\n", "\n").split("\n")]


_ASCII_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?", re.ASCII)
INT_LIMIT = 2**63
"""Numbers past a signed 64-bit integer are not something a device reports: they read as None."""


def to_int(value: str | None) -> int | None:
    """An integer from device text ('1,234', ' 42 ', '-1', '12.7'), or None when it is not a finite
    ASCII number in 64-bit range ('1e309', 'nan', '1.2.3', Arabic-Indic digits)."""
    number = to_float(value)
    if number is None:
        return None
    cleaned = value.strip().replace(",", "") if value is not None else ""
    whole = int(cleaned) if cleaned.lstrip("-").isdigit() else int(number)
    return whole if -INT_LIMIT <= whole < INT_LIMIT else None


def to_float(value: str | None) -> float | None:
    """A finite float from device text (ASCII digits only), or None."""
    if value is None:
        return None
    cleaned = value.strip().replace(",", "")
    if not _ASCII_NUMBER.fullmatch(cleaned):
        return None
    number = float(cleaned)
    return number if math.isfinite(number) else None


def to_bool(value: str | None) -> bool | None:
    """'true'/'false' (any case) and 1/0 as booleans, anything else None."""
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in ("true", "1", "yes", "on"):
        return True
    if lowered in ("false", "0", "no", "off"):
        return False
    return None


def snake(name: str) -> str:
    """'MemTotal' -> 'mem_total', 'Active(anon)' -> 'active_anon', 'CPU part' -> 'cpu_part'."""
    name = _CAMEL_1.sub(r"\1_\2", name.strip())
    name = _CAMEL_2.sub(r"\1_\2", name)
    return _NON_WORD.sub("_", name).strip("_").lower()


_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4, "P": 1024**5, "E": 1024**6}
_HUMAN = re.compile(r"^(-?\d+(?:\.\d+)?)([KMGTPE]?)(?:i?B)?$", re.IGNORECASE)


def human_bytes(value: str | None) -> int | None:
    """'1.2G', '512M', '10K', '0' (df -h, toolbox df; powers of 1024 as toybox uses) -> bytes."""
    if value is None:
        return None
    match = _HUMAN.match(value.strip())
    number = to_float(match.group(1)) if match else None
    if match is None or number is None:
        return None
    size = number * _SIZE_UNITS[match.group(2).upper()]
    return round(size) if abs(size) < INT_LIMIT else None


def jsonable(value: Any) -> Any:
    """Dataclasses, tuples and dicts down to plain JSON types (tuples become lists)."""
    if hasattr(value, "to_json") and callable(value.to_json):
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None  # strict JSON has no NaN or Infinity
    return value


class JsonMixin:
    """Gives a frozen dataclass a `to_json()` whose keys are its (snake_case) field names."""

    def to_json(self) -> dict[str, Any]:
        return {f.name: jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}  # type: ignore[arg-type]
