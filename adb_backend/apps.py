"""Ending processes and uninstalling apps, the way the shell user (uid 2000) is allowed to.

The shell user cannot signal other users' processes, so a bare `kill` of an app's pid fails on a real
phone: an app is force-stopped by package (`am force-stop`), and a pid is first resolved to the
package it belongs to. System apps cannot be removed, only uninstalled for user 0, where Android
allows it. Whatever the device refuses is raised as DeviceRefused with the device's own words.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from adb_backend.device import Device
from adb_backend.errors import DeviceRefused
from adb_backend.types import ShellResult

_PACKAGE = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+")
_FAILURE = re.compile(r"Failure\s*\[[^\]]*\]|Failure.*")


def is_package_name(text: str) -> bool:
    return bool(_PACKAGE.fullmatch(text))  # fullmatch: `$` would accept a trailing newline


def is_pid(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts '٣' and '²'."""
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class KillResult:
    target: str
    pid: int | None
    package: str | None
    process_name: str | None
    method: str
    """"force-stop" (the app's package) or "kill" (a shell-owned process)."""
    command: str

    def to_json(self) -> dict:
        return {
            "target": self.target,
            "pid": self.pid,
            "package": self.package,
            "process_name": self.process_name,
            "method": self.method,
            "command": self.command,
        }


@dataclass(frozen=True)
class UninstallResult:
    package: str
    system: bool
    user_only: bool
    """True when a system app was uninstalled for user 0 only (it stays on the system image)."""
    keep_data: bool
    command: str
    output: str

    def to_json(self) -> dict:
        return {
            "package": self.package,
            "system": self.system,
            "user_only": self.user_only,
            "keep_data": self.keep_data,
            "command": self.command,
            "output": self.output,
        }


def _refuse(device: Device, message: str, reason: str) -> DeviceRefused:
    return DeviceRefused(message, reason=reason, serial=device.serial)


def _packages(result: ShellResult) -> dict[str, int | None]:
    """`pm list packages -U` lines as {package: uid}."""
    found: dict[str, int | None] = {}
    for line in result.stdout.splitlines():
        line = line.strip()
        if not line.startswith("package:"):
            continue
        name, _, rest = line[len("package:") :].partition(" ")
        uid = re.search(r"uid:(\d+)", rest)
        found[name.rsplit("=", 1)[-1]] = int(uid.group(1)) if uid else None
    return found


def _process(result: ShellResult, pid: int) -> tuple[str, str] | None:
    """(user, name) of a pid from `ps -A -o PID,USER,NAME`."""
    for line in result.stdout.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] == str(pid):
            return parts[1], parts[2].strip()
    return None


def _owning_package(name: str, packages: dict[str, int | None]) -> str | None:
    """An app process is named after its package, maybe with a `:service` suffix."""
    base = name.split(":", 1)[0]
    return base if base in packages else None


def kill(device: Device, target: str) -> KillResult:
    """End a process by pid or an app by package; DeviceRefused with the device's reason otherwise."""
    if is_pid(target):
        return _kill_pid(device, int(target))
    if not is_package_name(target):
        raise ValueError(f"{target!r} is neither a process id nor an app package name")
    listing = device.shell(["pm", "list", "packages", "-U", target])
    if target not in _packages(listing):
        raise _refuse(device, f"no app {target} is installed on {device.serial}", f"Unknown package: {target}")
    return _force_stop(device, target, pid=None, process_name=None)


def _force_stop(device: Device, package: str, *, pid: int | None, process_name: str | None) -> KillResult:
    command = ["am", "force-stop", package]
    result = device.shell(command)
    if not result.ok:
        raise _refuse(device, f"could not stop {package}: {result.reason}", result.reason)
    return KillResult(
        str(pid) if pid is not None else package,
        pid,
        package,
        process_name,
        "force-stop",
        " ".join(shlex.quote(w) for w in command),
    )


def _kill_pid(device: Device, pid: int) -> KillResult:
    lookup = device.batch({"ps": "ps -A -o PID,USER,NAME", "packages": "pm list packages -U"})
    found = _process(lookup["ps"], pid)
    user, name = found if found else (None, None)
    package = _owning_package(name, _packages(lookup["packages"])) if name else None
    if user != "shell" and package:
        return _force_stop(device, package, pid=pid, process_name=name)
    # A shell-owned process, or one the device must judge itself (gone, another user's): its answer.
    command = f"kill {shlex.quote(str(pid))}"
    result = device.shell(command)
    if not result.ok:
        who = f" ({name}, user {user})" if name else ""
        raise _refuse(device, f"the device refused to end process {pid}{who}: {result.reason}", result.reason)
    return KillResult(str(pid), pid, package, name, "kill", command)


def uninstall(device: Device, package: str, *, keep_data: bool = False) -> UninstallResult:
    """Uninstall a third-party app, or a system app for user 0 where Android allows it."""
    if not is_package_name(package):
        raise ValueError(f"{package!r} is not an app package name")
    # A system app (one on the system image, installed for user 0) can only go for user 0; anything
    # else, missing or already removed for user 0 included, is left to the device to answer.
    listing = device.shell(["pm", "list", "packages", "-s", package])
    system = package in _packages(listing)
    words = ["pm", "uninstall"] + (["-k"] if keep_data else []) + (["--user", "0"] if system else []) + [package]
    command = " ".join(shlex.quote(w) for w in words)
    result = device.shell(command)
    output = (result.stdout + result.stderr).strip()
    if result.ok and "Success" in output:
        return UninstallResult(package, system, system, keep_data, command, output)
    match = _FAILURE.search(output)
    reason = match.group(0).strip() if match else result.reason
    kind = "system app" if system else "app"
    raise _refuse(device, f"the device refused to uninstall the {kind} {package}: {reason}", reason)
