"""`df`, `df -k`, `df -h` (toybox, busybox) and the old toolbox `Filesystem Size Used Free Blksize` table."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ._common import JsonMixin, human_bytes, lines, to_int

_BLOCKS = re.compile(r"^(\d+)([KkMm]?)-blocks$")


@dataclass(frozen=True)
class DfRow(JsonMixin):
    filesystem: str | None
    mount: str
    size_bytes: int | None = None
    used_bytes: int | None = None
    available_bytes: int | None = None
    use_percent: int | None = None
    """As the device printed it; computed from used/size when the layout has no Use% column."""
    block_size_bytes: int | None = None


def _unit(header: list[str]) -> int | None:
    """Bytes per number in the size columns, or None for human-readable sizes."""
    second = header[1] if len(header) > 1 else ""
    match = _BLOCKS.match(second)
    if match:
        scale = {"": 1, "k": 1024, "m": 1024 * 1024}[match.group(2).lower()]
        return int(match.group(1)) * scale
    return None


def _amount(token: str, unit: int | None) -> int | None:
    if unit is not None and token.isdigit():
        return int(token) * unit
    return human_bytes(token)


def parse_df(text: str) -> list[DfRow]:
    """Parse any Android `df` table; error lines ('Permission denied') and wrapped names are handled."""
    rows: list[DfRow] = []
    layout: str | None = None  # "toolbox" (mount first, no filesystem) or "posix"
    unit: int | None = 1024
    pending_name: str | None = None
    for line in lines(text):
        tokens = line.split()
        if not tokens:
            continue
        if tokens[0] == "Filesystem":
            layout = "toolbox" if "Blksize" in tokens or ("Free" in tokens and "Mounted" not in tokens) else "posix"
            unit = _unit(tokens)
            pending_name = None
            continue
        if len(tokens) == 1 and layout != "toolbox":  # busybox wraps a long device name onto its own line
            pending_name = tokens[0]
            continue
        if pending_name is not None and line[:1].isspace():
            tokens = [pending_name, *tokens]
        pending_name = None
        if layout == "toolbox":
            if len(tokens) < 4 or human_bytes(tokens[1]) is None:
                continue
            size, used, free = (human_bytes(t) for t in tokens[1:4])
            percent = math.ceil(used * 100 / size) if size and used is not None else None
            rows.append(
                DfRow(
                    filesystem=None,
                    mount=tokens[0],
                    size_bytes=size,
                    used_bytes=used,
                    available_bytes=free,
                    use_percent=percent,
                    block_size_bytes=to_int(tokens[4]) if len(tokens) > 4 else None,
                )
            )
            continue
        if len(tokens) < 6 or not tokens[4].endswith("%"):
            continue
        size, used, available = (_amount(t, unit) for t in tokens[1:4])
        if size is None:
            continue
        mount = line.split("%", 1)[1].strip() if line.count("%") == 1 else " ".join(tokens[5:])
        rows.append(
            DfRow(
                filesystem=tokens[0],
                mount=mount or tokens[5],
                size_bytes=size,
                used_bytes=used,
                available_bytes=available,
                use_percent=to_int(tokens[4].rstrip("%")),
            )
        )
    return rows
