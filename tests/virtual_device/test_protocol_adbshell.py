"""The `adb-shell` PyPI package (an independent host implementation) talks to the device directly."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from adb_shell.adb_device import AdbDeviceTcp
from adb_shell.auth.keygen import keygen
from adb_shell.auth.sign_pythonrsa import PythonRSASigner


def test_adb_shell_package_shell_and_sync(vdevice_factory, tmp_path: Path) -> None:
    device = vdevice_factory(connect=False)
    host, port = device.address
    client = AdbDeviceTcp(host, port, default_transport_timeout_s=10)
    assert client.connect(rsa_keys=None, auth_timeout_s=5)
    try:
        assert client.shell("getprop ro.product.model").strip() == "Pixel 8"
        assert client.shell("echo one; echo two") == "one\ntwo\n"
        src = tmp_path / "src.bin"
        src.write_bytes(os.urandom(300_000))
        client.push(str(src), "/sdcard/Download/src.bin")
        dst = tmp_path / "dst.bin"
        client.pull("/sdcard/Download/src.bin", str(dst))
        assert hashlib.sha256(dst.read_bytes()).digest() == hashlib.sha256(src.read_bytes()).digest()
        names = {bytes(entry.filename) for entry in client.list("/sdcard/Download")}
        assert b"src.bin" in names
        mode, size, _mtime = client.stat("/sdcard/Download/src.bin")
        assert size == 300_000
    finally:
        client.close()


def test_adb_shell_package_with_auth(vdevice_factory, tmp_path: Path) -> None:
    device = vdevice_factory(connect=False, auth=True, auth_accept_after=0.2)
    keygen(str(tmp_path / "adbkey"))
    signer = PythonRSASigner.FromRSAKeyPath(str(tmp_path / "adbkey"))
    client = AdbDeviceTcp(*device.address, default_transport_timeout_s=10)
    assert client.connect(rsa_keys=[signer], auth_timeout_s=10)
    assert client.shell("echo authed") == "authed\n"
    client.close()
    # second time the key is known: accepted by signature alone
    client = AdbDeviceTcp(*device.address, default_transport_timeout_s=10)
    assert client.connect(rsa_keys=[signer], auth_timeout_s=1)
    client.close()
