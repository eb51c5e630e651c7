"""bt's errors: a sentence for a person, a title, and the name of the exit code it maps to.

The CLI turns `exit_code_name` into a number through `bt_cli.exit_codes`; the TUI shows `str(error)`.
"""

from __future__ import annotations


class BtError(Exception):
    """Base of every error a user may see. The message is one line saying what to do next."""

    exit_code_name = "ERROR"

    def __init__(self, msg: str, title: str = "") -> None:
        super().__init__(msg)
        self.msg = msg
        self.title = title or self.__class__.__name__

    def __str__(self) -> str:
        return self.msg


class UsageError(BtError):
    """Bad input: a malformed argument, an unknown name, a file that is not what it should be."""

    exit_code_name = "USAGE"


class ConfigError(BtError):
    exit_code_name = "CONFIG"


class NoDevice(BtError):
    exit_code_name = "NO_DEVICE"


class SeveralDevices(BtError):
    exit_code_name = "SEVERAL_DEVICES"


class Unauthorized(BtError):
    exit_code_name = "UNAUTHORIZED"


class Offline(BtError):
    exit_code_name = "OFFLINE"


class ServerUnreachable(BtError):
    exit_code_name = "ADB_SERVER"


class DeviceRefusedError(BtError):
    """The device said no (permission denied, read-only, not installed...): its reason is the message."""

    exit_code_name = "DEVICE_REFUSED"


class DeviceTimedOut(BtError):
    exit_code_name = "TIMEOUT"


class PermissionDenied(BtError):
    """The administrator's policy or the customer's grant forbids the action."""

    exit_code_name = "POLICY"


class SessionNotFound(BtError):
    exit_code_name = "NO_SESSION"


class SessionEnded(BtError):
    exit_code_name = "SESSION_ENDED"


class NotFound(BtError):
    """A file, transfer, note or canned message that does not exist."""

    exit_code_name = "NOT_FOUND"


class Cancelled(BtError):
    exit_code_name = "CANCELLED"


class StoreError(BtError):
    exit_code_name = "STORE"


def from_backend(error: Exception) -> BtError:
    """The BtError for an adb_backend error, keeping its message."""
    from adb_backend import errors as backend

    message = str(error)
    mapping: list[tuple[type, type[BtError]]] = [
        (backend.DeviceUnauthorized, Unauthorized),
        (backend.DeviceOffline, Offline),
        (backend.MultipleDevices, SeveralDevices),
        (backend.DeviceNotFound, NoDevice),
        (backend.AdbServerUnreachable, ServerUnreachable),
        (backend.DeviceTimeout, DeviceTimedOut),
        (backend.TransferCancelled, Cancelled),
        (backend.DeviceRefused, DeviceRefusedError),
    ]
    for backend_type, bt_type in mapping:
        if isinstance(error, backend_type):
            return bt_type(message)
    return BtError(message)
