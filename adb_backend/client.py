"""Device discovery across one or more adb servers, and opening a device by serial.

bt chooses devices itself (with its own errors) instead of leaning on adbutils' implicit choice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from adb_backend.device import Device
from adb_backend.errors import (
    AdbServerUnreachable,
    BackendError,
    DeviceNotFound,
    DeviceOffline,
    DeviceUnauthorized,
    MultipleDevices,
    translate,
)
from adb_backend.host import HostClient
from adb_backend.server import ServerAddress, default_server_address, ensure_server, resolve_adb_path
from adb_backend.types import DeviceInfo

DEFAULT_SOCKET_TIMEOUT = 20.0
_TCP_SERIAL = re.compile(r"^[\w.\-\[\]:]+:\d+$")


def transport_of(serial: str) -> str:
    """'tcp' for HOST:PORT serials, 'emulator' for emulator-N, else 'usb'."""
    if serial.startswith("emulator-"):
        return "emulator"
    if _TCP_SERIAL.match(serial) or serial.startswith("adb-") and "._adb-tls" in serial:
        return "tcp"
    return "usb"


class AdbBackend:
    """The entry point to devices: one or more adb servers (the local one by default)."""

    def __init__(
        self,
        servers: Iterable[ServerAddress] | None = None,
        *,
        adb_path: Path | None = None,
        socket_timeout: float = DEFAULT_SOCKET_TIMEOUT,
    ) -> None:
        self.servers = list(servers or [default_server_address()])
        # Only the default local server is started on demand; one bt is pointed at must already run.
        self._startable = set() if servers else {self.servers[0]}
        self._adb_path = adb_path
        self.socket_timeout = socket_timeout
        self._clients: dict[ServerAddress, HostClient] = {}
        self._devices: dict[tuple[ServerAddress, str], Device] = {}

    # -- servers -----------------------------------------------------------------------------------
    @property
    def adb_path(self) -> Path:
        if self._adb_path is None:
            self._adb_path = resolve_adb_path()
        return self._adb_path

    def client(self, server: ServerAddress) -> HostClient:
        """A host-protocol client for the server (adb_backend/host.py: no adbutils import on the hot
        paths). A local server is started when the first connection finds none (no probe before)."""
        if server not in self._clients:
            self._clients[server] = HostClient(
                server.host, server.port, socket_timeout=self.socket_timeout, start=lambda: self._start(server)
            )
        return self._clients[server]

    def _start(self, server: ServerAddress) -> None:
        """Start the default local server; one bt is pointed at must already run."""
        if server not in self._startable:
            raise AdbServerUnreachable(
                f"no adb server answers at {server}; bt never starts a server it is pointed at:"
                " start it there (adb -P PORT start-server) or check --adb-server"
            )
        import subprocess  # its errors are ensure_server's (which imports it only to start a server)

        try:
            ensure_server(server, self.adb_path if server.local else None)
        except FileNotFoundError as error:
            raise AdbServerUnreachable(f"cannot start the adb server: {error}") from None
        except (OSError, subprocess.SubprocessError) as error:
            raise AdbServerUnreachable(
                f"adb server at {server} is unreachable ({error}); start it or check --adb-server"
            ) from None

    # -- discovery ---------------------------------------------------------------------------------
    def devices(self, *, details: bool = True) -> list[DeviceInfo]:
        """Every device on every server, with model and Android version for those online."""
        found: list[DeviceInfo] = []
        for server in self.servers:
            client = self.client(server)
            try:
                infos = client.list(extended=True)
            except BackendError:
                raise
            except Exception as error:  # bare socket errors too
                raise AdbServerUnreachable(f"adb server at {server} did not answer: {error}") from None
            for info in infos:
                tags = dict(info.tags or {})
                found.append(
                    DeviceInfo(
                        serial=info.serial,
                        state=info.state,
                        model=tags.get("model"),
                        product=tags.get("product"),
                        device=tags.get("device"),
                        transport=transport_of(info.serial),
                        transport_id=int(tags["transport_id"]) if tags.get("transport_id") else None,
                        adb_server=str(server),
                    )
                )
        if details:
            found = self._with_versions(found)
        return found

    def _with_versions(self, infos: list[DeviceInfo]) -> list[DeviceInfo]:
        """Ask each online device for its Android version (one round trip each, in parallel)."""
        from dataclasses import replace

        def fill(info: DeviceInfo) -> DeviceInfo:
            if info.state != "device":
                return info
            try:
                device = self.open(info.serial, server=ServerAddress.parse(info.adb_server))
                result = device.shell("getprop ro.build.version.release; getprop ro.build.version.sdk", timeout=10)
                release, _, sdk = result.stdout.strip().partition("\n")
                return replace(
                    info,
                    android_version=release.strip() or None,
                    sdk=int(sdk.strip()) if sdk.strip().isdigit() else None,
                )
            except BackendError:
                return info

        if len(infos) <= 1:
            return [fill(i) for i in infos]
        from concurrent.futures import ThreadPoolExecutor  # only when several devices are described

        with ThreadPoolExecutor(max_workers=min(8, len(infos))) as pool:
            return list(pool.map(fill, infos))

    def find(self, serial: str | None) -> DeviceInfo:
        """Choose one device: the named one, else the only one; clear errors otherwise."""
        infos = self.devices(details=False)
        if serial:
            matches = [i for i in infos if i.serial == serial]
            if not matches:
                seen = ", ".join(i.serial for i in infos) or "none"
                raise DeviceNotFound(f"device {serial} not found (attached: {seen})", serial=serial)
            info = matches[0]
        else:
            if not infos:
                raise DeviceNotFound("no device attached: plug one in, 'bt connect HOST:PORT', or 'bt virtual-device'")
            if len(infos) > 1:
                serials = [i.serial for i in infos]
                raise MultipleDevices(
                    f"{len(infos)} devices attached ({', '.join(serials)}): choose one with --device SERIAL",
                    serials,
                )
            info = infos[0]
        check_state(info)
        return info

    def open(self, serial: str, *, server: ServerAddress | None = None) -> Device:
        """The Device handle for a serial on a given (or the first) server; no round trip yet.

        One handle per device and backend, so what it learns once (its features) is asked once per
        process, whichever area opens it.
        """
        server = server or self._server_of(serial)
        key = (server, serial)
        if key not in self._devices:
            self._devices[key] = Device(self.client(server), serial, server=str(server))
        return self._devices[key]

    def _server_of(self, serial: str) -> ServerAddress:
        if len(self.servers) == 1:
            return self.servers[0]
        for info in self.devices(details=False):
            if info.serial == serial:
                return ServerAddress.parse(info.adb_server)
        return self.servers[0]

    # -- tcp devices -------------------------------------------------------------------------------
    def connect(self, address: str, *, timeout: float = 15.0) -> str:
        """`adb connect`: returns the server's own words; raises DeviceRefused/Offline on failure."""
        client = self.client(self.servers[0])
        try:
            text = str(client.connect(address, timeout=timeout))
        except Exception as error:
            raise translate(error, address) from None
        if text.startswith(("connected to", "already connected to")):
            return text
        if "authenticate" in text:
            raise DeviceUnauthorized(
                f"{address} is unauthorized: accept the USB debugging prompt on the device", serial=address
            )
        raise DeviceOffline(f"cannot connect to {address}: {text}", serial=address)

    def disconnect(self, address: str) -> str:
        client = self.client(self.servers[0])
        try:
            return str(client.disconnect(address, raise_error=True))
        except Exception as error:
            raise DeviceNotFound(f"{address} is not connected ({error})", serial=address) from None


def check_state(info: DeviceInfo) -> None:
    """Raise the error that matches a device's state, unless it is ready."""
    if info.state == "device":
        return
    if info.state == "unauthorized":
        raise DeviceUnauthorized(
            f"{info.serial} is unauthorized: accept the USB debugging prompt on the device", serial=info.serial
        )
    if info.state in ("offline", "connecting", "authorizing"):
        raise DeviceOffline(
            f"{info.serial} is {info.state}: check the cable or network and that it is awake", serial=info.serial
        )
    raise DeviceOffline(f"{info.serial} is in state {info.state!r}, not ready for a session", serial=info.serial)
