"""Debian's headless Chromium for page tests, with the flags this closed network needs.

Without the background-networking flags Chromium keeps trying hosts the machine cannot reach. With a
virtual device, Chromium plays the device's browser: its 127.0.0.1 is the device's own loopback, where
`adb reverse` listens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from virtual_device.services.reverse import loopback_host

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browser_args(vdevice: Any = None) -> list[str]:
    """Chromium's arguments; with a virtual device, as that device's browser."""
    rules = [f"--host-resolver-rules=MAP 127.0.0.1 {loopback_host(vdevice.port)}"] if vdevice else []
    return [*CHROMIUM_ARGS, *rules]


def eventually(check: Any, timeout: float = 8.0, what: str = "condition", every: float = 0.1) -> Any:
    """Poll `check` until it returns something true (returned), or fail naming `what`."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)
