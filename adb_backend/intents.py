"""Activity Manager intents: open a URL, the camera, or a picture on the device.

The one place these command lines are built; every value is quoted. `am start` reports most failures
on stdout/stderr as `Error: …` with exit code 0, so those lines count as refusals too.
"""

from __future__ import annotations

import io
import posixpath
import re
import time

from adb_backend.device import Device
from adb_backend.errors import DeviceRefused
from adb_backend.types import ShellResult

VIEW = "android.intent.action.VIEW"
STILL_IMAGE_CAMERA = "android.media.action.STILL_IMAGE_CAMERA"
_ERROR = re.compile(r"^(Error|Exception)", re.MULTILINE)


def _check(result: ShellResult, what: str, serial: str) -> None:
    output = f"{result.stdout}\n{result.stderr}"
    if result.ok and not _ERROR.search(output):
        return
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if _ERROR.match(line)]
    reason = (errors or lines or [f"exit code {result.exit_code}"])[-1]
    raise DeviceRefused(f"the device could not {what}: {reason}", reason=reason, serial=serial)


def open_url(device: Device, url: str) -> None:
    """`am start -a VIEW -d URL`: the device's browser opens the page."""
    result = device.shell(["am", "start", "-a", VIEW, "-d", url], timeout=20)
    _check(result, "open the page", device.serial)


def open_camera(device: Device) -> None:
    """Start the device's camera app."""
    result = device.shell(["am", "start", "-a", STILL_IMAGE_CAMERA], timeout=30)
    _check(result, "open its camera app", device.serial)


def view_image(device: Device, device_path: str, mime: str = "image/png") -> None:
    """Show a picture that is on the device in its image viewer."""
    result = device.shell(["am", "start", "-a", VIEW, "-t", mime, "-d", f"file://{device_path}"], timeout=30)
    _check(result, "show the picture", device.serial)


def push_bytes(device: Device, data: bytes, device_path: str, *, mode: int = 0o644) -> None:
    """Write bytes to a device file over the sync protocol (its folder is created by the device)."""
    from adb_backend.sync import SendItem, SyncClient

    with SyncClient.open(device) as sync:
        sync.push(SendItem(io.BytesIO(data), posixpath.normpath(device_path), mode, int(time.time()), len(data)))
