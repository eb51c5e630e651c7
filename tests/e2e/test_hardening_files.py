"""Files hardening through the real stack: what a failed push records, device-side symlinks around the
allowed folders, local files swapped for links mid-push, hostile names in listings, staging leftovers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def _policy(bt_env, tmp_path: Path, **files: object) -> None:
    lines = ["[files]", f"local_paths = [{json.dumps(str(tmp_path))}]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in files.items()]
    bt_env.policy_path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def sess(bt_env, vdevice, tmp_path):
    _policy(bt_env, tmp_path)
    started = bt_env.run("session", "start", "--device", vdevice.serial)
    assert started.returncode == 0, started.stderr
    return bt_env


def _transfers(bt_env) -> list[dict]:
    return json.loads(bt_env.run("transfers", "list", "--json").stdout)


# -- 5. bytes counted when the device acknowledges them ----------------------------------------------
def test_a_failed_push_records_only_the_bytes_the_device_acknowledged(sess, vdevice, tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    size = 400_000
    for index in range(6):
        (tree / f"f{index}.bin").write_bytes(os.urandom(size))
    vdevice.faults.drop_after_bytes(1_000_000)  # the link dies after two and a half files
    result = sess.run("files", "push", str(tree), "/sdcard/Download/")
    assert result.returncode == 6, result.stderr
    [transfer] = _transfers(sess)
    assert transfer["state"] == "failed"
    # only whole, acknowledged files count: at most the two that fit before the link died
    assert transfer["bytes_done"] % size == 0 and transfer["bytes_done"] <= 2 * size, transfer
    failed = json.loads(sess.run("log", "--json", "--kind=transfer.failed").stdout)[-1]
    assert failed["data"]["bytes"] == transfer["bytes_done"]


# -- 1. device-side symlinks never carry an action past the allowed folders --------------------------
def test_device_symlinks_out_of_the_allowed_folders_are_refused_with_an_event(bt_env, adb_server, vdevice, tmp_path):
    _policy(bt_env, tmp_path, remote_paths=["/data/local/tmp"])
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    fs = vdevice.state.fs
    fs.write_bytes("/sdcard/DCIM/Camera/IMG_0001.jpg", b"a private photo")
    shell = "ln -s /sdcard/DCIM /data/local/tmp/dcimlink; ln -s / /data/local/tmp/rootlink"
    adb_server.adb("-s", vdevice.serial, "shell", shell)
    fs.write_bytes("/data/local/tmp/plain.txt", b"inside")
    attempts = [
        ("files", "ls", "/data/local/tmp/dcimlink/Camera"),
        ("files", "pull", "/data/local/tmp/dcimlink/Camera/IMG_0001.jpg", str(tmp_path / "x.jpg")),
        ("files", "rm", "--yes", "/data/local/tmp/dcimlink/Camera/IMG_0001.jpg"),
        ("files", "ls", "/data/local/tmp/rootlink/system"),
        ("files", "mkdir", "/data/local/tmp/rootlink/sdcard/new/deeper"),
        ("files", "push", str(tmp_path / "up.txt"), "/data/local/tmp/rootlink/sdcard/"),
        ("files", "mv", "/data/local/tmp/plain.txt", "/data/local/tmp/dcimlink/stolen.txt"),
    ]
    (tmp_path / "up.txt").write_bytes(b"upload")
    for args in attempts:
        result = bt_env.run(*args)
        assert result.returncode == 10, (args, result.stderr)
        assert "outside the allowed folders" in result.stderr and result.stderr.count("\n") == 1
    denied = json.loads(bt_env.run("log", "--json", "--kind=permission.denied").stdout)
    assert len(denied) == len(attempts)
    assert fs.exists("/sdcard/DCIM/Camera/IMG_0001.jpg") and fs.exists("/data/local/tmp/plain.txt")
    assert not (tmp_path / "x.jpg").exists() and not fs.exists("/sdcard/up.txt")
    assert not fs.exists("/sdcard/new") and not fs.exists("/sdcard/DCIM/stolen.txt")
    # the links themselves, and paths that stay inside, still work
    listed = bt_env.run("files", "ls", "/data/local/tmp", "--json")
    assert listed.returncode == 0 and {"dcimlink", "rootlink"} <= {e["name"] for e in json.loads(listed.stdout)}
    assert bt_env.run("files", "mkdir", "/data/local/tmp/a/b/c").returncode == 0


# -- 3. no escape sequence from a device or a customer reaches the technician's terminal -------------
OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x1b\\"
CLEAR = "\x1b[2J"


def test_hostile_names_notes_and_messages_never_put_an_escape_on_the_terminal(sess, vdevice, tmp_path):
    from bt_core.store import Store

    name = f"photo{OSC52}{CLEAR}\x9b31m.jpg"
    vdevice.state.fs.write_bytes(f"/sdcard/Download/{name}", b"x")
    assert sess.run("notes", "add", f"customer pasted {OSC52} and {CLEAR}").returncode == 0
    store = Store.open(None, sqlite_path=sess.data_dir / "bt.sqlite3")
    session_id = json.loads(sess.run("session", "show", "--json").stdout)["id"]
    # what the customer page writes when the customer sends a message
    store.append_event(session_id, "customer", "chat.received", f"hi {OSC52}{CLEAR} there", {})
    store.close()
    pulled = sess.run("files", "pull", f"/sdcard/Download/{name}", str(tmp_path / "got.jpg"))
    assert pulled.returncode == 0, pulled.stderr
    runs = [
        ("files", "ls", "/sdcard/Download"),
        ("files", "ls", "-l", "/sdcard/Download"),
        ("notes", "list"),
        ("log",),
        ("transfers", "list"),
        ("transfers", "show", "1"),
        ("files", "rm", "--yes", f"/sdcard/Download/{name}/nope"),
    ]
    for args in runs:
        result = sess.run(*args)
        for stream in (result.stdout, result.stderr):
            assert "\x1b" not in stream and "\x9b" not in stream, (args, stream)
        if args[:2] == ("files", "ls"):
            assert r"photo\e]52;c;cm0gLXJmIH4K\e\\\e[2J\x9b31m.jpg" in result.stdout, result.stdout


# -- 2. a local file swapped for a symlink during a tree push is not followed ------------------------
def test_a_local_file_swapped_for_a_link_mid_push_is_not_sent(bt_env, vdevice_factory, tmp_path):
    import subprocess
    import sys
    import time

    slow = vdevice_factory(bandwidth_mbps=8)
    allowed = tmp_path / "allowed"
    tree = allowed / "tree"
    tree.mkdir(parents=True)
    secret = tmp_path / "secret.txt"  # outside the allowed folders
    secret.write_bytes(b"the technician's private key")
    _policy(bt_env, allowed)
    assert bt_env.run("session", "start", "--device", slow.serial).returncode == 0
    (tree / "a-big.bin").write_bytes(os.urandom(12_000_000))  # ~12 s at 8 Mbit/s
    (tree / "b-small.txt").write_bytes(b"harmless")
    runner = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "files", "push", str(tree), "/sdcard/Download/"],
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        from bt_core.store import Store

        store = Store.open(None, sqlite_path=bt_env.data_dir / "bt.sqlite3")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # planned and moving bytes: b-small.txt is not opened yet
            listed = store.list_transfers()
            if listed and listed[0].state == "running" and listed[0].bytes_done > 0:
                break
            time.sleep(0.02)
        store.close()
        (tree / "b-small.txt").unlink()
        (tree / "b-small.txt").symlink_to(secret)  # swapped while the big file is on its way
        _out, err = runner.communicate(timeout=60)
    finally:
        runner.kill()
    assert runner.returncode != 0, err
    assert "changed since the transfer was planned" in err
    fs = slow.state.fs
    for path in ("/sdcard/Download/tree/b-small.txt", "/sdcard/Download/tree"):
        assert not fs.exists(path)
    assert not any(b"private key" in data for data in _all_bytes(slow, "/sdcard/Download"))


def _all_bytes(device, folder: str) -> list[bytes]:
    fs = device.state.fs
    out = []
    for name in fs.listdir(folder):
        path = f"{folder}/{name}"
        if fs.isdir(path):
            out += _all_bytes(device, path)
        else:
            with fs.open_read(path) as handle:
                out.append(handle.read())
    return out


# -- 4. staging leftovers: tree pulls staged like pushes, and a reaper on both sides -----------------
def _start(bt_env, *args: str):
    import subprocess
    import sys

    return subprocess.Popen(
        [sys.executable, "-m", "bt_cli", *args],
        # the process moving the bytes is the one killed (a killed command of the warm process only
        # interrupts its transfer: tests/cli/test_warm.py)
        env={**bt_env.env, "BT_WARM": "off"},
        cwd=str(bt_env.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_when_moving(bt_env, proc) -> None:
    import signal
    import time

    from bt_core.store import Store

    store = Store.open(None, sqlite_path=bt_env.data_dir / "bt.sqlite3")
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            running = [t for t in store.list_transfers(None, ["running"]) if t.bytes_done > 0]
            if running:
                break
            time.sleep(0.02)
        else:
            raise AssertionError("the transfer never moved bytes")
    finally:
        store.close()
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)


def _staging(names) -> list[str]:
    from adb_backend.files import STAGING

    return [n for n in names if STAGING.fullmatch(n)]


def test_killed_transfers_leave_nothing_under_final_names_and_the_reaper_cleans_both_sides(
    bt_env, vdevice_factory, tmp_path
):
    slow = vdevice_factory(bandwidth_mbps=16)
    _policy(bt_env, tmp_path)
    assert bt_env.run("session", "start", "--device", slow.serial).returncode == 0
    fs = slow.state.fs
    fs.mkdir("/sdcard/Download/tree/sub", parents=True)
    fs.write_bytes("/sdcard/Download/tree/sub/a.txt", b"small")
    fs.write_bytes("/sdcard/Download/tree/big.bin", os.urandom(6_000_000))  # ~3 s at 16 Mbit/s

    # a killed tree pull leaves no half tree under the final name, only a stage folder beside it
    out = tmp_path / "out"
    _kill_when_moving(bt_env, _start(bt_env, "files", "pull", "/sdcard/Download/tree", str(out)))
    assert not out.exists()
    assert len(_staging(os.listdir(tmp_path))) == 1
    # the rerun lands at the same place (no nesting) and reaps the stage
    again = bt_env.run("files", "pull", "/sdcard/Download/tree", str(out))
    assert again.returncode == 0, again.stderr
    assert (out / "sub" / "a.txt").read_bytes() == b"small" and not (out / "tree").exists()
    assert _staging(os.listdir(tmp_path)) == []

    # a killed tree push leaves a hidden stage on the device; the next push there removes it
    tree = tmp_path / "up"
    (tree / "inner").mkdir(parents=True)
    (tree / "big.bin").write_bytes(os.urandom(6_000_000))
    (tree / "inner" / "x.txt").write_bytes(b"x")
    _kill_when_moving(bt_env, _start(bt_env, "files", "push", str(tree), "/sdcard/Download/"))
    assert not fs.exists("/sdcard/Download/up")
    assert len(_staging(fs.listdir("/sdcard/Download"))) == 1
    small = tmp_path / "note.txt"
    small.write_bytes(b"hello")
    assert bt_env.run("files", "push", str(small), "/sdcard/Download/").returncode == 0
    assert _staging(fs.listdir("/sdcard/Download")) == []

    # a killed single-file pull leaves a .part here; `bt transfers clean` removes it and says so
    single = tmp_path / "single"
    single.mkdir()
    _kill_when_moving(bt_env, _start(bt_env, "files", "pull", "/sdcard/Download/tree/big.bin", str(single)))
    assert len(_staging(os.listdir(single))) == 1 and not (single / "big.bin").exists()
    cleaned = bt_env.run("transfers", "clean", "--json")
    assert cleaned.returncode == 0, cleaned.stderr
    assert len(json.loads(cleaned.stdout)["local"]) == 1
    assert os.listdir(single) == []


def test_the_device_action_itself_refuses_a_link_out_of_the_allowed_folders(adb_server, vdevice):
    """Even when a link appears after bt checked the path (a race), rm and mv resolve on the device at
    the moment they run and refuse; nothing outside is touched."""
    from adb_backend import files
    from adb_backend.client import AdbBackend
    from adb_backend.server import ServerAddress

    backend = AdbBackend([ServerAddress("127.0.0.1", adb_server.port)], adb_path=adb_server.adb_path)
    device = backend.open(vdevice.serial)
    fs = vdevice.state.fs
    fs.write_bytes("/sdcard/DCIM/keep.jpg", b"photo")
    fs.write_bytes("/data/local/tmp/mine.txt", b"mine")
    adb_server.adb("-s", vdevice.serial, "shell", "ln -s /sdcard/DCIM /data/local/tmp/dcimlink")
    inside = ["/data/local/tmp"]
    with pytest.raises(files.OutsideRoots):
        files.delete(device, "/data/local/tmp/dcimlink/keep.jpg", inside=inside)
    with pytest.raises(files.OutsideRoots):
        files.rename(device, "/data/local/tmp/mine.txt", "/data/local/tmp/dcimlink", inside=inside)
    assert fs.exists("/sdcard/DCIM/keep.jpg") and fs.exists("/data/local/tmp/mine.txt")
    files.rename(device, "/data/local/tmp/mine.txt", "/data/local/tmp/renamed.txt", inside=inside)
    files.delete(device, "/data/local/tmp/renamed.txt", inside=inside)
    files.delete(device, "/data/local/tmp/dcimlink", inside=inside)  # the link itself may go
    assert not fs.exists("/data/local/tmp/renamed.txt") and fs.exists("/sdcard/DCIM/keep.jpg")
