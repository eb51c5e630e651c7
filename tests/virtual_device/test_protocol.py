"""The virtual device through the stock adb binaries: what a user of `adb` sees."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import AdbServerHandle, free_port
from virtual_device.services.reverse import loopback_host


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_devices_lists_the_model_and_shell_works(adb_server: AdbServerHandle, vdevice) -> None:
    out = adb_server.adb("devices", "-l").stdout.decode()
    line = next(ln for ln in out.splitlines() if ln.startswith(vdevice.serial))
    assert " device " in line and "model:Pixel_8" in line
    r = adb_server.adb("-s", vdevice.serial, "shell", "getprop", "ro.build.version.release")
    assert r.stdout == b"14\n"
    assert vdevice.counters.services["shell"] == 1


def test_exit_code_and_separate_stderr(adb_server: AdbServerHandle, vdevice) -> None:
    r = adb_server.adb("-s", vdevice.serial, "shell", "false", check=False)
    assert r.returncode == 1
    r = adb_server.adb("-s", vdevice.serial, "shell", "cat /data/data/x; echo out", check=False)
    assert r.returncode == 0
    assert r.stdout == b"out\n"
    assert b"Permission denied" in r.stderr
    r = adb_server.adb("-s", vdevice.serial, "shell", "exit 7", check=False)
    assert r.returncode == 7
    # v1 shell (-x): merged output, no exit code
    r = adb_server.adb("-s", vdevice.serial, "shell", "-x", "echo a; cat /nope", check=False)
    assert b"a\n" in r.stdout and b"No such file or directory" in r.stdout


def test_shell_stdin_and_exec_out_are_binary_safe(adb_server: AdbServerHandle, vdevice) -> None:
    payload = bytes(range(256)) * 64
    r = adb_server.adb("-s", vdevice.serial, "shell", "cat > /data/local/tmp/blob", input=payload)
    assert r.returncode == 0
    r = adb_server.adb("-s", vdevice.serial, "exec-out", "cat /data/local/tmp/blob")
    assert r.stdout == payload


def test_ls_la_sdcard(adb_server: AdbServerHandle, vdevice) -> None:
    r = adb_server.adb("-s", vdevice.serial, "shell", "ls -la /sdcard/Download/../")
    assert b"Download" in r.stdout and b"u0_a197" in r.stdout and b"media_rw" in r.stdout


def test_push_pull_64mib_and_a_500_file_tree(adb_server: AdbServerHandle, vdevice, tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(64 << 20))
    os.utime(big, (1_600_000_000, 1_600_000_000))
    adb_server.adb("-s", vdevice.serial, "push", str(big), "/sdcard/Download/big.bin")
    back = tmp_path / "back.bin"
    adb_server.adb("-s", vdevice.serial, "pull", "-a", "/sdcard/Download/big.bin", str(back))
    assert _sha(back) == _sha(big)
    assert int(back.stat().st_mtime) == 1_600_000_000

    tree = tmp_path / "tree"
    for i in range(500):
        f = tree / f"d{i % 10}" / f"f{i}.txt"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(f"file {i}\n".encode() * (i % 7 + 1))
        os.utime(f, (1_500_000_000 + i, 1_500_000_000 + i))
    adb_server.adb("-s", vdevice.serial, "push", str(tree), "/data/local/tmp/")
    assert vdevice.fs.isdir("/data/local/tmp/tree/d3")
    out = tmp_path / "out"
    out.mkdir()
    adb_server.adb("-s", vdevice.serial, "pull", "-a", "/data/local/tmp/tree", str(out))
    for i in range(500):
        rel = Path(f"d{i % 10}") / f"f{i}.txt"
        assert (out / "tree" / rel).read_bytes() == (tree / rel).read_bytes()
        assert int((out / "tree" / rel).stat().st_mtime) == 1_500_000_000 + i


def test_push_errors_use_adbd_wording(adb_server: AdbServerHandle, vdevice, tmp_path: Path) -> None:
    f = tmp_path / "x.txt"
    f.write_text("x")
    r = adb_server.adb("-s", vdevice.serial, "push", str(f), "/system/x.txt", check=False)
    assert r.returncode != 0 and b"Read-only file system" in r.stderr
    r = adb_server.adb("-s", vdevice.serial, "pull", "/sdcard/nope", str(tmp_path / "n"), check=False)
    assert r.returncode != 0 and b"No such file or directory" in r.stderr


def test_reverse_carries_bytes_both_ways(adb_server: AdbServerHandle, vdevice) -> None:
    # a "host" service the device reaches through adb reverse
    host_srv = socket.create_server(("127.0.0.1", 0))
    host_port = host_srv.getsockname()[1]

    def echo_upper() -> None:
        conn, _ = host_srv.accept()
        with conn:
            data = conn.recv(100)
            conn.sendall(data.upper())

    t = threading.Thread(target=echo_upper, daemon=True)
    t.start()
    r = adb_server.adb("-s", vdevice.serial, "reverse", "tcp:0", f"tcp:{host_port}")
    device_port = int(r.stdout.strip())
    listed = adb_server.adb("-s", vdevice.serial, "reverse", "--list").stdout.decode()
    assert f"tcp:{device_port} tcp:{host_port}" in listed
    device_loopback = loopback_host(vdevice.port)  # the device's own 127.0.0.1
    with socket.create_connection((device_loopback, device_port), timeout=10) as s:  # "on the device"
        s.sendall(b"hello from the phone")
        assert s.recv(100) == b"HELLO FROM THE PHONE"
    t.join(5)
    host_srv.close()
    adb_server.adb("-s", vdevice.serial, "reverse", "--remove-all")
    assert adb_server.adb("-s", vdevice.serial, "reverse", "--list").stdout.strip() == b""


def test_reverse_onto_a_port_taken_on_the_device_fails_as_on_a_phone(adb_server: AdbServerHandle, vdevice) -> None:
    taken = socket.create_server((loopback_host(vdevice.port), 0))  # an app on the device listens there
    port = taken.getsockname()[1]
    try:
        r = adb_server.adb("-s", vdevice.serial, "reverse", f"tcp:{port}", "tcp:9", check=False)
        assert r.returncode != 0 and b"cannot bind" in r.stderr + r.stdout
        assert f"tcp:{port}".encode() not in adb_server.adb("-s", vdevice.serial, "reverse", "--list").stdout
        with socket.create_server(("127.0.0.1", 0)) as host_side:  # the computer's port P does not matter
            free_here = host_side.getsockname()[1]
            r = adb_server.adb("-s", vdevice.serial, "reverse", f"tcp:{free_here}", "tcp:9", check=False)
            assert r.returncode == 0, r.stderr
    finally:
        taken.close()


def test_forward_reaches_the_devices_loopback_never_the_computers(adb_server: AdbServerHandle, vdevice) -> None:
    # on a phone `adb forward tcp:X tcp:Y` reaches the phone's port Y, whatever the computer has on Y
    on_device = socket.create_server((loopback_host(vdevice.port), 0))  # an app on the device listens
    dev_port = on_device.getsockname()[1]
    on_computer = socket.create_server(("127.0.0.1", 0))  # only the computer listens on this one
    computer_port = on_computer.getsockname()[1]
    local, local_refused = free_port(), free_port()
    adb_server.adb("-s", vdevice.serial, "forward", f"tcp:{local}", f"tcp:{dev_port}")
    adb_server.adb("-s", vdevice.serial, "forward", f"tcp:{local_refused}", f"tcp:{computer_port}")
    try:
        with socket.create_connection(("127.0.0.1", local), timeout=10) as s:
            conn, _ = on_device.accept()
            s.sendall(b"ping")
            assert conn.recv(10) == b"ping"
            conn.sendall(b"pong")
            assert s.recv(10) == b"pong"
            conn.close()
        on_device.close()  # the app stops listening: the next forward is refused on the device
        for port in (local, local_refused):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.settimeout(10)
                assert s.recv(10) == b""  # refused on the device side: the host closes our socket
        on_computer.settimeout(0.5)
        with pytest.raises(TimeoutError):
            on_computer.accept()  # the computer's 127.0.0.1 was never reached
        assert vdevice.counters.services["tcp"] == 1  # the refused OPENs were never accepted
    finally:
        adb_server.adb("forward", "--remove-all", check=False)
        on_device.close()
        on_computer.close()


def test_the_device_reaches_the_computer_only_through_adb_reverse(adb_server: AdbServerHandle, vdevice) -> None:
    computer = socket.create_server(("127.0.0.1", 0))
    port = computer.getsockname()[1]
    computer.settimeout(0.5)
    try:
        r = adb_server.adb("-s", vdevice.serial, "shell", f"echo hi | nc 127.0.0.1 {port}", check=False)
        assert r.returncode == 1 and b"Connection refused" in r.stdout + r.stderr
        with pytest.raises(TimeoutError):
            computer.accept()
        device_port = int(adb_server.adb("-s", vdevice.serial, "reverse", "tcp:0", f"tcp:{port}").stdout)
        computer.settimeout(30)
        got: list[bytes] = []

        def serve() -> None:
            conn, _ = computer.accept()
            with conn:
                got.append(conn.recv(100))
                conn.sendall(b"hello phone\n")

        t = threading.Thread(target=serve, daemon=True)
        t.start()
        # stdin stays open until the answer is in: an adb stream has no half-close (adbd ends it at EOF)
        r = adb_server.adb("-s", vdevice.serial, "shell", f"(echo hi; sleep 3) | nc 127.0.0.1 {device_port}")
        t.join(10)
        assert got == [b"hi\n"] and r.stdout == b"hello phone\n"
        # and `adb forward` onto the reversed port reaches the same listener, as on a phone
        local = free_port()
        adb_server.adb("-s", vdevice.serial, "forward", f"tcp:{local}", f"tcp:{device_port}")
        t = threading.Thread(target=serve, daemon=True)
        t.start()
        with socket.create_connection(("127.0.0.1", local), timeout=10) as s:
            s.sendall(b"via forward")
            s.settimeout(10)
            assert s.recv(100) == b"hello phone\n"
        t.join(10)
        assert got[-1] == b"via forward"
    finally:
        adb_server.adb("forward", "--remove-all", check=False)
        adb_server.adb("-s", vdevice.serial, "reverse", "--remove-all", check=False)
        computer.close()


def test_latency_and_faults(adb_server: AdbServerHandle, vdevice_factory) -> None:
    slow = vdevice_factory(latency_ms=40)
    t0 = time.monotonic()
    adb_server.adb("-s", slow.serial, "shell", "echo hi")
    assert time.monotonic() - t0 >= 0.08
    slow.faults.offline(1.0)
    r = adb_server.adb("-s", slow.serial, "shell", "echo hi", check=False, timeout=30)
    assert r.returncode != 0


@pytest.mark.skipif(not shutil.which("adb") or not Path("/usr/bin/adb").exists(), reason="no Debian adb")
def test_debian_adb_29(vdevice_factory, tmp_path: Path) -> None:
    port = str(free_port())
    env = dict(os.environ, ANDROID_ADB_SERVER_PORT=port)

    def adb(*args: str, **kw) -> subprocess.CompletedProcess:
        return subprocess.run(["/usr/bin/adb", "-P", port, *args], capture_output=True, timeout=60, env=env, **kw)

    device = vdevice_factory(connect=False)
    try:
        adb("start-server")
        assert b"connected" in adb("connect", device.serial).stdout
        for _ in range(50):
            if f"{device.serial}\tdevice" in adb("devices").stdout.decode():
                break
            time.sleep(0.1)
        assert adb("-s", device.serial, "shell", "getprop ro.build.version.release").stdout == b"14\n"
        assert adb("-s", device.serial, "shell", "false").returncode == 1
        f = tmp_path / "f.bin"
        f.write_bytes(os.urandom(3 << 20))
        assert adb("-s", device.serial, "push", str(f), "/sdcard/f.bin").returncode == 0
        assert adb("-s", device.serial, "pull", "/sdcard/f.bin", str(tmp_path / "g.bin")).returncode == 0
        assert _sha(tmp_path / "g.bin") == _sha(f)
        assert b"f.bin" in adb("-s", device.serial, "ls", "/sdcard").stdout
    finally:
        adb("kill-server")


def test_push_to_a_full_disk_fails_and_leaves_no_partial_file(
    adb_server: AdbServerHandle, vdevice, tmp_path: Path
) -> None:
    vdevice.fs.quota_bytes = vdevice.fs.data_used_bytes + 100_000
    f = tmp_path / "big.bin"
    f.write_bytes(os.urandom(1 << 20))
    r = adb_server.adb("-s", vdevice.serial, "push", str(f), "/sdcard/Download/big.bin", check=False)
    assert r.returncode != 0 and b"No space left on device" in r.stderr
    assert not vdevice.fs.exists("/sdcard/Download/big.bin")
    df = adb_server.adb("-s", vdevice.serial, "shell", "df /storage/emulated").stdout
    assert b"/storage/emulated" in df
