"""VirtualDevice: the ADB device side on a TCP port, served by an asyncio loop in a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from virtual_device.auth import KeyStore
from virtual_device.conditions import Conditions, Counters, Faults
from virtual_device.transport import Connection

log = logging.getLogger("virtual_device")

#: Seconds from adbd coming back after a reboot to sys.boot_completed=1 (a phone takes 15-60 s).
BOOT_SECONDS = 4.0
BOOTED_PROPS = {"sys.boot_completed": "1", "dev.bootcomplete": "1", "init.svc.bootanim": "stopped"}


class VirtualDevice:
    """A phone on `host:port` that the stock adb server can `adb connect` to.

    Several host connections and many streams at once; `start()` returns once listening, `stop()`
    closes everything and joins the thread.
    """

    def __init__(
        self,
        port: int = 0,
        host: str = "127.0.0.1",
        profile: Path | str | None = None,
        data_dir: Path | None = None,
        keep_state: bool = False,
        latency_ms: float = 0,
        bandwidth_mbps: float | None = None,
        auth: bool = False,
        auth_accept_after: float | None = 0.0,
    ) -> None:
        self.host = host
        self.port = port
        from virtual_device import profiles

        # a version profile's name ("android-9") or a profile directory
        named = profile is not None and not Path(profile).is_dir() and profiles.lookup(str(profile)) is not None
        self.profile: Path | str | None = str(profile) if named else Path(profile) if profile else None
        self._tempdir: str | None = None
        if data_dir is None:
            self._tempdir = tempfile.mkdtemp(prefix="vdevice-")
            data_dir = Path(self._tempdir)
        self.data_dir = Path(data_dir)
        self.keep_state = keep_state
        self.conditions = Conditions(latency_ms=latency_ms, bandwidth_mbps=bandwidth_mbps)
        self.auth = auth
        self.auth_accept_after = auth_accept_after
        self.counters = Counters()
        self.faults = Faults()
        self.faults._on_offline.append(self._drop_all_threadsafe)
        self._state: Any = None
        self.keystore: KeyStore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[Connection] = set()
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # ---------------------------------------------------------------- public API
    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    @property
    def serial(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def state(self) -> Any:
        return self._state

    @property
    def fs(self) -> Any:
        return self._state.fs

    @property
    def stream_count(self) -> int:
        """Streams open right now over every host connection (tests check that closed streams are gone)."""
        return sum(len(conn.streams) for conn in list(self._connections) if not conn.closed)

    def start(self) -> VirtualDevice:
        from virtual_device.device import DeviceState

        self._state = DeviceState.create(self.data_dir, self.profile, keep_state=self.keep_state)
        self._state.reboot_hook = lambda: self.reboot(3.0)
        self.keystore = KeyStore(self.data_dir / "adb_keys")
        self._thread = threading.Thread(target=self._run, name=f"vdevice-{self.port}", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        loop = self._loop
        if loop is not None and loop.is_running():
            fut = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            with contextlib.suppress(Exception):
                fut.result(10)
            loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._thread = None
        if self._state is not None:
            with contextlib.suppress(OSError):
                self._state.fs.flush_meta()
        if self._tempdir:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None

    def __enter__(self) -> VirtualDevice:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def banner_features(self, offered: str) -> str:
        """The features this Android version's adbd advertises, out of those the transport implements."""
        return ",".join(self._state.version.features(offered))

    def banner_props(self) -> dict[str, str]:
        props = self._state.banner_props()
        # the host splits the banner on : ; = and , so values must not carry them
        return {k: "".join(c for c in v if c not in ":;=,") for k, v in props.items()}

    def make_shell(self) -> Any:
        from virtual_device.shell import Shell

        return Shell(self._state)

    def shell_prompt(self) -> str:
        return f"{self._state.props.get('ro.product.device', 'localhost')}:/ $ "

    def reboot(self, seconds: float = 3.0, boot_seconds: float = BOOT_SECONDS) -> None:
        """Drop every connection, refuse new ones for `seconds`, and reset processes/screen.

        As on a phone, adbd is back before Android is: `sys.boot_completed` stays empty (and the
        boot animation runs) for `boot_seconds` after the device comes back online.
        """
        self.faults.offline(seconds)
        with contextlib.suppress(Exception):
            self._state.reboot()
            for key in BOOTED_PROPS:  # unset until init sets them, as getprop shows during boot
                self._state.props.pop(key, None)
            self._state.props["init.svc.bootanim"] = "running"
        loop = self._loop
        if loop is not None and loop.is_running():
            loop.call_soon_threadsafe(loop.call_later, seconds + boot_seconds, self._boot_completed)

    def _boot_completed(self) -> None:
        if self._state is not None:
            self._state.props.update(BOOTED_PROPS)

    # ---------------------------------------------------------------- loop thread
    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            self._server = loop.run_until_complete(
                asyncio.start_server(self._accept, self.host, self.port, limit=4 * 1024 * 1024)
            )
            self.port = self._server.sockets[0].getsockname()[1]
            from virtual_device.loopback import loopback_of
            from virtual_device.services.reverse import loopback_host

            loopback_of(self._state).address = loopback_host(self.port)  # the device's own 127.0.0.1
        except BaseException as exc:  # report bind errors to start()
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            with contextlib.suppress(Exception):
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for t in pending:
                    t.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.faults.is_offline:
            writer.transport.abort()
            return
        sock = writer.get_extra_info("socket")
        if sock is not None:
            import socket

            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = Connection(self, reader, writer)
        self._connections.add(conn)
        await conn.run()

    def _drop_all_threadsafe(self) -> None:
        loop = self._loop
        if loop is None or not loop.is_running():
            return
        loop.call_soon_threadsafe(self._drop_all)

    def _drop_all(self) -> None:
        for conn in list(self._connections):
            conn.abort()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for conn in list(self._connections):
            conn.abort()
            await conn.shutdown()
