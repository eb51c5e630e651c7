"""Devices on every configured adb server: what the front ends list, watch, connect and disconnect."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bt_core.errors import UsageError, backend_errors

if TYPE_CHECKING:
    from adb_backend.types import DeviceInfo
    from bt_core.services import Services


class DeviceService:
    """The front ends' only way to the device list; the backend's errors leave it as BtErrors."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def all(self, *, details: bool = True) -> list[DeviceInfo]:
        with backend_errors():
            return self.services.backend.devices(details=details)

    def watch(self, every: float = 1.0) -> Iterator[list[DeviceInfo]]:
        """Yield the device list each time it changes (the first one at once)."""
        last: list[DeviceInfo] | None = None
        while True:
            infos = self.all()
            if infos != last:
                yield infos
                last = infos
            time.sleep(every)

    def connect(self, address: str) -> str:
        check_address(address)
        with backend_errors():
            return self.services.backend.connect(address)

    def disconnect(self, address: str) -> str:
        check_address(address)
        with backend_errors():
            return self.services.backend.disconnect(address)


def check_address(address: str) -> None:
    """HOST:PORT with a port in 1..65535, or a UsageError that shows an example."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"{address!r} is not HOST:PORT (for example 192.168.1.20:5555)")
