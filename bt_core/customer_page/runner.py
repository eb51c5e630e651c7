"""Serve the customer page for one session: bind 127.0.0.1 only, `adb reverse` it onto the device's
localhost, open it there with a VIEW intent, and undo the mapping when stopped.

The aiohttp loop runs in a background thread so the CLI (and tests) can block, poll and stop it.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from aiohttp import web

from bt_core.customer_page import errorlog
from bt_core.customer_page.app import CustomerPageApp
from bt_core.customer_page.bridge import CustomerBridge
from bt_core.errors import BtError, UsageError

if TYPE_CHECKING:
    from bt_core.services import Services

#: Never 0.0.0.0: the page is for the device (through adb reverse) and nobody else.
BIND_HOST = "127.0.0.1"


class PageServer:
    """One session's customer page; `start()`, then `wait()` (blocks) and `stop()`."""

    def __init__(
        self, services: Services, session_id: str | None, *, port: int = 0, device_port: int | None = None
    ) -> None:
        for value in (port, device_port or 0):
            if not 0 <= value < 65536:
                raise UsageError(f"port {value} is out of range (0-65535)")
        self.services = services
        record = services.sessions.guard(session_id, "chat.send")
        self.session_id = record.id
        self.token = secrets.token_urlsafe(24)
        self._requested_port = port
        self._device_port = device_port
        self.port = 0
        self.device_port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bt-page")
        self._mapped = False
        self._stopped = threading.Event()

    @property
    def device_url(self) -> str:
        return f"http://127.0.0.1:{self.device_port}/s/{self.token}"

    # -- lifecycle ---------------------------------------------------------------------------------------
    def start(self, open_page: bool = True) -> None:
        """Serve, map the port onto the device, and (unless told not to) open the page there."""
        self._serve()
        sessions = self.services.sessions
        record = sessions.guard(self.session_id)
        remote, local = f"tcp:{self.device_port}", f"tcp:{self.port}"
        sessions.on_device(record, lambda device: device.reverse(remote, local))
        self._mapped = True
        if open_page:
            from adb_backend.intents import open_url

            sessions.on_device(record, lambda device: open_url(device, self.device_url))
        sessions.log(
            record,
            "chat.page",
            "Opened the chat page on the device" if open_page else "Chat page ready on the device",
            {"port": self.port, "device_port": self.device_port, "opened": open_page},
        )

    def _serve(self) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._bind())
            except BaseException as error:  # reported to the starting thread
                failure.append(error)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())  # type: ignore[union-attr]
            loop.close()

        self._thread = threading.Thread(target=main, name="bt-customer-page", daemon=True)
        self._thread.start()
        ready.wait(30)
        if failure:
            error = failure[0]
            if isinstance(error, OSError):
                raise UsageError(f"cannot listen on {BIND_HOST}:{self._requested_port}: {error.strerror or error}")
            raise error

    async def _bind(self) -> None:
        errorlog.install()  # a broken request is one line on stderr, not a traceback
        bridge = CustomerBridge(self.services, self.session_id)
        # Host names are filled in once the ports are known; the set is shared with the app.
        allowed: set[str] = set()
        page = CustomerPageApp(bridge, self.token, allowed, self._executor, avatar=self.services.settings.avatar)
        self._runner = web.AppRunner(page.build(), access_log=None, shutdown_timeout=2)
        await self._runner.setup()
        site = web.TCPSite(self._runner, BIND_HOST, self._requested_port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.device_port = self._device_port or self.port
        for port in {self.port, self.device_port}:
            allowed.update({f"127.0.0.1:{port}", f"localhost:{port}"})

    def wait(self, poll: float = 0.5, grace: float = 1.5) -> bool:
        """Block until stop() or the session ends; True when it ended (after a grace for the page)."""
        while not self._stopped.wait(poll):
            try:
                ended = self.services.store.get_session(self.session_id).ended
            except BtError:
                continue
            if ended:
                time.sleep(grace)  # let the page show the end before the mapping goes
                return True
        return False

    def stop(self) -> None:
        """Remove the device mapping and stop serving; safe to call twice."""
        self._stopped.set()
        if self._mapped:
            self._mapped = False
            record = self.services.store.get_session(self.session_id)
            try:
                remote = f"tcp:{self.device_port}"
                self.services.sessions.on_device(record, lambda device: device.reverse_remove(remote))
            except BtError:
                pass
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
        self._executor.shutdown(wait=False, cancel_futures=True)
