"""Finding the adb binary and making sure its server runs on the port we chose.

adbutils prefers any `adb` on PATH and starts servers without a port argument, so bt resolves the binary
and the port itself (STYLE.md, adbutils facts) and starts the server explicitly before the first call.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from adb_backend.host import open_tcp

DEFAULT_PORT = 5037


@dataclass(frozen=True)
class ServerAddress:
    """Where an adb server listens; `local` servers may be started by bt on demand."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT

    @property
    def local(self) -> bool:
        return self.host in ("127.0.0.1", "localhost", "::1")

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    @classmethod
    def parse(cls, text: str) -> ServerAddress:
        """Parse `HOST:PORT`, `HOST` or `:PORT`; raises ValueError with a readable message."""
        host, sep, port_text = text.strip().rpartition(":")
        if not sep:
            host, port_text = text.strip(), str(DEFAULT_PORT)
        host = host.strip("[]") or "127.0.0.1"
        try:
            port = int(port_text)
        except ValueError:
            raise ValueError(f"not a HOST:PORT adb server address: {text!r}") from None
        if not 0 < port < 65536:
            raise ValueError(f"port out of range in adb server address: {text!r}")
        return cls(host, port)


def bundled_adb_path() -> Path:
    """The adb binary shipped inside the adbutils wheel (found without importing adbutils, which pulls
    in requests and Pillow)."""
    from importlib.util import find_spec

    spec = find_spec("adbutils")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("adbutils is not installed, so there is no bundled adb: set BT_ADB")
    return Path(spec.origin).parent / "binaries" / "adb"


def resolve_adb_path(explicit: str | None = None) -> Path:
    """The adb binary to use: an explicit path or `BT_ADB`, else the bundled one.

    A bare name (`adb`) is looked up on PATH; a missing binary raises FileNotFoundError.
    """
    choice = explicit or os.environ.get("BT_ADB")
    if not choice:
        return bundled_adb_path()
    if os.sep not in choice:
        import shutil

        found = shutil.which(choice)
        if not found:
            raise FileNotFoundError(f"adb binary {choice!r} not found on PATH")
        return Path(found)
    path = Path(choice).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"adb binary {str(path)!r} does not exist")
    return path


def default_server_address() -> ServerAddress:
    """The server named by ANDROID_ADB_SERVER_PORT/HOST, else 127.0.0.1:5037."""
    host = os.environ.get("ANDROID_ADB_SERVER_HOST") or "127.0.0.1"
    port_text = os.environ.get("ANDROID_ADB_SERVER_PORT") or str(DEFAULT_PORT)
    if not (port_text.isascii() and port_text.isdigit() and 0 < int(port_text) < 65536):
        raise ValueError(f"ANDROID_ADB_SERVER_PORT={port_text!r} is not a port number (1-65535)")
    return ServerAddress(host, int(port_text))


def server_is_up(address: ServerAddress, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections at the address."""
    try:
        with open_tcp(address.host, address.port, timeout):
            return True
    except OSError:
        return False


def ensure_server(address: ServerAddress, adb_path: Path | None = None, timeout: float = 20.0) -> None:
    """Start the adb server on `address.port` unless one answers there already.

    Only local servers are started; a lab host's server must already be running. Raises OSError or
    subprocess errors, which `adb_backend.client` maps to AdbServerUnreachable.
    """
    if server_is_up(address):
        return
    if not address.local:
        raise ConnectionRefusedError(f"no adb server answers at {address}")
    binary = adb_path or resolve_adb_path()
    import subprocess  # only when a local server must be started

    env = dict(os.environ, ANDROID_ADB_SERVER_PORT=str(address.port))
    subprocess.run(
        [str(binary), "-P", str(address.port), "start-server"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=timeout,
        check=True,
    )
