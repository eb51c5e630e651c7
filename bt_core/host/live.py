"""The session host: one background process per open session that holds its live side.

It tracks the device through the adb server's device tracking (presence within a second, no polling),
keeps the customer page served and mapped onto the device's localhost (mapped again and verified after
every reconnect), shows the session indicator, tells the customer about requests when their page is
closed, and stops when the session ends. Commands stay short-lived and talk to the store; so does this.

Threads: the tracker (blocked on `host:track-devices`), the page's aiohttp loop, and the main loop,
the only one that writes the transcript and touches the device.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import queue
import random
import signal
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

from bt_core.errors import BtError, DeviceRefusedError, SessionEnded, StoreError
from bt_core.events import EventKind
from bt_core.host.control import lock_path

if TYPE_CHECKING:
    from bt_core.customer_page.runner import PageServer
    from bt_core.models import SessionRecord
    from bt_core.services import Services

log = logging.getLogger("bt.host")

TICK = 0.25
"""How often the store is read (the end, requests); a presence change wakes the loop at once."""
HEARTBEAT = 1.0
SERVER_GIVE_UP = 60.0
"""Seconds without an adb server before the host gives up (a command restarts it later)."""
END_GRACE = 1.5
"""Seconds the page keeps serving after the end, so it can show "session ended" before the mapping goes."""
REQUEST_KINDS = ("grant.requested", "camera.requested")
INDICATOR_TEXT = "Tap to chat with your technician, answer their requests or end the session."


def indicator_tag(session_id: str) -> str:
    """One tag per session: the indicator, later replaced by the "session ended" notice."""
    return f"bt-session-{session_id}"


class SessionHost:
    def __init__(self, services: Services, session_id: str, *, device_port: int = 0, port: int = 0) -> None:
        services.is_host = True
        self.services = services
        self.store = services.store
        self.session_id = session_id
        self.requested_device_port = device_port
        self.requested_port = port
        self.pid = os.getpid()
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.presence: queue.Queue[str | None] = queue.Queue()
        self.present: bool | None = None
        self.device_state: str | None = None
        self.need_setup = False
        self.page: PageServer | None = None
        self.state: dict[str, Any] = {}
        self.last_request_seq = 0
        self.exit_reason = ""
        self._tracker: Any = None

    @property
    def technician(self) -> str:
        return self.services.settings.display_name or self.services.technician

    # -- lifecycle ---------------------------------------------------------------------------------
    def run(self) -> int:
        path = lock_path(self.session_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path, "a+")  # noqa: SIM115 - held for the host's whole life
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            log.info("another host holds session %s", self.session_id)
            return 0
        try:
            return self._run()
        finally:
            with contextlib.suppress(BtError):
                self.store.release_host(self.session_id, self.pid)
            lock.close()

    def _run(self) -> int:
        from bt_core.customer_page.runner import PageServer

        prior = self.store.get_host(self.session_id)
        old = prior["state"] if prior else {}
        self.store.claim_host(self.session_id, self.pid, socket.gethostname())
        record = self.store.get_session(self.session_id)
        if record.ended:
            return 0
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        device_port = self.requested_device_port or int(old.get("device_port") or 0) or _random_port()
        self.page = PageServer(
            self.services,
            self.session_id,
            port=self.requested_port or int(old.get("port") or 0),
            device_port=device_port,
            token=str(old.get("token") or ""),
        )
        self.page.serve()
        self.state.update(
            token=self.page.token,
            port=self.page.port,
            device_port=self.page.device_port,
            page_url=self.page.device_url,
            mapping="pending",
            explicit_port=bool(self.requested_device_port),
        )
        self.last_request_seq = self._last_seq()
        tracker = threading.Thread(target=self._track, args=(record,), name="bt-host-tracker", daemon=True)
        tracker.start()
        try:
            self._loop()
        finally:
            if self._tracker is not None:
                self._tracker.close()
            self._shutdown()
        log.info("host for %s stopped: %s", self.session_id, self.exit_reason or "asked to stop")
        return 0

    def _loop(self) -> None:
        last_beat = 0.0
        store_failed_since: float | None = None
        while not self.stop.is_set():
            self._wait_for_change(TICK)
            if self.stop.is_set():
                return
            try:
                record = self.store.get_session(self.session_id)
                store_failed_since = None
            except StoreError:
                store_failed_since = store_failed_since or time.monotonic()
                if time.monotonic() - store_failed_since > 30:
                    self.exit_reason = "the session store is gone"
                    return
                continue
            if record.ended:
                self.exit_reason = "the session ended"
                self._ended()
                return
            try:
                record = self._apply_presence(record)
                if self.present and self.need_setup:
                    self._setup(record)
                self._route_requests()
            except BtError as error:  # one bad round (store busy, device gone mid-call) must not end the host
                log.warning("%s", error)
            now = time.monotonic()
            if now - last_beat >= HEARTBEAT:
                last_beat = now
                if self._store_deleted():
                    self.exit_reason = "the session store file was deleted"
                    return
                if not self._beat():
                    self.exit_reason = "another host took the session over"
                    return

    def _wait_for_change(self, timeout: float) -> None:
        """Sleep until the tracker reports something, the host is asked to stop, or `timeout`."""
        self.wake.wait(timeout)
        self.wake.clear()

    def _stop(self, *_: object) -> None:
        self.stop.set()
        self.wake.set()

    def _store_deleted(self) -> bool:
        """True when the local SQLite store this host writes to is gone (its data dir was removed)."""
        from bt_core import locations

        return not self.services.settings.database_url and not locations.database_file().exists()

    def _beat(self) -> bool:
        assert self.page is not None
        self.state.update(
            device_present=self.present, device_state=self.device_state, page_connected=self.page.connected
        )
        try:
            return self.store.host_heartbeat(self.session_id, self.pid, self.state)
        except StoreError:
            return True

    def _ended(self) -> None:
        """Let the page show the end before the mapping goes (the end notice replaced the indicator)."""
        self.stop.wait(END_GRACE)

    def _shutdown(self) -> None:
        """Remove the device's mapping (a dead port must not linger there) and stop serving."""
        if self.page is not None:
            if self.present:
                self.page.unmap()
            self.page.close()

    # -- presence ----------------------------------------------------------------------------------
    def _track(self, record: SessionRecord) -> None:
        """Feed the device's state from `host:track-devices` into the queue; None when gone."""
        from adb_backend.errors import BackendError
        from adb_backend.server import ServerAddress
        from adb_backend.tracking import DeviceTracker

        server = ServerAddress.parse(record.adb_server) if record.adb_server else self.services.backend.servers[0]
        down_since: float | None = None
        while not self.stop.is_set():
            try:
                self.services.backend.client(server)  # starts a local server if none answers
                self._tracker = DeviceTracker(server)
                for devices in self._tracker.snapshots():
                    down_since = None
                    self.presence.put(devices.get(record.serial, ""))
                    self.wake.set()
                    if self.stop.is_set():
                        return
            except BackendError as error:
                log.warning("device tracking: %s", error)
            if self.stop.is_set():
                return
            self.presence.put("")  # no server, no device
            self.wake.set()
            down_since = down_since or time.monotonic()
            if time.monotonic() - down_since > SERVER_GIVE_UP:
                self.exit_reason = "the adb server is gone"
                self._stop()
                return
            self.stop.wait(1.0)

    def _apply_presence(self, record: SessionRecord) -> SessionRecord:
        changed = False
        while True:
            try:
                state = self.presence.get_nowait()
            except queue.Empty:
                break
            self.device_state = state or None
            present = state == "device"
            if present != self.present:
                changed = True
                if present:
                    self.need_setup = True
                self.present = present
        if not changed:
            return record
        sessions = self.services.sessions
        try:
            if self.present and record.status == "customer_absent":
                return sessions.set_status(record, "in_progress", "The device is back; session resumed")
            if not self.present and record.status in ("in_progress", "waiting"):
                why = f"the device is {self.device_state}" if self.device_state else "the device disconnected"
                self.state["mapping"] = "lost"
                return sessions.set_status(record, "customer_absent", f"Customer absent: {why}")
        except SessionEnded:
            pass
        return record

    # -- the device side: page mapping and indicator -----------------------------------------------------
    def _setup(self, record: SessionRecord) -> None:
        from bt_core.errors import NoDevice, Offline

        try:
            self._map(record)
            self._indicator(record)
        except (Offline, NoDevice):
            return  # gone again; the tracker will say when it is back
        except SessionEnded:
            return
        self.need_setup = False

    def _map(self, record: SessionRecord) -> None:
        assert self.page is not None
        attempts = 1 if self.state.get("explicit_port") else 3
        for attempt in range(attempts):
            try:
                self.page.map()
            except DeviceRefusedError as error:
                if attempt + 1 < attempts:
                    self.page.device_port = _random_port()  # that port is taken on the device: another one
                    continue
                self._map_failed(record, str(error))
                return
            break
        first = self.state.get("mapping") == "pending"
        recovered = self.state.get("mapping") == "failed"
        self.state.update(
            mapping="mapped",
            mapping_error=None,
            device_port=self.page.device_port,
            page_url=self.page.device_url,
            mapped_at=time.time(),
        )
        if first or recovered:
            self.services.sessions.log(
                record,
                EventKind.CHAT_PAGE,
                "Customer page ready on the device",
                {"port": self.page.port, "device_port": self.page.device_port, "opened": False},
                actor="system",
            )

    def _map_failed(self, record: SessionRecord, reason: str) -> None:
        was = self.state.get("mapping_error")
        self.state.update(mapping="failed", mapping_error=reason)
        if was != reason:
            self.services.sessions.log(
                record,
                EventKind.CHAT_PAGE_FAILED,
                f"The customer page could not be mapped onto the device: {reason}",
                {"device_port": self.page.device_port if self.page else None, "error": reason},
                actor="system",
            )

    def _indicator(self, record: SessionRecord) -> None:
        from adb_backend.notify import post_notification

        assert self.page is not None
        url = self.page.device_url if self.state.get("mapping") == "mapped" else None
        title = f"Support session with {self.technician}"
        sdk = _sdk(self.services, record)

        def post(device: Any) -> None:
            post_notification(device, indicator_tag(record.id), title, INDICATOR_TEXT, sdk=sdk, open_url=url)

        try:
            self.services.sessions.on_device(record, post)
        except DeviceRefusedError as error:
            was = self.state.get("indicator_error")
            self.state.update(indicator="failed", indicator_error=str(error))
            if was != str(error):
                self.services.sessions.log(
                    record,
                    EventKind.SESSION_INDICATOR_FAILED,
                    f"The session indicator could not be shown on the device: {error}",
                    {"error": str(error)},
                    actor="system",
                )
            return
        first = self.state.get("indicator") is None
        self.state.update(indicator="shown", indicator_error=None, indicator_title=title)
        if first:
            self.services.sessions.log(
                record,
                EventKind.SESSION_INDICATOR,
                f"The device shows the session indicator ({title})",
                {"tag": indicator_tag(record.id), "content_intent": bool(url)},
                actor="system",
            )

    # -- requests for the customer -------------------------------------------------------------------
    def _last_seq(self) -> int:
        events = self.store.events(self.session_id, kinds=REQUEST_KINDS)
        return events[-1].seq if events else 0

    def _route_requests(self) -> None:
        """The page shows requests itself; with no page open, a notification says where to answer."""
        from adb_backend.notify import post_notification

        assert self.page is not None
        try:
            events = self.store.events(self.session_id, after_seq=self.last_request_seq, kinds=REQUEST_KINDS)
        except StoreError:
            return
        if not events:
            return
        self.last_request_seq = events[-1].seq
        if self.page.connected or not self.present:
            return
        event = events[-1]
        level = str(event.data.get("level") or "view")
        if event.kind == "camera.requested":
            title = f"{self.technician} asks you to start your camera"
        else:
            what = "control your screen" if level == "control" else "see your screen"
            title = f"{self.technician} asks to {what}"
        url = self.page.device_url if self.state.get("mapping") == "mapped" else None
        record = self.store.get_session(self.session_id)
        try:
            self.services.sessions.on_device(
                record,
                lambda device: post_notification(
                    device, f"bt-request-{record.id}", title, "Tap to answer on your support page.", open_url=url
                ),
            )
            self.state.update(request_notice=title, request_notice_error=None)
        except BtError as error:
            self.state.update(request_notice=title, request_notice_error=str(error))


def _random_port() -> int:
    return random.randint(20000, 59999)  # noqa: S311 - not a secret, just unlikely to be taken


def _sdk(services: Services, record: SessionRecord) -> int | None:
    started = services.store.events(record.id, kinds=["session.started"], limit=1)
    sdk = started[0].data.get("sdk") if started else None
    return sdk if isinstance(sdk, int) else None
