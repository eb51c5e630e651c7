"""Exit codes: one table, used by the CLI and printed in the man pages' EXIT STATUS section."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    """Success."""
    ERROR = 1
    """An error not covered below."""
    USAGE = 2
    """Bad command-line input: unknown option, malformed value, missing argument."""
    NO_DEVICE = 3
    """No device attached, or the named device is not attached."""
    SEVERAL_DEVICES = 4
    """Several devices are attached and none was chosen with --device."""
    UNAUTHORIZED = 5
    """The device has not accepted this computer: accept the USB debugging prompt."""
    OFFLINE = 6
    """The device is offline or disappeared (the session is Customer Absent)."""
    ADB_SERVER = 7
    """The adb server is unreachable and could not be started."""
    DEVICE_REFUSED = 8
    """The device refused the action; its reason is printed."""
    TIMEOUT = 9
    """The device did not answer in time."""
    POLICY = 10
    """The administrator's policy or the customer's grant does not allow the action."""
    NO_SESSION = 11
    """No such session, or no current session."""
    SESSION_ENDED = 12
    """The session has ended; device actions are refused."""
    NOT_FOUND = 13
    """A file, transfer, note or canned message does not exist."""
    CANCELLED = 14
    """Cancelled by the user or from another process."""
    STORE = 15
    """The session store (SQLite or PostgreSQL) failed."""
    CONFIG = 16
    """A configuration, policy or canned-messages file is invalid."""
    INTERRUPTED = 130
    """Interrupted with Ctrl-C."""


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code for an error raised by bt_core."""
    name = getattr(error, "exit_code_name", "ERROR")
    return ExitCode.__members__.get(name, ExitCode.ERROR)


def describe() -> list[tuple[int, str, str]]:
    """(code, name, meaning) rows for help and man pages."""
    import inspect

    source = inspect.getsource(ExitCode)
    rows = []
    for member in ExitCode:
        marker = f"    {member.name} = {member.value}\n"
        after = source.split(marker, 1)[1] if marker in source else ""
        doc = after.strip().split('"""')[1] if after.strip().startswith('"""') else ""
        rows.append((int(member.value), member.name, doc))
    return rows
