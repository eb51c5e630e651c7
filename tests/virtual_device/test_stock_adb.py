"""What stock adb relies on, driven through the stock adb client against the virtual device.

Each test uses the bundled adb (the `adb_server` fixture); `debian_adb` repeats the ones a user of
Debian's adb 29 would run, when /usr/bin/adb is installed.
"""

from __future__ import annotations

import contextlib
import re
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
    r = shell(adb_server, serial, 'sleep 30 & p=$!; ps -A -o PID,NAME | grep -c "^ *$p "; kill $p; wait $p; echo $?')
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


def test_dd_from_urandom_with_toybox_summary(adb_server: AdbServerHandle, vdevice) -> None:
    serial = vdevice.serial
    r = shell(adb_server, serial, "dd if=/dev/urandom of=/data/local/tmp/x bs=1m count=8")
    lines = r.stderr.decode().splitlines()
    assert lines[:2] == ["8+0 records in", "8+0 records out"]
    assert re.fullmatch(r"8388608 bytes \(8\.0 M\) copied, \d+\.\d{3} s, [\d.]+ [BKMG]/s", lines[2])
    assert shell(adb_server, serial, "stat -c %s /data/local/tmp/x").stdout == b"8388608\n"
    assert len(set(vdevice.fs.read_bytes("/data/local/tmp/x")[:4096])) > 200  # random, not zeros
    r = shell(adb_server, serial, "echo hello | dd bs=2 skip=1 count=2 status=noxfer")
    assert (r.stdout, r.stderr) == (b"llo\n", b"2+0 records in\n2+0 records out\n")
    r = shell(adb_server, serial, "dd if=/dev/zero bs=1k count=3 | wc -c")
    assert r.stdout == b"3072\n"
    r = shell(adb_server, serial, "dd if=/dev/zero bs=1x count=1", check=False)
    assert (r.returncode, r.stderr) == (1, b"dd: invalid number '1x'\n")


def test_toybox_multiplexer_and_system_bin(adb_server: AdbServerHandle, vdevice) -> None:
    serial = vdevice.serial
    assert shell(adb_server, serial, "toybox --version").stdout == b"toybox 0.8.9-android\n"
    assert shell(adb_server, serial, "toybox seq 2").stdout == b"1\n2\n"
    listed = shell(adb_server, serial, "toybox").stdout.decode().split()
    assert {"ls", "dd", "nc", "grep", "chmod"} <= set(listed) and "am" not in listed
    r = shell(adb_server, serial, "toybox nosuch", check=False)
    assert (r.returncode, r.stderr) == (127, b'toybox: Unknown command nosuch (see "toybox --help")\n')
    assert shell(adb_server, serial, "readlink /system/bin/ls /system/bin/getprop").stdout == b"toybox\ntoolbox\n"
    r = shell(adb_server, serial, "ls -l /system/bin/dd /system/bin/am")
    assert re.search(rb"^lrwxrwxrwx .* /system/bin/dd -> toybox$", r.stdout, re.M)
    assert re.search(rb"^-rwxr-xr-x .* /system/bin/am$", r.stdout, re.M)
    assert shell(adb_server, serial, "/system/bin/ls -d /sdcard").stdout == b"/sdcard\n"
    names = set(shell(adb_server, serial, "ls /system/bin").stdout.decode().split())
    assert {"sh", "toybox", "toolbox", "ls", "cat", "dd", "nc", "am", "pm", "cmd", "getprop", "logcat"} <= names


def test_nc_on_the_device_loopback(adb_server: AdbServerHandle, vdevice) -> None:
    serial = vdevice.serial
    script = "nc -l -p 7001 > /data/local/tmp/got & until echo ping | nc 127.0.0.1 7001 2>/dev/null; do sleep 0.2; done"
    assert shell(adb_server, serial, script + "; wait $!; echo $?").stdout == b"0\n"
    assert shell(adb_server, serial, "cat /data/local/tmp/got").stdout == b"ping\n"
    r = shell(adb_server, serial, "echo x | nc 127.0.0.1 7002", check=False)
    assert (r.returncode, r.stderr) == (1, b"nc: connect: Connection refused\n")


def test_adb_forward_reaches_nc_listening_on_the_device(adb_server: AdbServerHandle, vdevice) -> None:
    import socket
    import subprocess

    from tests.conftest import free_port

    serial = vdevice.serial
    adb = [str(adb_server.adb_path), "-P", str(adb_server.port), "-s", serial, "shell", "nc -l -p 7003"]
    listener = subprocess.Popen(adb, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert listener.stdin is not None
        listener.stdin.write(b"from-device\n")  # stdin stays open: nc keeps its side of the connection
        listener.stdin.flush()
        port = free_port()
        adb_server.adb("-s", serial, "forward", f"tcp:{port}", "tcp:7003")
        got = b""
        deadline = time.monotonic() + 30
        while not got and time.monotonic() < deadline:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                with contextlib.suppress(OSError):
                    got = sock.recv(100)  # refused (closed at once) until nc listens
                if got:
                    sock.sendall(b"from-host\n")
                    time.sleep(0.5)
            if not got:
                time.sleep(0.3)
        assert got == b"from-device\n"
        assert listener.communicate(timeout=30)[0] == b"from-host\n"
    finally:
        listener.kill()
        adb_server.adb("-s", serial, "forward", "--remove-all", check=False)


def test_symbolic_chmod_through_adb(adb_server: AdbServerHandle, vdevice) -> None:
    serial = vdevice.serial
    shell(adb_server, serial, "touch /data/local/tmp/m; chmod a-rwx /data/local/tmp/m")
    assert shell(adb_server, serial, "ls -l /data/local/tmp/m").stdout.startswith(b"---------- ")
    shell(adb_server, serial, "chmod u+x,go=r /data/local/tmp/m")
    assert shell(adb_server, serial, "stat -c %A /data/local/tmp/m").stdout == b"---xr--r--\n"


def test_push_dry_run_and_compressed_transfers(adb_server: AdbServerHandle, vdevice, tmp_path) -> None:
    import os

    serial = vdevice.serial
    src = tmp_path / "data.bin"
    payload = os.urandom(300_000) + b"compressible " * 50_000
    src.write_bytes(payload)
    r = adb_server.adb("-s", serial, "push", "-n", str(src), "/data/local/tmp/dry.bin")
    assert b"1 file pushed" in r.stdout + r.stderr
    assert not vdevice.fs.exists("/data/local/tmp/dry.bin")  # dry run: nothing written
    for algo in ("brotli", "lz4", "zstd"):
        target = f"/data/local/tmp/{algo}.bin"
        adb_server.adb("-s", serial, "push", "-z", algo, str(src), target)
        assert vdevice.fs.read_bytes(target) == payload
        back = tmp_path / f"back-{algo}.bin"
        adb_server.adb("-s", serial, "pull", "-z", algo, target, str(back))
        assert back.read_bytes() == payload
    assert vdevice.counters.services["sync"] >= 7


def test_adb_bugreport_writes_a_zip_with_progress(adb_server: AdbServerHandle, vdevice, tmp_path) -> None:
    import zipfile

    serial = vdevice.serial
    assert shell(adb_server, serial, "bugreportz -v").stderr == b"1.2\n"
    r = shell(adb_server, serial, "bugreportz -p")
    lines = r.stdout.decode().splitlines()
    assert lines[0].startswith("BEGIN:/bugreports/bugreport-shiba-") and lines[-1] == "OK:" + lines[0][6:]
    progress = [line for line in lines if line.startswith("PROGRESS:")]
    assert len(progress) > 2 and progress[-1] == "PROGRESS:100/100"
    out = tmp_path / "out.zip"
    r = adb_server.adb("-s", serial, "bugreport", str(out), timeout=120)
    with zipfile.ZipFile(out) as zf:
        main = zf.read("main_entry.txt").decode()
        report = zf.read(main).decode()
    assert main.startswith("bugreport-shiba-") and main.endswith(".txt")
    assert "== dumpstate:" in report and "[ro.product.model]: [Pixel 8]" in report
