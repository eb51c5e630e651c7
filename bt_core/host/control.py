"""Starting, finding and inspecting a session's host process (the command side).

The host holds an exclusive lock file for its lifetime, so "is it alive?" is a non-blocking lock
attempt on this computer (no pid reuse races); a host on another computer (shared PostgreSQL store)
counts as alive while its heartbeat is fresh. Any command that finds the host of an open session dead
starts a new one; `BT_SESSION_HOST=off` turns hosts off (the test suite does, except where tested).
"""

from __future__ import annotations

import fcntl
import os
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bt_core import locations
from bt_core.errors import BtError
from bt_core.models import JsonRecord
from bt_core.processes import pid_alive

if TYPE_CHECKING:
    from bt_core.models import SessionRecord
    from bt_core.services import Services

STALE_MS = 10_000
"""A host on another computer whose heartbeat is older than this is taken for dead."""


@dataclass(frozen=True)
class HostStatus(JsonRecord):
    """What `bt session host-status` shows: the process and the live side it holds."""

    session_id: str
    running: bool
    pid: int | None = None
    hostname: str | None = None
    started_at: int | None = None
    heartbeat_age_s: float | None = None
    device_present: bool | None = None
    page_url: str | None = None
    page_port: int | None = None
    device_port: int | None = None
    mapping: str | None = None
    mapping_error: str | None = None
    indicator: str | None = None
    indicator_error: str | None = None
    page_connected: int = 0
    state: dict[str, Any] = field(default_factory=dict)


def enabled() -> bool:
    return os.environ.get("BT_SESSION_HOST", "on").strip().lower() not in ("0", "off", "no", "false")


def lock_path(session_id: str) -> Path:
    return locations.data_dir() / f"host-{session_id}.lock"


def log_path(session_id: str) -> Path:
    return locations.data_dir() / f"host-{session_id}.log"


def lock_is_held(session_id: str) -> bool:
    """True while a host process on this computer holds the session's lock."""
    path = lock_path(session_id)
    if not path.exists():
        return False
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


class HostService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def status(self, session_id: str | None) -> HostStatus:
        record = self.services.sessions.resolve(session_id)
        row = self.services.store.get_host(record.id)
        if row is None:
            return HostStatus(record.id, False)
        state = row["state"]
        age = max(0.0, (time.time() * 1000 - row["heartbeat_at"]) / 1000)
        return HostStatus(
            session_id=record.id,
            running=self._alive(record.id, row),
            pid=row["pid"],
            hostname=row["hostname"],
            started_at=row["started_at"],
            heartbeat_age_s=round(age, 1),
            device_present=state.get("device_present"),
            page_url=state.get("page_url"),
            page_port=state.get("port"),
            device_port=state.get("device_port"),
            mapping=state.get("mapping"),
            mapping_error=state.get("mapping_error"),
            indicator=state.get("indicator"),
            indicator_error=state.get("indicator_error"),
            page_connected=int(state.get("page_connected") or 0),
            state=state,
        )

    def _alive(self, session_id: str, row: dict[str, Any] | None) -> bool:
        if row is None:
            return False
        if row["hostname"] == socket.gethostname():
            # the lock says a host runs; the row must be that host's, not a dead one's a new host has
            # not yet replaced (between taking the lock and writing its row)
            return lock_is_held(session_id) and pid_alive(int(row["pid"]))
        return bool(time.time() * 1000 - int(row["heartbeat_at"]) < STALE_MS)

    def running(self, session_id: str) -> bool:
        return self._alive(session_id, self.services.store.get_host(session_id))

    def ensure(self, record: SessionRecord, *, wait: float = 0.0) -> bool:
        """Start the session's host unless it runs (or hosts are off); True when one was started."""
        if self.services.is_host or record.ended or not enabled():
            return False
        try:
            if self.running(record.id):
                return False
        except BtError:
            return False
        self.spawn(record.id)
        if wait:
            self.wait_for(record.id, lambda s: s.running, wait)
        return True

    def spawn(self, session_id: str, *, device_port: int = 0, port: int = 0) -> None:
        """Start a host process, detached from this terminal and this process's lifetime."""
        args = [sys.executable, "-m", "bt_core.host", session_id]
        if device_port:
            args += ["--device-port", str(device_port)]
        if port:
            args += ["--port", str(port)]
        log = log_path(session_id)
        log.parent.mkdir(parents=True, exist_ok=True)
        import subprocess  # only when a host is started

        with open(log, "ab") as out:
            subprocess.Popen(  # noqa: S603 - our own interpreter and module
                args,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
                start_new_session=True,
                close_fds=True,
                env={**os.environ, "BT_SESSION": ""},
            )

    def restart(self, session_id: str | None, *, device_port: int = 0, port: int = 0, wait: float = 20.0) -> HostStatus:
        """Stop the host (if any) and start a new one; returns once its page is mapped or has failed."""
        record = self.services.sessions.guard(session_id)
        self.stop(record.id)
        self.spawn(record.id, device_port=device_port, port=port)
        return self.wait_for(record.id, lambda s: s.running and s.mapping in ("mapped", "failed"), wait)

    def stop(self, session_id: str, timeout: float = 10.0) -> None:
        """Ask this computer's host of the session to stop (SIGTERM) and wait for its lock to go."""
        import signal

        row = self.services.store.get_host(session_id)
        if row is None or row["hostname"] != socket.gethostname() or not lock_is_held(session_id):
            return
        try:
            os.kill(int(row["pid"]), signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while lock_is_held(session_id) and time.monotonic() < deadline:
            time.sleep(0.05)

    def wait_for(self, session_id: str, condition: Any, timeout: float) -> HostStatus:
        deadline = time.monotonic() + timeout
        while True:
            status = self.status(session_id)
            if condition(status) or time.monotonic() > deadline:
                return status
            time.sleep(0.1)
