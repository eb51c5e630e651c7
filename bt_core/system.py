"""Ending processes and uninstalling apps in a session: policy first, the device's reason on refusal.

Both actions are gated by the policy (`system.kill`, `system.uninstall`) and written to the transcript,
refusals included, so the record shows what was attempted and why it did not happen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from bt_core.errors import BtError, UsageError
from bt_core.events import EventKind

if TYPE_CHECKING:
    from adb_backend.apps import KillResult, UninstallResult
    from adb_backend.device import Device
    from bt_core.models import SessionRecord
    from bt_core.services import Services


T = TypeVar("T")


class SystemService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def kill(self, session_id: str | None, target: str) -> KillResult:
        """End a process (pid) or an app (package): the app is force-stopped, as the shell user must."""
        from adb_backend import apps

        if not apps.is_pid(target) and not apps.is_package_name(target):
            raise UsageError(f"{target!r} is neither a process id nor an app package name (like com.example.app)")
        sessions = self.services.sessions
        record = sessions.guard(session_id, "system.kill", detail=target)
        result = self._attempt(
            record,
            EventKind.PROCESS_KILL_FAILED,
            f"Could not end {target}",
            {"target": target},
            lambda device: apps.kill(device, target),
        )
        what = result.package or result.process_name or target
        pid = f" (pid {result.pid})" if result.pid is not None else ""
        verb = "Force-stopped" if result.method == "force-stop" else "Killed"
        sessions.log(record, EventKind.PROCESS_KILLED, f"{verb} {what}{pid}", result.to_json())
        return result

    def uninstall(self, session_id: str | None, package: str, keep_data: bool = False) -> UninstallResult:
        """Uninstall an app; a system app only for user 0, where Android allows it."""
        from adb_backend import apps

        if not apps.is_package_name(package):
            raise UsageError(f"{package!r} is not an app package name (like com.example.app)")
        sessions = self.services.sessions
        record = sessions.guard(session_id, "system.uninstall", detail=package)
        data = {"package": package, "keep_data": keep_data}
        result = self._attempt(
            record,
            EventKind.APP_UNINSTALL_FAILED,
            f"Could not uninstall {package}",
            data,
            lambda device: apps.uninstall(device, package, keep_data=keep_data),
        )
        how = " for user 0 (system app)" if result.user_only else ""
        kept = ", data kept" if keep_data else ""
        sessions.log(record, EventKind.APP_UNINSTALLED, f"Uninstalled {package}{how}{kept}", result.to_json())
        return result

    def _attempt(
        self, record: SessionRecord, kind: EventKind, text: str, data: dict[str, Any], work: Callable[[Device], T]
    ) -> T:
        """Run device work; a refusal is logged as a failure event before it is raised."""
        sessions = self.services.sessions
        try:
            return sessions.on_device(record, work)
        except ValueError as error:
            raise UsageError(str(error)) from None
        except BtError as error:
            sessions.log(
                record, kind, f"{text}: {error}", {**data, "error": str(error), "error_type": type(error).__name__}
            )
            raise
