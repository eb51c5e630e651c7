"""bt's one error tree: every failure a front end can see is a BtError subclass.

The adb backend's own errors are translated here (`from_backend`, `backend_errors`) so no front end
needs a second `except`. The CLI maps each class to an exit code (`bt_cli.exit_codes`); the TUI decides
by class and shows `title` and `str(error)`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class BtError(Exception):
    """Base of every error a user may see. The message is one line saying what to do next."""

    default_title = "Error"

    def __init__(self, msg: str, title: str = "") -> None:
        super().__init__(msg)
        self.msg = msg
        self.title = title or self.default_title

    def __str__(self) -> str:
        return self.msg


class UsageError(BtError):
    """Bad input: a malformed argument, an unknown name, a file that is not what it should be."""

    default_title = "Bad input"


class ConfigError(BtError):
    """A configuration, policy or canned-messages file is invalid."""

    default_title = "Configuration"


class NoDevice(BtError):
    """No device attached, or the named one is not."""

    default_title = "No device"


class SeveralDevices(BtError):
    """Several devices are attached and none was chosen."""

    default_title = "Several devices"


class Unauthorized(BtError):
    """The device has not accepted this computer's key."""

    default_title = "Device not authorized"


class Offline(BtError):
    """The device is offline or gone."""

    default_title = "Device offline"


class DeviceBusy(BtError):
    """The device is held by someone else: a lab claim (`bt claim`), or an open session (one per device
    unless the technician asks for --shared)."""

    default_title = "Device busy"


class ServerUnreachable(BtError):
    """No adb server answers."""

    default_title = "adb server unreachable"


class DeviceRefusedError(BtError):
    """The device said no (permission denied, read-only, not installed...): its reason is the message."""

    default_title = "The device refused"


class DeviceTimedOut(BtError):
    """The device did not answer in time."""

    default_title = "Device timed out"


class PermissionDenied(BtError):
    """The administrator's policy or the customer's grant forbids the action."""

    default_title = "Not allowed"


class SessionNotFound(BtError):
    """No such session, or no current one."""

    default_title = "No session"


class SessionEnded(BtError):
    """The session has ended: device actions refuse."""

    default_title = "Session ended"


class NotFound(BtError):
    """A file, transfer, note or canned message that does not exist."""

    default_title = "Not found"


class Cancelled(BtError):
    """Cancelled by the user or from another process."""

    default_title = "Cancelled"


class StoreError(BtError):
    """The session store failed."""

    default_title = "Session store"


class NeedsGrant(PermissionDenied):
    """The customer has not granted the screen access the action needs (the policy would allow it)."""

    default_title = "Screen access needed"


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


@contextmanager
def backend_errors() -> Iterator[None]:
    """Run backend work whose errors must leave the core as BtErrors."""
    from adb_backend.errors import BackendError

    try:
        yield
    except BackendError as error:
        raise from_backend(error) from None
