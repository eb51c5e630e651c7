"""App install as stock adb does it: `adb install` streams into abb_exec (or exec:cmd), `pm install` reads a file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import AdbServerHandle
from tests.virtual_device.apkfile import build_apk
from virtual_device.apk import ApkError, read_apk


def shell(server: AdbServerHandle, serial: str, *args: str, check: bool = True):
    return server.adb("-s", serial, "shell", *args, check=check)


def test_manifest_is_read_from_binary_xml() -> None:
    info = read_apk(build_apk("org.demo.app", 42, "4.2"))
    assert (info.package, info.version_code, info.version_name) == ("org.demo.app", 42, "4.2")
    with pytest.raises(ApkError):
        read_apk(b"PK\x05\x06" + bytes(18))


def test_adb_install_streams_an_apk_into_the_package_manager(
    adb_server: AdbServerHandle, vdevice, tmp_path: Path
) -> None:
    apk = tmp_path / "hello.apk"
    apk.write_bytes(build_apk("com.example.hello", 7, "1.7"))
    r = adb_server.adb("-s", vdevice.serial, "install", str(apk))
    assert b"Success" in r.stdout
    assert vdevice.counters.services["abb_exec"] >= 1  # the bundled adb streams into abb_exec
    out = shell(adb_server, vdevice.serial, "pm list packages --show-versioncode com.example.hello").stdout
    assert out == b"package:com.example.hello versionCode:7\n"
    path = shell(adb_server, vdevice.serial, "pm path com.example.hello").stdout.decode()
    assert path.startswith("package:/data/app/~~") and path.endswith("/base.apk\n")
    assert vdevice.fs.as_root().read_bytes(path[len("package:") : -1]) == apk.read_bytes()
    # an older version is refused, as PackageManager refuses downgrades
    apk.write_bytes(build_apk("com.example.hello", 3, "0.3"))
    r = adb_server.adb("-s", vdevice.serial, "install", str(apk), check=False)
    assert r.returncode == 1
    assert b"INSTALL_FAILED_VERSION_DOWNGRADE" in r.stderr


def test_pm_install_from_a_pushed_file_and_a_broken_apk(adb_server: AdbServerHandle, vdevice, tmp_path: Path) -> None:
    apk = tmp_path / "two.apk"
    apk.write_bytes(build_apk("com.example.two", 2, "2.0"))
    adb_server.adb("-s", vdevice.serial, "push", str(apk), "/data/local/tmp/two.apk")
    assert shell(adb_server, vdevice.serial, "pm install /data/local/tmp/two.apk").stdout == b"Success\n"
    assert shell(adb_server, vdevice.serial, "pm list packages com.example.two").stdout == b"package:com.example.two\n"
    shell(adb_server, vdevice.serial, "echo not-a-zip > /data/local/tmp/bad.apk")
    r = shell(adb_server, vdevice.serial, "pm install /data/local/tmp/bad.apk", check=False)
    assert r.returncode == 1 and r.stdout.startswith(b"Failure [INSTALL_PARSE_FAILED_NOT_APK")
    f = "/data/local/tmp/two.apk"
    r = shell(adb_server, vdevice.serial, f"cat {f} | pm install -S $(stat -c %s {f})")
    assert r.stdout == b"Success\n"
