"""A virtual Android device: the device side of ADB over TCP, with an Android 14 userland behind it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from virtual_device.server import VirtualDevice

__all__ = ["VirtualDevice", "running_device"]


@contextmanager
def running_device(**options: Any) -> Iterator[VirtualDevice]:
    """Start a VirtualDevice (same options as the class), yield it, stop it."""
    device = VirtualDevice(**options)
    device.start()
    try:
        yield device
    finally:
        device.stop()
