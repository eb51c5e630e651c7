"""VirtualFS: Android's permission model for the shell user, and a tree that never escapes its root."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from virtual_device.fs import FsError, VirtualFS, uid_name


@pytest.fixture
def fs(tmp_path: Path) -> VirtualFS:
    v = VirtualFS(tmp_path / "fs")
    v.init_layout()
    return v


def test_sdcard_is_a_symlink_to_emulated_storage_and_writable(fs: VirtualFS) -> None:
    # the chain a phone has: /sdcard -> /storage/self/primary -> /storage/emulated/0
    assert fs.readlink("/sdcard") == "/storage/self/primary"
    assert fs.readlink("/storage/self/primary") == "/storage/emulated/0"
    assert fs.realpath("/sdcard/Download") == "/storage/emulated/0/Download"
    assert fs.lstat("/sdcard").is_link
    fs.write_bytes("/sdcard/Download/a.txt", b"hello")
    assert fs.read_bytes("/storage/emulated/0/Download/a.txt") == b"hello"
    st = fs.stat("/sdcard/Download/a.txt")
    assert (uid_name(st.uid), st.gid, stat.S_IMODE(st.mode)) == ("u0_a197", 1023, 0o660)
    assert "Download" in fs.listdir("/sdcard")


def test_error_texts_match_android(fs: VirtualFS) -> None:
    cases = [
        (lambda: fs.read_bytes("/sdcard/missing"), errno.ENOENT, "No such file or directory"),
        (lambda: fs.read_bytes("/data/data/x"), errno.EACCES, "Permission denied"),
        (lambda: fs.listdir("/data/data"), errno.EACCES, "Permission denied"),
        (lambda: fs.listdir("/data"), errno.EACCES, "Permission denied"),
        (lambda: fs.write_bytes("/system/x", b""), errno.EROFS, "Read-only file system"),
        (lambda: fs.write_bytes("/x", b""), errno.EROFS, "Read-only file system"),
        (lambda: fs.write_bytes("/dev/x", b""), errno.EACCES, "Permission denied"),
        (lambda: fs.read_bytes("/sdcard/Download"), errno.EISDIR, "Is a directory"),
        (lambda: fs.mkdir("/sdcard/Download"), errno.EEXIST, "File exists"),
    ]
    for call, code, text in cases:
        with pytest.raises(FsError) as info:
            call()
        assert (info.value.errno, info.value.strerror) == (code, text)
    fs.write_bytes("/data/local/tmp/f", b"x")
    with pytest.raises(FsError) as info:
        fs.listdir("/data/local/tmp/f/y")
    assert info.value.strerror == "Not a directory"
    fs.mkdir("/sdcard/d")
    fs.write_bytes("/sdcard/d/f", b"1")
    with pytest.raises(FsError) as info:
        fs.remove("/sdcard/d")
    assert info.value.strerror == "Directory not empty"
    fs.remove("/sdcard/d", recursive=True)
    assert not fs.exists("/sdcard/d")


def test_hostile_paths_stay_inside_the_root(fs: VirtualFS, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    assert fs.resolve("../../../etc/passwd", "/data/local/tmp") == "/etc/passwd"
    with pytest.raises(FsError):
        fs.read_bytes("/etc/passwd")  # the device's /etc, which has no passwd
    # a host symlink planted in the tree is read as a device symlink, never followed on the host
    os.symlink(str(tmp_path), fs.root / "data/local/tmp/escape")
    with pytest.raises(FsError):
        fs.write_bytes("/data/local/tmp/escape/outside.txt", b"x")
    assert not outside.exists()
    with pytest.raises(FsError) as info:
        fs.stat("/sdcard/a\0b")
    assert info.value.errno == errno.EINVAL
    with pytest.raises(FsError) as info:
        fs.stat("/sdcard/" + "a" * 300)
    assert info.value.errno == errno.ENAMETOOLONG


def test_quota_gives_enospc_and_df_reflects_usage(fs: VirtualFS) -> None:
    data = next(m for m in fs.mounts() if m.target == "/data")
    assert data.size > 100 * 1024**3 and not data.readonly
    assert next(m for m in fs.mounts() if m.target == "/system").readonly
    fs.write_bytes("/sdcard/a", b"x" * 1000)
    fs.quota_bytes = 1500
    assert fs.free_bytes("/storage/emulated") == 500
    with pytest.raises(FsError) as info:
        fs.write_bytes("/sdcard/b", b"y" * 1000)
    assert info.value.strerror == "No space left on device"
    fs.remove("/sdcard/a")
    assert fs.free_bytes("/data") >= 1000


def test_atomic_write_leaves_nothing_until_commit(fs: VirtualFS) -> None:
    handle = fs.open_write("/sdcard/big.bin", atomic=True)
    handle.write(b"partial")
    assert not fs.exists("/sdcard/big.bin")
    handle.close()  # dropped connection: discarded
    assert not fs.exists("/sdcard/big.bin")
    with fs.open_write("/sdcard/big.bin", atomic=True) as handle:
        handle.write(b"whole")
    assert fs.read_bytes("/sdcard/big.bin") == b"whole"


def test_metadata_survives_a_new_instance(fs: VirtualFS) -> None:
    fs.write_bytes("/data/local/tmp/run.sh", b"echo hi", mode=0o644)
    fs.chmod("/data/local/tmp/run.sh", 0o755)
    again = VirtualFS(fs.root)
    st = again.stat("/data/local/tmp/run.sh")
    assert (st.uid, stat.S_IMODE(st.mode)) == (2000, 0o755)
    fs.rename("/data/local/tmp/run.sh", "/data/local/tmp/go.sh")
    assert stat.S_IMODE(fs.stat("/data/local/tmp/go.sh").mode) == 0o755
