"""The same stock-adb acceptance checks with Debian's adb 29 (/usr/bin/adb), on its own server.

adb 29 predates sendrecv_v2 (no `push -n`/`-z`), so those stay with the bundled adb's tests.
"""

from __future__ import annotations

import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import AdbServerHandle, free_port
from tests.virtual_device.apkfile import build_apk

DEBIAN_ADB = Path("/usr/bin/adb")


@pytest.fixture(scope="module")
def debian_adb(adb_server: AdbServerHandle) -> Iterator[AdbServerHandle]:
    """A private adb 29 server (a different client version must never talk to the bundled server)."""
    if not DEBIAN_ADB.exists() or shutil.which(str(DEBIAN_ADB)) is None:
        pytest.skip("Debian's adb is not installed (/usr/bin/adb)")
    handle = AdbServerHandle(DEBIAN_ADB, free_port())
    handle.adb("start-server", timeout=30)
    yield handle
    handle.adb("kill-server", check=False, timeout=30)


@pytest.fixture
def device29(debian_adb: AdbServerHandle, vdevice):
    deadline = time.monotonic() + 30
    while True:
        debian_adb.adb("connect", vdevice.serial, check=False)
        devices = debian_adb.adb("devices", check=False).stdout.decode().splitlines()
        if any(line.split("\t") == [vdevice.serial, "device"] for line in devices):
            break
        assert time.monotonic() < deadline, "adb 29 never saw the device"
        time.sleep(0.3)
    yield vdevice
    debian_adb.adb("disconnect", vdevice.serial, check=False)


def test_adb29_install_root_and_shell(debian_adb: AdbServerHandle, device29, tmp_path: Path) -> None:
    serial = device29.serial

    def adb(*args: str, **kw):
        return debian_adb.adb("-s", serial, *args, **kw)

    apk = tmp_path / "old.apk"
    apk.write_bytes(build_apk("com.example.old", 29, "29"))
    assert b"Success" in adb("install", str(apk)).stdout
    assert adb("shell", "pm list packages com.example.old").stdout == b"package:com.example.old\n"
    assert adb("root", check=False).stdout == b"adbd cannot run as root in production builds\n"
    assert adb("shell", "-tt", "[ -t 0 ]", check=False).returncode == 0
    assert adb("shell", input=b"exit 17\n", check=False).returncode == 17
    r = adb("shell", "dd if=/dev/urandom of=/data/local/tmp/x bs=1m count=8")
    assert r.stderr.startswith(b"8+0 records in\n8+0 records out\n8388608 bytes (8.0 M) copied")
    r = adb("shell", "touch /data/local/tmp/m; chmod a-rwx /data/local/tmp/m; stat -c %A /data/local/tmp/m")
    assert r.stdout == b"----------\n"
    script = "nc -l -p 7009 > /data/local/tmp/got & until echo hi | nc localhost 7009 2>/dev/null; do sleep 0.2; done"
    assert adb("shell", script + "; wait; cat /data/local/tmp/got").stdout == b"hi\n"
    assert adb("shell", "trap 'echo done' EXIT; true").stdout == b"done\n"
    out = tmp_path / "report.zip"
    adb("bugreport", str(out), timeout=120)
    with zipfile.ZipFile(out) as zf:
        assert zf.read("version.txt") == b"2.0"
