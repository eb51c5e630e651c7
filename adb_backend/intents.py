"""Activity Manager intents: open a URL, the camera, or a picture on the device.

The one place these command lines are built; every value is quoted. `am start` reports most failures
on stdout/stderr as `Error: …` with exit code 0, so those lines count as refusals too.
"""

from __future__ import annotations

import io
import posixpath
import re
import time

from adb_backend.device import Device, quote_command
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


MEDIA_IMAGES = "content://media/external/images/media"
SCAN_FILE = "android.intent.action.MEDIA_SCANNER_SCAN_FILE"
_ROW_ID = re.compile(r"^Row: \d+ _id=(\d+)", re.MULTILINE)


def media_uri(device: Device, device_path: str, *, wait: float = 5.0) -> str | None:
    """The MediaStore `content://` URI of a picture on shared storage, once MediaProvider indexed it.

    The scan broadcast asks for it to be indexed (Android 11+ indexes files written through /sdcard by
    itself); `content query` finds its row by path. None when it was not indexed within `wait` seconds.
    """
    name = posixpath.basename(device_path)
    folder = posixpath.basename(posixpath.dirname(device_path))
    pattern = f"%/{folder}/{name}".replace("'", "''")
    scan = quote_command(["am", "broadcast", "-a", SCAN_FILE, "-d", f"file://{device_path}"])
    query = quote_command(
        ["content", "query", "--uri", MEDIA_IMAGES, "--projection", "_id", "--where", f"_data LIKE '{pattern}'"]
    )
    deadline = time.monotonic() + wait
    command = f"{scan} >/dev/null 2>&1; {query}"
    while True:
        result = device.shell(command, timeout=20)
        found = _ROW_ID.search(result.stdout)
        if found:
            return f"{MEDIA_IMAGES}/{found.group(1)}"
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.3)
        command = query


def view_image(device: Device, device_path: str, mime: str = "image/png", *, sdk: int | None = None) -> str:
    """Show a picture that is on the device in its image viewer; returns the URI it was opened by.

    Viewers open it by its MediaStore `content://` URI: since Android 11 a raw `file://` path on shared
    storage is unreadable to them. Older phones fall back to `file://` when MediaStore has no row.
    """
    uri = media_uri(device, device_path)
    if uri is None:
        if sdk is None or sdk >= 30:
            raise DeviceRefused(
                f"the picture is on the device at {device_path}, but its media index never listed it, so no "
                "viewer can open it: open it from the device's Files app",
                reason="not in MediaStore",
                serial=device.serial,
            )
        uri = f"file://{device_path}"
    result = device.shell(["am", "start", "-a", VIEW, "-t", mime, "-d", uri], timeout=30)
    _check(result, "show the picture", device.serial)
    return uri


def push_bytes(device: Device, data: bytes, device_path: str, *, mode: int = 0o644) -> None:
    """Write bytes to a device file over the sync protocol (its folder is created by the device)."""
    from adb_backend.sync import SendItem, SyncClient

    with SyncClient.open(device) as sync:
        sync.push(SendItem(io.BytesIO(data), posixpath.normpath(device_path), mode, int(time.time()), len(data)))
