"""What stock adb relies on, driven through the stock adb client against the virtual device.

Each test uses the bundled adb (the `adb_server` fixture); `debian_adb` repeats the ones a user of
Debian's adb 29 would run, when /usr/bin/adb is installed.
"""

from __future__ import annotations

import time

from tests.conftest import AdbServerHandle


def shell(server: AdbServerHandle, serial: str, *args: str, check: bool = True, **kw):
    return server.adb("-s", serial, "shell", *args, check=check, **kw)


def wait_for(predicate, timeout: float = 60, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.3)


def test_root_and_unroot_answer_like_a_user_build(adb_server: AdbServerHandle, vdevice) -> None:
    r = adb_server.adb("-s", vdevice.serial, "root", check=False)
    assert r.stdout == b"adbd cannot run as root in production builds\n"
    r = adb_server.adb("-s", vdevice.serial, "unroot", check=False)
    assert r.stdout == b"adbd not running as root\n"
    assert shell(adb_server, vdevice.serial, "id -u").stdout == b"2000\n"  # still the shell user


def test_reboot_completes_boot_only_after_adbd_is_back(adb_server: AdbServerHandle, vdevice) -> None:
    serial = vdevice.serial
    assert shell(adb_server, serial, "getprop sys.boot_completed").stdout == b"1\n"
    adb_server.adb("-s", serial, "reboot", check=False)

    def back_online() -> bool:
        adb_server.adb("connect", serial, check=False, timeout=10)
        return shell(adb_server, serial, "echo up", check=False, timeout=10).stdout == b"up\n"

    wait_for(back_online, what="adbd back after reboot")
    assert shell(adb_server, serial, "getprop sys.boot_completed").stdout == b"\n"  # still booting
    assert shell(adb_server, serial, "getprop init.svc.bootanim").stdout == b"running\n"
    wait_for(lambda: shell(adb_server, serial, "getprop sys.boot_completed").stdout == b"1\n", what="boot")
    assert shell(adb_server, serial, "getprop init.svc.bootanim").stdout == b"stopped\n"
