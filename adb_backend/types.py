"""Plain results returned by adb_backend; no adbutils types leak out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DeviceInfo:
    """One line of `bt devices`."""

    serial: str
    state: str
    model: str | None = None
    product: str | None = None
    device: str | None = None
    android_version: str | None = None
    sdk: int | None = None
    transport: str = "usb"
    transport_id: int | None = None
    adb_server: str = "127.0.0.1:5037"

    def to_json(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "state": self.state,
            "model": self.model,
            "product": self.product,
            "device": self.device,
            "android_version": self.android_version,
            "sdk": self.sdk,
            "transport": self.transport,
            "transport_id": self.transport_id,
            "adb_server": self.adb_server,
        }


@dataclass(frozen=True)
class ShellResult:
    """A finished shell command: separate streams and the exit code (shell protocol v2)."""

    command: str
    exit_code: int
    stdout: str
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def reason(self) -> str:
        """The device's own words for a failure: stderr, else stdout, first non-empty line."""
        for text in (self.stderr, self.stdout):
            for line in text.splitlines():
                if line.strip():
                    return line.strip()
        return f"exit code {self.exit_code}"


@dataclass(frozen=True)
class BatchResult:
    """Outputs of several commands run in one shell round trip, by name."""

    results: dict[str, ShellResult] = field(default_factory=dict)

    def __getitem__(self, name: str) -> ShellResult:
        return self.results[name]
