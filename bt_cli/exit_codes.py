"""Exit codes: one table, used by the CLI and printed in the man pages' EXIT STATUS section."""

from __future__ import annotations

from enum import IntEnum

from bt_core import errors
from bt_core.errors import BtError


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    NO_DEVICE = 3
    SEVERAL_DEVICES = 4
    UNAUTHORIZED = 5
    OFFLINE = 6
    ADB_SERVER = 7
    DEVICE_REFUSED = 8
    TIMEOUT = 9
    POLICY = 10
    NO_SESSION = 11
    SESSION_ENDED = 12
    NOT_FOUND = 13
    CANCELLED = 14
    STORE = 15
    CONFIG = 16
    BUSY = 17
    INTERRUPTED = 130


MEANINGS: dict[ExitCode, str] = {
    ExitCode.OK: "Success.",
    ExitCode.ERROR: "An error not covered below.",
    ExitCode.USAGE: "Bad command-line input: unknown option, malformed value, missing argument.",
    ExitCode.NO_DEVICE: "No device attached, or the named device is not attached.",
    ExitCode.SEVERAL_DEVICES: "Several devices are attached and none was chosen with --device.",
    ExitCode.UNAUTHORIZED: "The device has not accepted this computer: accept the USB debugging prompt.",
    ExitCode.OFFLINE: "The device is offline or disappeared (the session is Customer Absent).",
    ExitCode.ADB_SERVER: "The adb server is unreachable and could not be started.",
    ExitCode.DEVICE_REFUSED: "The device refused the action; its reason is printed.",
    ExitCode.TIMEOUT: "The device did not answer in time.",
    ExitCode.POLICY: "The administrator's policy or the customer's grant does not allow the action.",
    ExitCode.NO_SESSION: "No such session, or no current session.",
    ExitCode.SESSION_ENDED: "The session has ended; device actions are refused.",
    ExitCode.NOT_FOUND: "A file, transfer, note or canned message does not exist.",
    ExitCode.CANCELLED: "Cancelled by the user or from another process.",
    ExitCode.STORE: "The session store (SQLite or PostgreSQL) failed.",
    ExitCode.CONFIG: "A configuration, policy or canned-messages file is invalid.",
    ExitCode.BUSY: "The device is held by someone else: a lab claim (bt claim --wait waits) or an open session.",
    ExitCode.INTERRUPTED: "Interrupted with Ctrl-C.",
}


# Most specific first: the first class the error is an instance of decides its code.
_BY_TYPE: tuple[tuple[type[BtError], ExitCode], ...] = (
    (errors.UsageError, ExitCode.USAGE),
    (errors.NoDevice, ExitCode.NO_DEVICE),
    (errors.SeveralDevices, ExitCode.SEVERAL_DEVICES),
    (errors.Unauthorized, ExitCode.UNAUTHORIZED),
    (errors.Offline, ExitCode.OFFLINE),
    (errors.ServerUnreachable, ExitCode.ADB_SERVER),
    (errors.DeviceRefusedError, ExitCode.DEVICE_REFUSED),
    (errors.DeviceTimedOut, ExitCode.TIMEOUT),
    (errors.PermissionDenied, ExitCode.POLICY),
    (errors.SessionNotFound, ExitCode.NO_SESSION),
    (errors.SessionEnded, ExitCode.SESSION_ENDED),
    (errors.NotFound, ExitCode.NOT_FOUND),
    (errors.Cancelled, ExitCode.CANCELLED),
    (errors.StoreError, ExitCode.STORE),
    (errors.ConfigError, ExitCode.CONFIG),
    (errors.DeviceBusy, ExitCode.BUSY),
)


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for an error raised by bt_core, decided by its class."""
    for error_type, code in _BY_TYPE:
        if isinstance(error, error_type):
            return code
    return ExitCode.ERROR


def describe() -> list[tuple[int, str, str]]:
    """(code, name, meaning) rows for help and man pages."""
    return [(int(member.value), member.name, MEANINGS[member]) for member in ExitCode]
