"""Simulated link conditions (latency, bandwidth) and faults that tests and benchmarks switch on."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field


class TokenBucket:
    """Limits bytes per second; `take` sleeps until the bytes may pass (one burst of 64 KiB allowed)."""

    def __init__(self, mbps: float) -> None:
        self.rate = mbps * 1_000_000 / 8
        self.burst = 65536.0
        self.tokens = self.burst
        self.last = time.monotonic()

    async def take(self, n: int) -> None:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        self.tokens -= n
        if self.tokens < 0:
            await asyncio.sleep(-self.tokens / self.rate)


@dataclass
class Conditions:
    """Per-device link shape; every connection gets its own buckets."""

    latency_ms: float = 0.0
    bandwidth_mbps: float | None = None

    def bucket(self) -> TokenBucket | None:
        return TokenBucket(self.bandwidth_mbps) if self.bandwidth_mbps else None


@dataclass
class Counters:
    """What tests assert round trips with: streams per service family and the shell commands run."""

    services: Counter[str] = field(default_factory=Counter)
    shell_commands: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.services.clear()
        self.shell_commands.clear()


class Faults:
    """Faults injected from Python; the server polls them (thread-safe enough: plain attribute writes)."""

    def __init__(self) -> None:
        self._drop_after: int | None = None
        self.offline_until = 0.0
        self.stalls: dict[str, float] = {}
        self._on_offline: list = []

    def drop_after_bytes(self, n: int) -> None:
        """The next host connection to receive payload is dropped after `n` more payload bytes."""
        self._drop_after = n

    def offline(self, seconds: float) -> None:
        """Drop every connection now and refuse new ones for `seconds`."""
        self.offline_until = time.monotonic() + seconds
        for callback in list(self._on_offline):
            callback()

    def stall_stream(self, service_prefix: str, seconds: float) -> None:
        """Streams whose service starts with the prefix send nothing for `seconds` (from now)."""
        self.stalls[service_prefix] = time.monotonic() + seconds

    @property
    def is_offline(self) -> bool:
        return time.monotonic() < self.offline_until

    def count_received(self, n: int) -> bool:
        """Account payload bytes; True when the connection must be dropped now."""
        if self._drop_after is None:
            return False
        self._drop_after -= n
        if self._drop_after <= 0:
            self._drop_after = None
            return True
        return False

    def stall_delay(self, service: str) -> float:
        now = time.monotonic()
        waits = [until - now for prefix, until in self.stalls.items() if service.startswith(prefix)]
        return max([0.0, *waits])
