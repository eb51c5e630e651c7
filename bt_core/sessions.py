"""Support sessions: start, join, transfer, end; the current session; device access with status tracking.

Every other area goes through `SessionService.guard()` (session still open? policy allows it?) and
`SessionService.device()` (reach the device; a vanished device marks the customer absent), then
`SessionService.log()` to write the event.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from bt_core import locations
from bt_core.errors import (
    DeviceBusy,
    NoDevice,
    Offline,
    PermissionDenied,
    SessionEnded,
    SessionNotFound,
    UsageError,
    backend_errors,
    from_backend,
)
from bt_core.events import EventKind
from bt_core.models import PRIORITIES, Event, Outcome, Priority, SessionRecord, SessionStatus, utcnow

if TYPE_CHECKING:
    from pathlib import Path

    from adb_backend.device import Device
    from bt_core.services import Services
    from bt_core.store import Store

T = TypeVar("T")

END_TITLE = "Support session ended"
END_TEXT = "Your support session has ended. The technician can no longer access this device."
#: Events a technician may still add after "Session ended" (nothing that touches the device).
AFTER_END_KINDS = ("note.added",)
_ATTR_KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


class SessionService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def me(self) -> str:
        return self.services.technician

    # -- current session ---------------------------------------------------------------------------
    def _current_file(self) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", self.me)
        return locations.data_dir() / f"current-session-{safe}"

    def current_id(self) -> str | None:
        path = self._current_file()
        try:
            return path.read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def use(self, session_id: str) -> SessionRecord:
        record = self.store.get_session(session_id)
        path = self._current_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(record.id, encoding="utf-8")
        tmp.replace(path)
        return record

    def resolve(self, session_id: str | None) -> SessionRecord:
        """The session named, else BT_SESSION / --session, else this technician's current one."""
        chosen = session_id or self.services.settings.session or self.current_id()
        if not chosen:
            raise SessionNotFound("no current session: start one with 'bt session start' or pass --session ID")
        return self.store.get_session(chosen)

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(
        self,
        serial: str | None,
        *,
        customer: str | None = None,
        issue: str | None = None,
        priority: str = "medium",
        queue: str = "general",
        skills: list[str] | None = None,
        attributes: list[str] | None = None,
        external_key: str | None = None,
        join: bool = True,
        shared: bool = False,
    ) -> SessionRecord:
        """Open a session on a device; the device's identity fills the info panel (one round trip).

        One open session per device unless `shared`: a second one is refused with who holds the first.
        The session host starts with it (the indicator, the customer page, presence tracking).
        """
        from adb_backend.identity import read_identity

        if priority not in PRIORITIES:
            raise UsageError(f"priority must be one of {', '.join(PRIORITIES)}, not {priority!r}")
        attrs = parse_attributes(attributes or [])
        backend = self.services.backend
        with backend_errors():
            info = backend.find(serial or self.services.settings.device or None)
        if not shared:
            self._refuse_busy(info.serial, info.adb_server)
        with backend_errors():
            identity = read_identity(backend.open(info.serial))
        now = utcnow()
        session_id = self.store.new_session_id()
        if not (shared and self._open_sessions(info.serial, info.adb_server)):
            # the session holds its device (a lab job's claim refuses it); a shared one rides on the first's
            self.services.claims.hold_for_session(info.serial, info.adb_server, session_id)
        record = SessionRecord(
            id=session_id,
            serial=info.serial,
            status=SessionStatus.IN_PROGRESS if join else SessionStatus.WAITING,
            priority=Priority(priority),
            queue=queue,
            customer=customer or identity.user_name or identity.device_name,
            computer_name=identity.device_name,
            platform=identity.platform,
            issue=issue,
            skills=tuple(skills or ()),
            attributes=attrs,
            external_key=external_key,
            ip_addresses=identity.ip_addresses,
            public_site=info.adb_server,
            technician=self.me if join else None,
            owners=(self.me,) if join else (),
            created_at=now,
            queued_at=now,
            started_at=now if join else None,
            adb_server=info.adb_server,
        )
        if shared:
            self.store.create_session(record)
        elif not self.store.create_session_if_device_free(record):
            self._refuse_busy(info.serial, info.adb_server)  # another start won the race: say who
            raise DeviceBusy(f"device {info.serial} was just taken by another session: try again")
        who = f" for {customer}" if customer else ""
        self.store.append_event(
            record.id,
            self.me,
            EventKind.SESSION_STARTED,
            f"Session started on {identity.device_name or info.serial} ({identity.platform}){who}",
            {
                "serial": info.serial,
                "model": identity.model,
                "manufacturer": identity.manufacturer,
                "android_version": identity.android_version,
                "sdk": identity.sdk,
                "queue": queue,
                "priority": priority,
                "joined": join,
                "shared": shared,
                "customer_from": "technician" if customer else ("device user" if identity.user_name else "device"),
            },
        )
        self.use(record.id)
        self.services.host.ensure(record, wait=10)
        return self.store.get_session(record.id)

    def _open_sessions(self, serial: str, adb_server: str | None) -> list[SessionRecord]:
        """Open sessions on this device (the same serial on another lab host's adb server is another one)."""
        same = self.store.list_sessions(serial=serial)
        return [r for r in same if not r.ended and (r.adb_server or None) == (adb_server or None)]

    def _refuse_busy(self, serial: str, adb_server: str | None) -> None:
        open_ = self._open_sessions(serial, adb_server)
        if not open_:
            return
        held = open_[0]
        who = held.technician or "no technician yet (waiting in the queue)"
        raise DeviceBusy(
            f"device {serial} is already in session {held.id} (held by {who}, {held.status.replace('_', ' ')}): "
            f"join it with 'bt session join {held.id}', end it, or start a shared session with --shared"
        )

    def join(self, session_id: str | None) -> SessionRecord:
        record = self.resolve(session_id)
        self._require_open(record)
        owners = tuple(dict.fromkeys((*record.owners, self.me)))
        updates: dict[str, Any] = {"owners": owners, "technician": record.technician or self.me}
        if record.status == SessionStatus.WAITING:
            updates.update(status=SessionStatus.IN_PROGRESS, started_at=utcnow())
        self.store.append_event(
            record.id, self.me, EventKind.SESSION_JOINED, f"{self.me} joined the session", {}, session_updates=updates
        )
        joined = self.use(record.id)
        self.services.host.ensure(joined, wait=10)
        return joined

    def transfer(self, session_id: str | None, to: str) -> SessionRecord:
        record = self.resolve(session_id)
        self._require_open(record)
        if not to.strip():
            raise UsageError("name the technician to transfer the session to")
        owners = tuple(dict.fromkeys((*record.owners, to)))
        self.store.append_event(
            record.id,
            self.me,
            EventKind.SESSION_TRANSFERRED,
            f"{self.me} transferred the session to {to}",
            {"from": self.me, "to": to},
            session_updates={"technician": to, "owners": owners},
        )
        return self.store.get_session(record.id)

    def end(self, session_id: str | None, *, by_customer: bool = False) -> Outcome:
        """End the session: stop its device work, tell the device user, and refuse later device actions.

        Transfers in flight are cancelled through the store (their runners stop within 0.2 s, removing
        their temporary files) and waited for, so their last event lands before "Session ended" and
        nothing lands after it. The end notice replaces the session indicator (same tag): the shell
        cannot remove a notification it posted. The session host sees the end and stops.
        """
        record = self.resolve(session_id)
        self._require_open(record)
        stopped = self._stop_device_work(record)
        told = False
        reason = None
        if not by_customer:
            try:
                from adb_backend.notify import post_notification

                post_notification(self._device(record), f"bt-session-{record.id}", END_TITLE, END_TEXT)
                told = True
            except Exception as error:  # the session still ends; the event says why the user was not told
                reason = str(error)
        actor = "customer" if by_customer else self.me
        text = "The customer ended the session" if by_customer else "Session ended"
        if not by_customer:
            text += "; the device user was notified" if told else f"; the device user could not be told ({reason})"
        event = self.store.append_event(
            record.id,
            actor,
            EventKind.SESSION_ENDED,
            text,
            {"device_notified": told, "reason": reason, "transfers_stopped": stopped},
            session_updates={"status": SessionStatus.ENDED, "ended_at": utcnow()},
            open_only=True,
        )
        self.services.claims.release_session(record.id)
        return Outcome(self.store.get_session(record.id), event)

    def _stop_device_work(self, record: SessionRecord, wait: float = 1.0) -> list[int]:
        """Cancel the session's queued and running transfers; wait (up to `wait` s) for runners to stop."""
        import time

        from bt_core.errors import UsageError as AlreadyFinished

        transfers = self.services.transfers
        active = self.store.list_transfers(record.id, ["queued", "running"])
        for transfer in active:
            try:
                transfers.cancel(transfer.id)
            except AlreadyFinished:
                continue
        deadline = time.monotonic() + wait
        ids = [t.id for t in active]
        while ids and time.monotonic() < deadline:
            if not self.store.list_transfers(record.id, ["running"]):
                break
            time.sleep(0.05)
        return ids

    def list(self, status: str | None = None) -> list[SessionRecord]:
        try:
            chosen = SessionStatus.parse(status) if status else None
        except ValueError as error:
            raise UsageError(f"status {error}") from None
        return self.store.list_sessions(chosen)

    # -- what every action goes through -------------------------------------------------------------
    def _require_open(self, record: SessionRecord) -> None:
        if record.ended:
            raise SessionEnded(f"session {record.id} has ended: device actions are no longer allowed")

    def guard(self, session_id: str | None, action: str | None = None, *, detail: str = "") -> SessionRecord:
        """The open session, after the policy check; a refusal is logged as permission.denied."""
        record = self.resolve(session_id)
        self._require_open(record)
        if action:
            self.check_policy(record, action, detail=detail)
        self.services.host.ensure(record)  # any command that finds the session's host dead restarts it
        return record

    def check_policy(self, record: SessionRecord, action: str, *, detail: str = "") -> None:
        try:
            self.services.policy.check(action)
        except PermissionDenied as error:
            self.deny(record, action, str(error), detail=detail)

    def deny(
        self,
        record: SessionRecord,
        action: str,
        message: str,
        *,
        detail: str = "",
        error: type[PermissionDenied] = PermissionDenied,
    ) -> NoReturn:
        """Log a refusal in the transcript, then raise it."""
        self.store.append_event(
            record.id, self.me, EventKind.PERMISSION_DENIED, f"Denied: {message}", {"action": action, "detail": detail}
        )
        raise error(message)

    def _device(self, record: SessionRecord) -> Device:
        from adb_backend.server import ServerAddress

        server = ServerAddress.parse(record.adb_server) if record.adb_server else None
        return self.services.backend.open(record.serial, server=server)

    def on_device(self, record: SessionRecord, work: Callable[[Device], T]) -> T:
        """Run device work; backend errors become BtErrors, and presence updates the session status."""
        from adb_backend.errors import BackendError, DeviceNotFound, DeviceOffline

        try:
            result = work(self._device(record))
        except (DeviceNotFound, DeviceOffline) as error:
            self.mark_absent(record, str(error))
            bt_error = from_backend(error)
            if isinstance(bt_error, NoDevice | Offline):
                bt_error = Offline(f"{error}; the session is now Customer Absent")
            raise bt_error from None
        except BackendError as error:
            raise from_backend(error) from None
        if record.status == SessionStatus.CUSTOMER_ABSENT:
            self.set_status(record, SessionStatus.IN_PROGRESS, "The device is back; session resumed")
        return result

    def mark_absent(self, record: SessionRecord, why: str) -> None:
        if record.status in (SessionStatus.IN_PROGRESS, SessionStatus.WAITING):
            self.set_status(record, SessionStatus.CUSTOMER_ABSENT, f"Customer absent: {why}")

    def set_status(self, record: SessionRecord, status: SessionStatus | str, text: str) -> SessionRecord:
        status = SessionStatus(status)
        self.store.append_event(
            record.id,
            "system",
            EventKind.SESSION_STATUS,
            text,
            {"from": record.status, "to": status},
            session_updates={"status": status},
            open_only=True,
        )
        return replace(record, status=status)

    def log(
        self,
        record: SessionRecord,
        kind: EventKind,
        text: str,
        data: dict[str, Any] | None = None,
        *,
        actor: str | None = None,
        session_updates: dict[str, Any] | None = None,
    ) -> Event:
        return self.store.append_event(
            record.id,
            actor or self.me,
            kind,
            text,
            data or {},
            session_updates=session_updates,
            open_only=kind not in AFTER_END_KINDS,
        )


def parse_attributes(items: list[str]) -> dict[str, str]:
    """KEY=VALUE pairs into a dict, with one-line errors for malformed ones."""
    attrs: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not _ATTR_KEY.match(key):
            raise UsageError(f"custom attribute {item!r} must look like KEY=VALUE (letters, digits, _ . -)")
        attrs[key] = value
    return attrs
