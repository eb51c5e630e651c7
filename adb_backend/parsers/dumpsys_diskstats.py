"""`dumpsys diskstats`: write latency, free/total per partition and (Android 8+) storage by category and app."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ._common import JsonMixin, lines, snake, to_int

_LATENCY = re.compile(r"^Latency:\s*(-?\d+)ms")
_SPEED = re.compile(r"^Recent Disk Write Speed \(kB/s\)\s*=\s*(\d+)")
_FREE = re.compile(r"^([A-Za-z]+)-Free:\s*(\d+)K\s*/\s*(\d+)K total")
_FBE = re.compile(r"^File-based Encryption:\s*(\w+)")
_SIZE = re.compile(r"^([A-Za-z ]+?) Size:\s*(\d+)\s*$")
_ARRAY = re.compile(r"^(Package Names|App Sizes|App Data Sizes|Cache Sizes):\s*(\[.*)$")


@dataclass(frozen=True)
class AppStorage(JsonMixin):
    package: str
    app_size_bytes: int | None = None
    data_size_bytes: int | None = None
    cache_size_bytes: int | None = None


@dataclass(frozen=True)
class DiskStats(JsonMixin):
    latency_ms: int | None = None
    write_speed_kbps: int | None = None
    data_free_kb: int | None = None
    data_total_kb: int | None = None
    cache_free_kb: int | None = None
    cache_total_kb: int | None = None
    system_free_kb: int | None = None
    system_total_kb: int | None = None
    metadata_free_kb: int | None = None
    metadata_total_kb: int | None = None
    file_based_encryption: bool | None = None
    app_size_bytes: int | None = None
    app_data_size_bytes: int | None = None
    app_cache_size_bytes: int | None = None
    photos_size_bytes: int | None = None
    videos_size_bytes: int | None = None
    audio_size_bytes: int | None = None
    downloads_size_bytes: int | None = None
    system_size_bytes: int | None = None
    other_size_bytes: int | None = None
    apps: tuple[AppStorage, ...] = ()


def _array(raw: str) -> list[Any]:
    """A JSON array as printed; a truncated one keeps its complete items."""
    try:
        value = json.loads(raw)
        return value if isinstance(value, list) else []
    except ValueError:
        items = raw.strip().lstrip("[").rstrip("]").split(",")
        complete = items[:-1] if not raw.rstrip().endswith("]") else items
        out: list[Any] = []
        for item in complete:
            item = item.strip()
            if item.startswith('"') and item.endswith('"') and len(item) >= 2:
                out.append(item[1:-1])
            elif to_int(item) is not None:
                out.append(to_int(item))
        return out


def parse_dumpsys_diskstats(text: str) -> DiskStats:
    """Parse `dumpsys diskstats` in its short (4-line) and long forms."""
    values: dict[str, object] = {}
    arrays: dict[str, list[Any]] = {}
    known = set(DiskStats.__dataclass_fields__)
    for line in lines(text):
        line = line.strip()
        if match := _LATENCY.match(line):
            values["latency_ms"] = int(match.group(1))
        elif match := _SPEED.match(line):
            values["write_speed_kbps"] = int(match.group(1))
        elif match := _FREE.match(line):
            name = match.group(1).lower()
            if f"{name}_free_kb" in known:
                values[f"{name}_free_kb"] = int(match.group(2))
                values[f"{name}_total_kb"] = int(match.group(3))
        elif match := _FBE.match(line):
            values["file_based_encryption"] = match.group(1).lower() == "true"
        elif match := _ARRAY.match(line):
            arrays[match.group(1)] = _array(match.group(2))
        elif match := _SIZE.match(line):
            key = f"{snake(match.group(1))}_size_bytes"
            if key in known:
                values[key] = int(match.group(2))
    names = [n for n in arrays.get("Package Names", []) if isinstance(n, str)]

    def pick(label: str, index: int) -> int | None:
        column = arrays.get(label, [])
        value = column[index] if index < len(column) else None
        return value if isinstance(value, int) else None

    apps = tuple(
        AppStorage(
            package=name,
            app_size_bytes=pick("App Sizes", i),
            data_size_bytes=pick("App Data Sizes", i),
            cache_size_bytes=pick("Cache Sizes", i),
        )
        for i, name in enumerate(names)
    )
    return DiskStats(**values, apps=apps)  # type: ignore[arg-type]
