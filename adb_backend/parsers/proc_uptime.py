"""`cat /proc/uptime`: seconds since boot and summed idle seconds of all cores."""

from __future__ import annotations

from dataclasses import dataclass

from ._common import JsonMixin, lines, to_float


@dataclass(frozen=True)
class Uptime(JsonMixin):
    uptime_s: float | None = None
    idle_s: float | None = None


def parse_uptime(text: str) -> Uptime:
    """Parse `/proc/uptime` ('350735.47 234388.90'); also accepts the two numbers on a noisy line."""
    for line in lines(text):
        numbers = [to_float(token) for token in line.split()]
        numbers = [n for n in numbers if n is not None]
        if numbers:
            return Uptime(uptime_s=numbers[0], idle_s=numbers[1] if len(numbers) > 1 else None)
    return Uptime()
