"""`bugreportz -p`: a zipped bugreport made on the device, with progress, then pulled.

The protocol (AOSP frameworks/native/cmds/bugreportz/readme.md): `BEGIN:<path>` at once, then
`PROGRESS:<done>/<total>` lines, then `OK:<path>` or `FAIL:<message>`. Version 1.0 prints only the last
line. Devices before Android 7 have no bugreportz at all: the shell says "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from adb_backend.device import Device
from adb_backend.errors import DeviceRefused

ProgressCallback = Callable[[int, int], None]


def parse_line(line: str) -> tuple[str, str]:
    """('begin'|'progress'|'ok'|'fail'|'other', rest) for one line of `bugreportz -p`."""
    head, sep, rest = line.strip().partition(":")
    kinds = {"BEGIN": "begin", "PROGRESS": "progress", "OK": "ok", "FAIL": "fail"}
    if sep and head in kinds:
        return kinds[head], rest.strip()
    return "other", line.strip()


def make_bugreport(device: Device, on_progress: ProgressCallback | None = None, *, timeout: float = 900.0) -> str:
    """Run bugreportz on the device; the path of the zip it wrote. Raises DeviceRefused with its reason."""
    other: list[str] = []
    buffer = b""
    with device.open_exec(["sh", "-c", "bugreportz -p 2>&1"], timeout=timeout) as stream:
        while chunk := stream.read():
            buffer += chunk
            *lines, rest = buffer.split(b"\n")
            buffer = rest
            for raw in lines:
                kind, value = parse_line(raw.decode("utf-8", "replace"))
                if kind == "ok":
                    return value
                if kind == "fail":
                    raise DeviceRefused(f"{device.serial}: bugreportz failed: {value}", reason=value)
                if kind == "progress" and on_progress is not None:
                    done, _, total = value.partition("/")
                    if done.isdigit() and total.isdigit():
                        on_progress(int(done), int(total))
                elif kind == "other" and value:
                    other.append(value)
    if buffer.strip():
        kind, value = parse_line(buffer.decode("utf-8", "replace"))
        if kind == "ok":
            return value
        other.append(value)
    said = "; ".join(other) or "no output"
    if "not found" in said:
        raise DeviceRefused(f"{device.serial} has no bugreportz (Android 7 or later has it): {said}", reason=said)
    raise DeviceRefused(f"{device.serial}: bugreportz ended without a result ({said})", reason=said)


def pull_bugreport(device: Device, remote: str, target: Path, on_bytes: Callable[[int], None] | None = None) -> int:
    """Copy the zip to `target` over one sync connection; the byte count."""
    from adb_backend.sync import SyncClient

    with SyncClient.open(device, timeout=120) as sync, target.open("wb") as sink:
        return sync.pull(remote, sink, progress=on_bytes)
