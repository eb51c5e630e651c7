"""Notifications on the device through `cmd notification post` (Android 10+, as shell).

What a real phone does (NotificationShellCmd): the notification is posted by com.android.shell on the
"shellcmd" channel at default importance, so it lands in the shade without a heads-up pop-up; the shell
cannot make it ongoing nor cancel it later (posting again with the same tag replaces it). Failures are
printed ("Error occurred. Check logcat for details. …", or the usage text for a flag the version does not
know) with exit code 0, so success is judged by the "posting:" line, never by the exit code alone.
"""

from __future__ import annotations

from adb_backend.device import Device, quote_command
from adb_backend.errors import DeviceRefused

MIN_SDK = 29
VIEW = "android.intent.action.VIEW"


def post_command(tag: str, title: str, text: str, *, open_url: str | None = None, big: bool = False) -> str:
    """The `cmd notification post` line; `open_url` becomes a content intent (tap opens it)."""
    argv = ["cmd", "notification", "post", "-t", title]
    if big:
        argv += ["-S", "bigtext"]
    if open_url:
        argv += ["-c", "activity", "-a", VIEW, "-d", open_url]
    return quote_command([*argv, tag, text])


def post_notification(
    device: Device,
    tag: str,
    title: str,
    text: str,
    *,
    sdk: int | None = None,
    open_url: str | None = None,
    big: bool = False,
) -> None:
    """Post (or replace, same tag) a notification from the shell; raises DeviceRefused with the reason."""
    if sdk is not None and sdk < MIN_SDK:
        raise DeviceRefused(
            f"this device runs API {sdk}: notifications from adb need Android 10 (API 29) or newer",
            serial=device.serial,
        )
    result = device.shell(post_command(tag, title, text, open_url=open_url, big=big), timeout=20)
    refusal = post_refusal(result.stdout, result.stderr, result.exit_code)
    if refusal is not None:
        raise DeviceRefused(
            f"the device did not show the notification: {refusal}", reason=refusal, serial=device.serial
        )


def post_refusal(stdout: str, stderr: str, exit_code: int) -> str | None:
    """None when `cmd notification post` posted (its "posting:" line), else the device's reason.

    Judged by the output, not the exit code: NotificationShellCmd catches every exception, prints
    "Error occurred. Check logcat for details. <message>" and returns 0; an option it does not know makes
    it print its usage text, also with 0.
    """
    output = f"{stdout}\n{stderr}"
    if exit_code == 0 and "posting:" in stdout and "Error occurred" not in output:
        return None
    return _reason(output) or f"exit code {exit_code}"


def _reason(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in lines:
        if line.startswith(("Error", "error", "Exception")) or "Unknown command" in line or "not found" in line:
            return line
    if any(line.startswith("usage:") for line in lines):
        return "the device does not accept these notification options (it printed its usage text)"
    return lines[-1] if lines else ""
