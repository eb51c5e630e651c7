"""Heads-up notifications on the device through `cmd notification post` (Android 10+, as shell)."""

from __future__ import annotations

import shlex

from adb_backend.device import Device
from adb_backend.errors import DeviceRefused

MIN_SDK = 29


def post_notification(device: Device, tag: str, title: str, text: str, *, sdk: int | None = None) -> None:
    """Post (or replace, same tag) a notification from the shell; raises DeviceRefused with the reason."""
    if sdk is not None and sdk < MIN_SDK:
        raise DeviceRefused(
            f"this device runs API {sdk}: notifications from adb need Android 10 (API 29) or newer",
            serial=device.serial,
        )
    command = f"cmd notification post -t {shlex.quote(title)} {shlex.quote(tag)} {shlex.quote(text)}"
    result = device.shell(command, timeout=20)
    if not result.ok:
        raise DeviceRefused(f"the device did not show the notification: {result.reason}", serial=device.serial)
