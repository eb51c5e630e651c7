"""Push costs: a transfer is one sync stream and one shell, and the renames that shell runs after the
data (several files merged into an existing folder, empty folders, hostile names) land byte-exact."""

from __future__ import annotations

import json
import os

from tests.e2e.test_files import HOSTILE, MTIME, _device_bytes, _leftovers, _make_tree, sess  # noqa: F401


def test_a_tree_push_is_one_sync_stream_and_one_shell(sess, vdevice, tmp_path):  # noqa: F811
    src = tmp_path / "tree"
    files = _make_tree(src)
    vdevice.counters.reset()
    pushed = sess.run("files", "push", str(src), "/sdcard/Download/fresh", "--json")
    assert pushed.returncode == 0, pushed.stderr
    services = vdevice.counters.services
    # one sync stream checks the destination when the transfer is queued, one plans and sends
    assert services["sync"] == 2, dict(services)
    assert services["shell"] == 1 and vdevice.counters.shell_commands == ["sh"], vdevice.counters.shell_commands
    for rel, data in files.items():
        assert _device_bytes(vdevice, f"/sdcard/Download/fresh/{rel}") == data, rel
    assert vdevice.state.fs.isdir("/sdcard/Download/fresh/empty/nested-empty")
    assert _leftovers(vdevice, "/sdcard/Download") == []


def test_merging_into_an_existing_tree_renames_every_file_into_place(sess, vdevice, tmp_path):  # noqa: F811
    src = tmp_path / "tree"
    _make_tree(src)
    assert sess.run("files", "push", str(src), "/sdcard/Download/").returncode == 0
    changed = {}
    for i, name in enumerate(HOSTILE):
        path = src / "sub" / name
        changed[f"sub/{name}"] = path.read_bytes() + f" changed {i}".encode()
        path.write_bytes(changed[f"sub/{name}"])
        os.utime(path, (MTIME + 7, MTIME + 7))
    (src / "sub" / "new-folder" / "inside").mkdir(parents=True)
    (src / "added" / "x").mkdir(parents=True)
    (src / "added" / "x" / "f.txt").write_bytes(b"added")
    changed["added/x/f.txt"] = b"added"
    vdevice.counters.reset()
    merged = sess.run("files", "push", str(src), "/sdcard/Download/", "--on-clash", "overwrite", "--json")
    assert merged.returncode == 0, merged.stderr
    [transfer] = json.loads(merged.stdout)
    # the files left alone are identical and skipped
    assert transfer["state"] == "done" and transfer["files_done"] == len(changed), merged.stderr
    assert vdevice.counters.services["sync"] == 2 and vdevice.counters.shell_commands.count("sh") == 1
    fs = vdevice.state.fs
    for rel, data in changed.items():
        assert _device_bytes(vdevice, f"/sdcard/Download/tree/{rel}") == data, rel
    assert int(fs.stat("/sdcard/Download/tree/sub/a;reboot").mtime) == MTIME + 7
    assert fs.isdir("/sdcard/Download/tree/sub/new-folder/inside")
    for folder in ("/sdcard/Download/tree", "/sdcard/Download/tree/sub", "/sdcard/Download/tree/added/x"):
        assert _leftovers(vdevice, folder) == [], folder


# around the 64 KiB DATA record, the 16-record (1 MiB) socket write and the 1 MiB receive buffer
EDGE_SIZES = [0, 1, 65535, 65536, 65537, 16 * 65536 - 3, 16 * 65536, 16 * 65536 + 8, 3 * 1048576 + 12345]


def test_sizes_around_every_buffer_edge_round_trip_byte_exact_with_times_and_progress(sess, vdevice, tmp_path):  # noqa: F811
    src = tmp_path / "edges"
    src.mkdir()
    files = {f"f{size}.bin": os.urandom(size) for size in EDGE_SIZES}
    for i, (name, data) in enumerate(files.items()):
        (src / name).write_bytes(data)
        os.utime(src / name, (MTIME + i, MTIME + i))
    pushed = sess.run("files", "push", str(src), "/sdcard/Download/edges", "--json")
    assert pushed.returncode == 0, pushed.stderr
    fs = vdevice.state.fs
    for i, (name, data) in enumerate(files.items()):
        assert _device_bytes(vdevice, f"/sdcard/Download/edges/{name}") == data, name
        assert int(fs.stat(f"/sdcard/Download/edges/{name}").mtime) == MTIME + i, name

    back = tmp_path / "back"
    pulled = sess.run("files", "pull", "/sdcard/Download/edges", str(back), "--json", "--progress")
    assert pulled.returncode == 0, pulled.stderr
    for i, (name, data) in enumerate(files.items()):
        assert (back / name).read_bytes() == data, name
        assert int((back / name).stat().st_mtime) == MTIME + i, name
    lines = [json.loads(line) for line in pulled.stdout.splitlines() if line.strip()]
    progress = [line for line in lines if line.get("event") == "progress"]
    done = [p["bytes_done"] for p in progress]
    assert done == sorted(done), "progress never goes backwards"
    assert progress[-1]["state"] == "done" and done[-1] == progress[-1]["bytes_total"] == sum(map(len, files.values()))
    assert progress[-1]["files_done"] == len(files)


def test_a_pulled_file_keeps_its_device_permissions_less_the_umask(sess, vdevice, tmp_path):  # noqa: F811
    for name, mode in (("shared.txt", 0o666), ("private.txt", 0o600), ("script.sh", 0o755)):
        vdevice.state.fs.write_bytes(f"/sdcard/Download/{name}", b"x")
        vdevice.state.fs.chmod(f"/sdcard/Download/{name}", mode)
    before = os.umask(0o022)
    try:
        for name in ("shared.txt", "private.txt", "script.sh"):
            pulled = sess.run("files", "pull", f"/sdcard/Download/{name}", str(tmp_path / name))
            assert pulled.returncode == 0, pulled.stderr
    finally:
        os.umask(before)
    modes = {name: (tmp_path / name).stat().st_mode & 0o777 for name in ("shared.txt", "private.txt", "script.sh")}
    # world-writable on the device's shared storage is not world-writable here
    assert modes == {"shared.txt": 0o644, "private.txt": 0o600, "script.sh": 0o755}
