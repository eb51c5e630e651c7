"""bt files / bt transfers end to end: the real `bt` process, the real adb server, the virtual device."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

HOSTILE = ["a;reboot", "$(id)", 'it\'s "quoted"', "with space", "new\nline", "ünïcødé-文件.txt", "-dash"]
MTIME = 1_600_000_000


def _policy(bt_env, tmp_path: Path, **files: object) -> None:
    lines = ["[files]", f"local_paths = [{json.dumps(str(tmp_path))}]"]
    for key, value in files.items():
        lines.append(f"{key} = {json.dumps(value)}")
    bt_env.policy_path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def sess(bt_env, vdevice, tmp_path):
    _policy(bt_env, tmp_path)
    started = bt_env.run("session", "start", "--device", vdevice.serial)
    assert started.returncode == 0, started.stderr
    return bt_env


def _events(bt_env, *kinds: str) -> list[dict]:
    args = ["log", "--json"] + [f"--kind={k}" for k in kinds]
    out = bt_env.run(*args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _make_tree(root: Path) -> dict[str, bytes]:
    """Nested folders, an empty folder, hidden files, unicode and shell-hostile names."""
    files = {
        "top.txt": b"top level\n",
        ".hidden": b"secret dotfile",
        "sub/deeper/data.bin": os.urandom(200_000),
        "sub/.cache/x": b"",
    }
    for i, name in enumerate(HOSTILE):
        files[f"sub/{name}"] = f"content {i} {name}".encode()
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (MTIME + len(rel), MTIME + len(rel)))
    (root / "empty" / "nested-empty").mkdir(parents=True)
    return files


def _device_bytes(vdevice, path: str) -> bytes:
    with vdevice.state.fs.open_read(path) as handle:
        return handle.read()


def _leftovers(vdevice, folder: str) -> list[str]:
    fs = vdevice.state.fs
    return [n for n in fs.listdir(folder) if ".bt-" in n] if fs.exists(folder) else []


def test_tree_round_trips_byte_exact_with_mtimes_and_events(sess, vdevice, tmp_path):
    src = tmp_path / "tree"
    files = _make_tree(src)
    pushed = sess.run("files", "push", str(src), "/sdcard/Download/", "--json")
    assert pushed.returncode == 0, pushed.stderr
    [transfer] = json.loads(pushed.stdout)
    assert transfer["state"] == "done" and transfer["files_done"] == len(files)
    assert transfer["bytes_done"] == sum(len(d) for d in files.values())
    fs = vdevice.state.fs
    for rel, data in files.items():
        remote = f"/sdcard/Download/tree/{rel}"
        assert _device_bytes(vdevice, remote) == data, rel
        assert int(fs.stat(remote).mtime) == MTIME + len(rel), rel
    assert fs.isdir("/sdcard/Download/tree/empty/nested-empty")
    assert _leftovers(vdevice, "/sdcard/Download/tree/sub") == []

    listing = sess.run("files", "ls", "/sdcard/Download/tree/sub", "-a", "--json")
    names = {e["name"]: e for e in json.loads(listing.stdout)}
    assert {".cache", "deeper", *HOSTILE} <= set(names)
    assert names["deeper"]["type"] == "dir" and names["a;reboot"]["size"] == len(files["sub/a;reboot"])
    plain = json.loads(sess.run("files", "ls", "/sdcard/Download/tree/sub", "--json").stdout)
    assert ".cache" not in {e["name"] for e in plain}

    back = tmp_path / "back"
    back.mkdir()
    pulled = sess.run("files", "pull", "/sdcard/Download/tree", str(back), "--json")
    assert pulled.returncode == 0, pulled.stderr
    for rel, data in files.items():
        local = back / "tree" / rel
        assert local.read_bytes() == data, rel
        assert int(local.stat().st_mtime) == MTIME + len(rel), rel
    assert (back / "tree" / "empty" / "nested-empty").is_dir()
    assert not [p for p in back.rglob("*") if ".bt-" in p.name]

    kinds = [e["kind"] for e in _events(sess, "file.pushed", "file.pulled")]
    assert kinds == ["file.pushed", "file.pulled"]
    event = _events(sess, "file.pushed")[0]
    assert event["data"]["bytes"] == transfer["bytes_done"] and event["data"]["files"] == len(files)


def test_no_preserve_times_stamps_now(sess, vdevice, tmp_path):
    src = tmp_path / "old.txt"
    src.write_text("old")
    os.utime(src, (MTIME, MTIME))
    assert sess.run("files", "push", str(src), "/sdcard/old.txt", "--no-preserve-times").returncode == 0
    assert abs(vdevice.state.fs.stat("/sdcard/old.txt").mtime - time.time()) < 120


def test_clash_policies_and_identical_skip(sess, vdevice, tmp_path):
    src = tmp_path / "note.txt"
    src.write_text("version one")
    assert sess.run("files", "push", str(src), "/sdcard/note.txt").returncode == 0

    again = sess.run("files", "push", str(src), "/sdcard/note.txt", "--json")
    assert again.returncode == 0
    assert json.loads(again.stdout)[0]["state"] == "skipped"
    assert "identical content" in again.stderr
    assert _events(sess, "transfer.skipped")[0]["data"]["skipped_identical"] == 1

    src.write_text("version two!")
    skipped = sess.run("files", "push", str(src), "/sdcard/note.txt", "--on-clash", "skip", "--json")
    assert json.loads(skipped.stdout)[0]["state"] == "skipped"
    assert _device_bytes(vdevice, "/sdcard/note.txt") == b"version one"

    cancelled = sess.run("files", "push", str(src), "/sdcard/note.txt", "--on-clash", "cancel")
    assert cancelled.returncode == 14 and "already exists" in cancelled.stderr
    assert _device_bytes(vdevice, "/sdcard/note.txt") == b"version one"
    assert _events(sess, "transfer.cancelled")

    asked = sess.run("files", "push", str(src), "/sdcard/note.txt", "--on-clash", "ask", input="o\n")
    assert asked.returncode == 2 and "terminal" in asked.stderr

    over = sess.run("files", "push", str(src), "/sdcard/note.txt", "--on-clash", "overwrite")
    assert over.returncode == 0
    assert _device_bytes(vdevice, "/sdcard/note.txt") == b"version two!"

    # pull clashes: skip keeps the local file
    local = tmp_path / "pulled.txt"
    local.write_text("local edit")
    kept = sess.run("files", "pull", "/sdcard/note.txt", str(local), "--on-clash", "skip")
    assert kept.returncode == 0 and local.read_text() == "local edit"


def test_ask_answers_per_file_through_the_callback(sess, vdevice, tmp_path, monkeypatch):
    from bt_core.services import Services
    from bt_core.settings import load_settings

    src = tmp_path / "pair"
    src.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (src / name).write_text(f"new {name}")
    for name in ("a.txt", "b.txt", "c.txt"):
        vdevice.state.fs.mkdir("/sdcard/pair", parents=True) if not vdevice.state.fs.exists("/sdcard/pair") else None
        with vdevice.state.fs.open_write(f"/sdcard/pair/{name}") as handle:
            handle.write(b"old")
    for key, value in sess.env.items():
        monkeypatch.setenv(key, value)
    services = Services(load_settings())
    asked = []

    def ask(clash):
        asked.append(Path(clash.target).name)
        return {"a.txt": "overwrite", "b.txt": "skip-all"}[Path(clash.target).name]

    warnings: list[str] = []
    [done] = services.files.push(None, [str(src)], "/sdcard/", on_clash="ask", ask=ask, warn=warnings.append)
    services.close()
    assert asked == ["a.txt", "b.txt"]  # skip-all answered for c.txt too
    assert done.state == "done" and done.files_done == 1
    assert _device_bytes(vdevice, "/sdcard/pair/a.txt") == b"new a.txt"
    assert _device_bytes(vdevice, "/sdcard/pair/b.txt") == b"old"
    assert _device_bytes(vdevice, "/sdcard/pair/c.txt") == b"old"
    assert sum("already exists" in w for w in warnings) == 2


def test_policies_refuse_with_exit_10_and_an_event(sess, vdevice, tmp_path):
    src = tmp_path / "f.txt"
    src.write_text("x")
    vdevice.state.fs.open_write("/sdcard/remote.txt").close()

    _policy(sess, tmp_path, download=False)
    refused = sess.run("files", "pull", "/sdcard/remote.txt", str(tmp_path / "r.txt"))
    assert refused.returncode == 10 and "download" in refused.stderr
    assert sess.run("files", "push", str(src), "/sdcard/f.txt").returncode == 0

    _policy(sess, tmp_path, upload=False)
    assert sess.run("files", "push", str(src), "/sdcard/g.txt").returncode == 10
    assert not vdevice.state.fs.exists("/sdcard/g.txt")
    assert sess.run("files", "pull", "/sdcard/remote.txt", str(tmp_path / "r.txt")).returncode == 0

    _policy(sess, tmp_path, remote_paths=["/sdcard/Download"])
    outside = sess.run("files", "push", str(src), "/sdcard/Download/../f2.txt")
    assert outside.returncode == 10 and "outside the allowed folders" in outside.stderr
    assert sess.run("files", "push", str(src), "/sdcard/Download/f2.txt").returncode == 0

    _policy(sess, tmp_path)
    escape = tmp_path / "link-out"
    escape.symlink_to("/etc")
    assert sess.run("files", "push", str(escape / "hostname"), "/sdcard/").returncode == 10
    assert sess.run("files", "push", str(tmp_path / ".." / "x"), "/sdcard/").returncode == 10
    assert sess.run("files", "mkdir", "/data/local/../../etc/x").returncode == 10

    denied = _events(sess, "permission.denied")
    assert len(denied) == 6 and {e["data"]["action"] for e in denied} >= {"files.upload", "files.download"}


def test_device_refusals_are_one_line_exit_8_and_failed_transfers(sess, vdevice, tmp_path):
    _policy(sess, tmp_path, remote_paths=["/"])
    src = tmp_path / "f.txt"
    src.write_text("x")
    ro = sess.run("files", "push", str(src), "/system/f.txt")
    assert ro.returncode == 8 and "Read-only file system" in ro.stderr
    assert len(ro.stderr.strip().splitlines()) == 1
    data = sess.run("files", "pull", "/data/data/com.android.chrome/secret", str(tmp_path / "s"))
    assert data.returncode == 8 and "Permission denied" in data.stderr
    failed = _events(sess, "transfer.failed")
    assert len(failed) == 2 and "Read-only file system" in failed[0]["data"]["error"]
    states = [t["state"] for t in json.loads(sess.run("transfers", "list", "--json").stdout)]
    assert states == ["failed", "failed"]


def _failed_transfer(bt_env) -> dict:
    [transfer] = json.loads(bt_env.run("transfers", "list", "--json").stdout)
    assert transfer["state"] == "failed" and transfer["error"]
    assert _events(bt_env, "transfer.failed")[0]["data"]["error"] == transfer["error"]
    return transfer


def test_dropped_connection_mid_push_leaves_no_final_file(sess, vdevice, tmp_path):
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(3_000_000))
    vdevice.faults.drop_after_bytes(1_000_000)
    result = sess.run("files", "push", str(src), "/sdcard/big.bin")
    assert result.returncode == 6, result.stderr  # Offline: the session is now Customer Absent
    assert not vdevice.state.fs.exists("/sdcard/big.bin")
    assert "connection" in _failed_transfer(sess)["error"]


def test_dropped_connection_mid_pull_leaves_no_final_file(bt_env, vdevice_factory, tmp_path):
    slow = vdevice_factory(bandwidth_mbps=12)
    _policy(bt_env, tmp_path)
    assert bt_env.run("session", "start", "--device", slow.serial).returncode == 0
    with slow.state.fs.open_write("/sdcard/big.bin") as handle:
        handle.write(os.urandom(8_000_000))  # ~5 s at 12 Mbit/s: time for the polling `bt` runs under load
    out = tmp_path / "got"
    out.mkdir()
    runner = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "files", "pull", "/sdcard/big.bin", str(out)],
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_running(bt_env)
        slow.faults.offline(1.0)
        _out, err = runner.communicate(timeout=30)
    finally:
        runner.kill()
    assert runner.returncode != 0, err
    assert list(out.iterdir()) == []
    _failed_transfer(bt_env)


def _wait_running(bt_env) -> dict:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        listed = json.loads(bt_env.run("transfers", "list", "--json").stdout or "[]")
        if listed and listed[0]["state"] == "running" and listed[0]["bytes_done"] > 0:
            return listed[0]
        time.sleep(0.05)
    raise AssertionError("the transfer never started moving bytes")


def test_mkdir_rename_delete_with_events(sess, vdevice):
    assert sess.run("files", "mkdir", "/sdcard/a/b/c").returncode == 0
    assert vdevice.state.fs.isdir("/sdcard/a/b/c")
    assert sess.run("files", "mv", "/sdcard/a/b", "/sdcard/a/renamed").returncode == 0
    assert vdevice.state.fs.isdir("/sdcard/a/renamed/c")
    assert sess.run("files", "rm", "/sdcard/a", "-r").returncode == 2  # no terminal, no --yes
    assert sess.run("files", "rm", "/sdcard/a", "-r", "--yes").returncode == 0
    assert not vdevice.state.fs.exists("/sdcard/a")
    events = _events(sess, "folder.created", "file.renamed", "file.deleted")
    assert [e["kind"] for e in events] == ["folder.created", "file.renamed", "file.deleted"]
    assert "permanently" in events[-1]["text"]


def test_queue_then_start_and_clear(sess, vdevice, tmp_path):
    src = tmp_path / "q.txt"
    src.write_text("queued")
    queued = sess.run("files", "push", str(src), "/sdcard/q.txt", "--queue", "--json")
    [t] = json.loads(queued.stdout)
    assert t["state"] == "queued" and not vdevice.state.fs.exists("/sdcard/q.txt")
    started = sess.run("transfers", "start", "--json", "--progress")
    lines = [json.loads(line) for line in started.stdout.splitlines()]
    assert lines[-1]["event"] == "transfer" and lines[-1]["state"] == "done"
    assert any(line["event"] == "progress" for line in lines)
    assert _device_bytes(vdevice, "/sdcard/q.txt") == b"queued"
    shown = json.loads(sess.run("transfers", "show", str(t["id"]), "--json").stdout)
    assert shown["origin"] == str(src) and shown["destination"] == "/sdcard/q.txt" and shown["bytes_done"] == 6
    assert json.loads(sess.run("transfers", "clear", "--json").stdout) == {"cleared": 1}
    assert json.loads(sess.run("transfers", "list", "--json").stdout) == []


def test_cancel_from_a_second_process(bt_env, vdevice_factory, tmp_path):
    slow = vdevice_factory(bandwidth_mbps=40)
    _policy(bt_env, tmp_path)
    assert bt_env.run("session", "start", "--device", slow.serial).returncode == 0
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(40 * 1024 * 1024))  # ~8 s at 40 Mbit/s
    runner = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "files", "push", str(src), "/sdcard/big.bin"],
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        transfer = _wait_running(bt_env)
        cancel = bt_env.run("transfers", "cancel", str(transfer["id"]))
        assert cancel.returncode == 0, cancel.stderr
        _out, err = runner.communicate(timeout=20)
    finally:
        runner.kill()
    assert runner.returncode == 14, err
    assert not slow.state.fs.exists("/sdcard/big.bin")
    assert _leftovers(slow, "/sdcard") == []
    final = json.loads(bt_env.run("transfers", "show", str(transfer["id"]), "--json").stdout)
    # the record keeps what arrived: the one file was never acknowledged by the device
    assert final["state"] == "cancelled" and final["bytes_done"] == 0
    assert _events(bt_env, "transfer.cancelled")


def test_pull_never_writes_through_a_symlinked_folder_out_of_bounds(sess, vdevice, tmp_path):
    import tempfile

    fs = vdevice.state.fs
    fs.mkdir("/sdcard/esc/sub", parents=True)
    with fs.open_write("/sdcard/esc/sub/f.txt") as handle:
        handle.write(b"payload")
    outside = Path(tempfile.mkdtemp(prefix="bt-outside-"))
    dest = tmp_path / "dest"
    (dest / "esc").mkdir(parents=True)
    (dest / "esc" / "sub").symlink_to(outside)
    result = sess.run("files", "pull", "/sdcard/esc", str(dest))
    assert result.returncode == 10, result.stderr
    assert list(outside.iterdir()) == []
    assert _events(sess, "permission.denied")
