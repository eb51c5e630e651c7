"""RSA authentication (ro.adb.secure=1): unauthorized until the simulated user accepts the host key."""

from __future__ import annotations

import time

from tests.conftest import AdbServerHandle


def _state(adb_server: AdbServerHandle, serial: str) -> str:
    for line in adb_server.adb("devices").stdout.decode().splitlines():
        if line.startswith(serial + "\t"):
            return line.split("\t")[1]
    return ""


def _wait_state(adb_server: AdbServerHandle, serial: str, want: str, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if _state(adb_server, serial) == want:
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"{serial} never became {want}; last {_state(adb_server, serial)!r}")


def test_unauthorized_then_device_after_acceptance(adb_server: AdbServerHandle, vdevice_factory) -> None:
    device = vdevice_factory(connect=False, auth=True, auth_accept_after=2.0)
    out = adb_server.adb("connect", device.serial, check=False).stdout.decode()
    assert "authenticate" in out or "connected" in out
    _wait_state(adb_server, device.serial, "unauthorized", 5)
    r = adb_server.adb("-s", device.serial, "shell", "echo hi", check=False)
    assert r.returncode != 0 and b"unauthorized" in r.stderr
    _wait_state(adb_server, device.serial, "device", 10)
    assert adb_server.adb("-s", device.serial, "shell", "echo hi").stdout == b"hi\n"
    assert (device.data_dir / "adb_keys").read_text().count("\n") == 1
    adb_server.adb("disconnect", device.serial, check=False)
    # the accepted key persists: a reconnect is authorized at once by signature
    adb_server.adb("connect", device.serial)
    _wait_state(adb_server, device.serial, "device", 5)


def test_never_accepting_stays_unauthorized(adb_server: AdbServerHandle, vdevice_factory) -> None:
    device = vdevice_factory(connect=False, auth=True, auth_accept_after=None)
    adb_server.adb("connect", device.serial, check=False)
    _wait_state(adb_server, device.serial, "unauthorized", 5)
    time.sleep(1.0)
    assert _state(adb_server, device.serial) == "unauthorized"
    adb_server.adb("disconnect", device.serial, check=False)
