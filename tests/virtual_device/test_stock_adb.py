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


def test_tt_gives_the_command_a_terminal(adb_server: AdbServerHandle, vdevice) -> None:
    assert shell(adb_server, vdevice.serial, "-tt", "[ -t 0 ]", check=False).returncode == 0
    assert shell(adb_server, vdevice.serial, "-tt", "[ -t 1 ] && echo tty").stdout == b"tty\r\n"
    assert shell(adb_server, vdevice.serial, "-T", "[ -t 0 ]", check=False).returncode == 1
    assert shell(adb_server, vdevice.serial, "[ -t 0 ] < /dev/null", check=False).returncode == 1


def test_interactive_shell_exit_status_and_state_across_lines(adb_server: AdbServerHandle, vdevice) -> None:
    r = shell(adb_server, vdevice.serial, input=b"cd /sdcard\npwd\nX=5\necho $X\nexit 17\necho never\n", check=False)
    assert (r.returncode, r.stdout) == (17, b"/sdcard\n5\n")
    r = shell(adb_server, vdevice.serial, "-tt", input=b"false\nexit 17\n", check=False, timeout=60)
    assert r.returncode == 17
    # the v1 protocol (-x) has no exit status, but `exit` must still end the session (a PTY: echo, prompt)
    r = shell(adb_server, vdevice.serial, "-x", input=b"echo hi\nexit 3\necho never\n", check=False, timeout=60)
    assert r.stdout == b"shiba:/ $ echo hi\r\nhi\r\nshiba:/ $ exit 3\r\n"


def test_trap_background_pid_wait_and_exec(adb_server: AdbServerHandle, vdevice) -> None:
    serial = vdevice.serial
    assert shell(adb_server, serial, "trap 'echo bye' EXIT; echo hi").stdout == b"hi\nbye\n"
    assert shell(adb_server, serial, "trap 'echo bye' EXIT; exit 4", check=False).returncode == 4
    r = shell(adb_server, serial, "trap 'echo caught; exit 9' TERM; kill $$; echo not reached", check=False)
    assert (r.returncode, r.stdout) == (9, b"caught\n")
    r = shell(adb_server, serial, "sleep 30 & p=$!; ps -A -o PID,NAME | grep -c \"^ *$p \"; kill $p; wait $p; echo $?")
    assert r.stdout == b"1\n143\n"
    assert shell(adb_server, serial, "(exit 6) & wait $!; echo $?").stdout == b"6\n"
    r = shell(adb_server, serial, "exec 2>&1; ls /nonexistent; echo after", check=False)
    assert (r.stdout, r.stderr) == (b"ls: /nonexistent: No such file or directory\nafter\n", b"")
    r = shell(adb_server, serial, "exec sh -c 'exit 5'; echo not reached", check=False)
    assert (r.returncode, r.stdout) == (5, b"")
    r = shell(adb_server, serial, "trap 'echo x' NOPE", check=False)
    assert (r.returncode, r.stderr) == (1, b"/system/bin/sh: trap: bad signal 'NOPE'\n")
    r = shell(adb_server, serial, "trap 'echo caught' TERM; kill $$; echo goes on")
    assert r.stdout == b"caught\ngoes on\n"
