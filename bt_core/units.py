"""How a byte count reads to a person: one formatter for the CLI, the TUI, sysinfo and the report."""

from __future__ import annotations

_UNITS = ("B", "KB", "MB", "GB", "TB")


def human_size(size: float) -> str:
    """`512 B`, `4.9 KB`, `1.2 GB`: powers of 1024, one decimal above bytes (as file managers show)."""
    value = float(size)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable: the last unit always returns")
