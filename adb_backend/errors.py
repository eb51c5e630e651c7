"""bt's own small tree of device errors; every adbutils failure is mapped to one of these.

The CLI and TUI never see an adbutils exception: `translate()` turns them into a BackendError whose
message says what happened and what to do next.
"""

from __future__ import annotations


class BackendError(Exception):
    """Base of everything adb_backend raises."""

    def __init__(self, message: str, *, serial: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.serial = serial

    def __str__(self) -> str:
        return self.message


class AdbServerUnreachable(BackendError):
    """No adb server answers at the address (and bt could not start one)."""


class DeviceNotFound(BackendError):
    """No device with that serial, or no device at all."""


class MultipleDevices(BackendError):
    """Several devices are attached and none was chosen."""

    def __init__(self, message: str, serials: list[str]) -> None:
        super().__init__(message)
        self.serials = serials


class DeviceUnauthorized(BackendError):
    """The device has not accepted this computer's RSA key yet."""


class DeviceOffline(BackendError):
    """The device is known to the server but does not answer (unplugged, rebooting, asleep)."""


class DeviceTimeout(BackendError):
    """The device did not answer in time."""


class DeviceRefused(BackendError):
    """The device answered, but refused: the reason is the device's own words."""

    def __init__(self, message: str, *, reason: str = "", serial: str | None = None) -> None:
        super().__init__(message, serial=serial)
        self.reason = reason or message


class TransferCancelled(BackendError):
    """A transfer was cancelled on request."""


def translate(error: BaseException, serial: str | None = None) -> BackendError:
    """Map an adbutils/socket error to a BackendError with a sentence a person can act on."""
    if isinstance(error, BackendError):
        return error
    text = str(error).strip() or error.__class__.__name__
    low = text.lower()
    who = f"device {serial}" if serial else "the device"
    name = error.__class__.__name__
    if name == "AdbTimeout" or isinstance(error, TimeoutError):
        return DeviceTimeout(f"{who} did not answer in time", serial=serial)
    if "unauthorized" in low:
        return DeviceUnauthorized(
            f"{who} is unauthorized: accept the USB debugging prompt on the device", serial=serial
        )
    if "offline" in low:
        return DeviceOffline(f"{who} is offline: check the cable or network and that it is awake", serial=serial)
    if "not found" in low and ("device" in low or serial and serial in text):
        return DeviceNotFound(f"{who} not found: run 'bt devices' to see what is attached", serial=serial)
    if "more than one" in low:
        return MultipleDevices("more than one device attached: choose one with --device", [])
    if isinstance(error, ConnectionRefusedError) or "connection refused" in low:
        return AdbServerUnreachable(f"adb server unreachable: {text}")
    if isinstance(error, OSError) and name != "AdbError":
        return DeviceOffline(f"lost the connection to {who}: {text}", serial=serial)
    if "closed" in low:
        return DeviceOffline(f"{who} closed the connection ({text})", serial=serial)
    return DeviceRefused(f"{who}: {text}", reason=text, serial=serial)
