"""The real test stack: a private adb server (the binary bundled with adbutils) and virtual devices.

Nothing here mocks adbutils or the adb server: tests talk to a real adb server on a private port, which
talks ADB over TCP to an in-process virtual device.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from adb_backend.server import bundled_adb_path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class AdbServerHandle:
    adb_path: Path
    port: int

    def adb(self, *args: str, timeout: float = 120, check: bool = True, **kw) -> subprocess.CompletedProcess:
        """Run the stock adb client against this server."""
        return subprocess.run(
            [str(self.adb_path), "-P", str(self.port), *args],
            capture_output=True,
            timeout=timeout,
            check=check,
            **kw,
        )


def stop_warm_processes(runtime: Path) -> None:
    """End the warm bt processes (bt_cli/warm_server.py) whose sockets live under `runtime`."""
    from bt_cli.warm_server import stop_all

    stop_all(str(runtime))


@pytest.fixture(scope="session", autouse=True)
def warm_runtime() -> Iterator[Path]:
    """The suite's own folder for warm bt processes (XDG_RUNTIME_DIR, which every bt_env inherits): the
    bt commands of the tests go through the warm process as a user's do, and it ends with the suite."""
    with tempfile.TemporaryDirectory(prefix="btrt-") as runtime:
        before = os.environ.get("XDG_RUNTIME_DIR")
        os.environ["XDG_RUNTIME_DIR"] = runtime
        try:
            yield Path(runtime)
        finally:
            stop_warm_processes(Path(runtime))
            if before is None:
                os.environ.pop("XDG_RUNTIME_DIR", None)
            else:
                os.environ["XDG_RUNTIME_DIR"] = before


@pytest.fixture(scope="session")
def adb_home() -> Iterator[Path]:
    """A private HOME so ~/.android keys and the developer's adb state stay out."""
    with tempfile.TemporaryDirectory(prefix="bt-home-") as home:
        yield Path(home)


@pytest.fixture(scope="session")
def adb_server(adb_home: Path) -> Iterator[AdbServerHandle]:
    port = free_port()
    os.environ["ANDROID_ADB_SERVER_PORT"] = str(port)
    os.environ["HOME"] = str(adb_home)
    os.environ["ADB_MDNS"] = "0"
    handle = AdbServerHandle(bundled_adb_path(), port)
    handle.adb("start-server", timeout=30)
    yield handle
    handle.adb("kill-server", check=False, timeout=30)


def _connect(server: AdbServerHandle, serial: str) -> None:
    import time

    deadline = time.monotonic() + 20
    while True:
        out = server.adb("connect", serial, check=False).stdout.decode()
        if out.startswith("connected to") or out.startswith("already connected"):
            break
        if time.monotonic() > deadline:
            raise RuntimeError(f"adb connect {serial}: {out}")
        time.sleep(0.2)
    # wait until the server lists it as a device
    while time.monotonic() < deadline:
        lines = server.adb("devices", check=False).stdout.decode().splitlines()
        if any(line.split("\t") == [serial, "device"] for line in lines):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{serial} never reached state 'device'")


@pytest.fixture
def vdevice_factory(adb_server: AdbServerHandle, tmp_path: Path):
    """Start virtual devices with options; each is connected to the private adb server."""
    from virtual_device import VirtualDevice

    started = []

    def start(connect: bool = True, **options):
        options.setdefault("data_dir", tmp_path / f"vdev{len(started)}")
        device = VirtualDevice(port=free_port(), **options)
        device.start()
        started.append(device)
        if connect:
            _connect(adb_server, device.serial)
        return device

    yield start
    for device in started:
        adb_server.adb("disconnect", device.serial, check=False)
        device.stop()


@pytest.fixture
def vdevice(vdevice_factory):
    """One connected virtual device with the default profile."""
    return vdevice_factory()


#: Android versions bt's end-to-end tests run against (virtual_device.profiles): the oldest supported,
#: one with shell v2 but before Android 14's screenrecord and MediaStore rules, and the newest (a foldable).
PHONE_PROFILES = ("android-6", "android-12", "android-15")


@pytest.fixture(params=PHONE_PROFILES)
def phone(request, vdevice_factory):
    """One connected virtual device per Android version profile (the test runs once for each)."""
    return vdevice_factory(profile=request.param)


@dataclass
class BtEnv:
    env: dict[str, str]
    data_dir: Path
    config_dir: Path

    @property
    def policy_path(self) -> Path:
        return Path(self.env["BT_POLICY"])

    def run(self, *args: str, input: str | None = None, timeout: float = 120, env: dict | None = None):
        """Run the real `bt` entry point in a subprocess."""
        return subprocess.run(
            [sys.executable, "-m", "bt_cli", *args],
            capture_output=True,
            text=True,
            input=input,
            timeout=timeout,
            env={**self.env, **(env or {})},
            cwd=str(self.data_dir),
        )


@pytest.fixture
def bt_env(adb_server: AdbServerHandle, tmp_path: Path) -> BtEnv:
    data_dir = tmp_path / "bt-data"
    config_dir = tmp_path / "bt-config"
    data_dir.mkdir()
    config_dir.mkdir()
    env = dict(os.environ)
    env.update(
        BT_DATA_DIR=str(data_dir),
        BT_CONFIG_DIR=str(config_dir),
        BT_POLICY=str(config_dir / "policy.toml"),
        BT_TECHNICIAN="alice",
        ANDROID_ADB_SERVER_PORT=str(adb_server.port),
        NO_COLOR="1",
        COLUMNS="200",
        # no session host per test (a background process each); tests of the live side turn it on
        BT_SESSION_HOST="off",
    )
    env.pop("BT_DATABASE_URL", None)
    env.pop("BT_SESSION", None)
    env.pop("BT_DEVICE", None)
    return BtEnv(env, data_dir, config_dir)
