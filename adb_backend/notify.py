"""Notifications on the device through `cmd notification post` (Android 10+, as the shell user).

A shell notification lands in the shade on the shell's own channel at default importance: it is never a
heads-up pop-up, so the customer page and the session indicator do the announcing. NotificationShellCmd
catches every failure, prints "Error occurred. Check logcat for details. ..." (or its usage text) and
still exits 0; the only proof of success is the "posting:" line it prints before enqueueing. So the
output is checked, not the exit code.
"""

from __future__ import annotations

import shlex

from adb_backend.device import Device
from adb_backend.errors import DeviceRefused

MIN_SDK = 29
_POSTED = "posting:"


def post_notification(device: Device, tag: str, title: str, text: str, *, sdk: int | None = None) -> None:
    """Post (or replace, same tag) a notification from the shell; raises DeviceRefused with the reason."""
    if sdk is not None and sdk < MIN_SDK:
        raise DeviceRefused(
            f"this device runs API {sdk}: notifications from adb need Android 10 (API 29) or newer",
            serial=device.serial,
        )
    command = f"cmd notification post -t {shlex.quote(title)} {shlex.quote(tag)} {shlex.quote(text)}"
    result = device.shell(command, timeout=20)
    output = f"{result.stdout}\n{result.stderr}"
    if result.ok and any(line.strip() == _POSTED for line in output.splitlines()):
        return
    reason = _reason(output) or result.reason
    raise DeviceRefused(f"the device did not show the notification: {reason}", reason=reason, serial=device.serial)


def _reason(output: str) -> str:
    """The device's own words: its error line, a usage complaint, or an unknown-command answer."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("Error occurred") or line.startswith("Unknown command") or "not found" in line:
            return line
    if any(line.startswith("usage:") for line in lines):
        return "cmd notification printed its usage instead of posting"
    return lines[0] if lines else ""
