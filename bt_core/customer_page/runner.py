"""Serve the customer page for one session: bind 127.0.0.1 only, map it onto the device's localhost with
a verified `adb reverse`, and undo the mapping when stopped.

The session host owns one PageServer for the session's lifetime and maps it again after every
reconnect (adbd forgets reverse mappings when the connection drops). The aiohttp loop runs in a
background thread so the host's own loop can block, poll and stop it.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from aiohttp import web

from bt_core.customer_page import errorlog
from bt_core.customer_page.app import CustomerPageApp
from bt_core.customer_page.bridge import CustomerBridge
from bt_core.errors import UsageError

if TYPE_CHECKING:
    from bt_core.services import Services

#: Never 0.0.0.0: the page is for the device (through adb reverse) and nobody else.
BIND_HOST = "127.0.0.1"


class PageServer:
    """One session's customer page: `serve()`, then `map()` (again after each reconnect), `close()`."""

    def __init__(
        self, services: Services, session_id: str, *, port: int = 0, device_port: int = 0, token: str = ""
    ) -> None:
        for value in (port, device_port):
            if not 0 <= value < 65536:
                raise UsageError(f"port {value} is out of range (0-65535)")
        self.services = services
        self.session_id = session_id
        self.token = token or secrets.token_urlsafe(24)
        self._requested_port = port
        self.port = 0
        self.device_port = device_port
        self.bridge = CustomerBridge(services, session_id)
        self._allowed: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bt-page")

    @property
    def device_url(self) -> str:
        return f"http://127.0.0.1:{self.device_port}/s/{self.token}"

    @property
    def connected(self) -> int:
        """How many pages are open on the device right now (WebSockets)."""
        return self.bridge.connected

    # -- serving -----------------------------------------------------------------------------------------
    def serve(self) -> None:
        """Listen on 127.0.0.1 (the requested port, else any free one)."""
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
        page = CustomerPageApp(
            self.bridge, self.token, self._allowed, self._executor, avatar=self.services.settings.avatar
        )
        self._runner = web.AppRunner(page.build(), access_log=None, shutdown_timeout=2)
        await self._runner.setup()
        try:
            site = web.TCPSite(self._runner, BIND_HOST, self._requested_port)
            await site.start()
        except OSError:
            if not self._requested_port:
                raise
            site = web.TCPSite(self._runner, BIND_HOST, 0)  # a restarted host's old port may be taken
            await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.device_port = self.device_port or self.port
        self._allow(self.port)
        self._allow(self.device_port)

    def _allow(self, port: int) -> None:
        self._allowed.update({f"127.0.0.1:{port}", f"localhost:{port}"})

    # -- the device side ---------------------------------------------------------------------------------
    def map(self, device_port: int | None = None) -> None:
        """`adb reverse` the device's localhost port onto the page, verified by adbd's bind status.

        Raises:
            DeviceRefusedError: the device could not listen on the port (its reason).
            Offline: the device is not there.
        """
        if device_port:
            self.device_port = device_port
            self._allow(device_port)
        sessions = self.services.sessions
        record = self.services.store.get_session(self.session_id)
        remote, local = f"tcp:{self.device_port}", f"tcp:{self.port}"
        sessions.on_device(record, lambda device: device.reverse(remote, local))

    def unmap(self) -> None:
        from adb_backend.errors import BackendError
        from adb_backend.server import ServerAddress

        record = self.services.store.get_session(self.session_id)
        server = ServerAddress.parse(record.adb_server) if record.adb_server else None
        try:
            device = self.services.backend.open(record.serial, server=server)
            device.reverse_remove(f"tcp:{self.device_port}")
        except BackendError:
            pass

    def close(self) -> None:
        """Stop serving; safe to call twice."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            self.bridge.stopping = True
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
        self._executor.shutdown(wait=False, cancel_futures=True)
