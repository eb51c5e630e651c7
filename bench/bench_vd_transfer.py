"""adb push / adb pull of 256 MiB, and of a tree of small files, through the virtual device (own process).

Usage: .venv/bin/python bench/bench_vd_transfer.py [--mib 256] [--files 2000] [--adb PATH]
Prints MB/s (10^6 bytes per second) for each direction of the big file (target >= 100 MB/s), and the
seconds a push and a pull of `--files` small files (1-4 KiB, 20 folders) take (a phone: ~1-2 s).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    from adb_backend.server import bundled_adb_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--files", type=int, default=2000, help="files in the tree case (0 = skip)")
    parser.add_argument("--adb", default=str(bundled_adb_path()))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-vd-") as tmp:
        tmpdir = Path(tmp)
        env = dict(os.environ, HOME=str(tmpdir), ADB_MDNS="0", ANDROID_ADB_SERVER_PORT=str(free_port()))
        dev_port = free_port()
        device = subprocess.Popen(
            [sys.executable, "-m", "virtual_device", "--port", str(dev_port), "--data-dir", str(tmpdir / "dev")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )

        def adb(*a: str) -> subprocess.CompletedProcess:
            return subprocess.run([args.adb, *a], env=env, capture_output=True, check=True, timeout=600)

        try:
            assert device.stdout is not None
            print(device.stdout.readline().strip(), file=sys.stderr)
            serial = f"127.0.0.1:{dev_port}"
            adb("start-server")
            adb("connect", serial)
            adb("-s", serial, "wait-for-device")
            src = tmpdir / "src.bin"
            with open(src, "wb") as f:
                for _ in range(args.mib):
                    f.write(os.urandom(1 << 20))
            size = src.stat().st_size
            t0 = time.perf_counter()
            adb("-s", serial, "push", str(src), "/sdcard/Download/bench.bin")
            push_s = time.perf_counter() - t0
            dst = tmpdir / "dst.bin"
            t0 = time.perf_counter()
            adb("-s", serial, "pull", "/sdcard/Download/bench.bin", str(dst))
            pull_s = time.perf_counter() - t0
            ok = hashlib.sha256(src.read_bytes()).digest() == hashlib.sha256(dst.read_bytes()).digest()
            print(f"adb push {args.mib} MiB: {size / push_s / 1e6:7.1f} MB/s ({push_s:.2f} s)")
            print(f"adb pull {args.mib} MiB: {size / pull_s / 1e6:7.1f} MB/s ({pull_s:.2f} s)")
            print(f"sha256 equal: {ok}")
            if args.files:
                ok = tree_case(adb, serial, tmpdir, args.files) and ok
            return 0 if ok else 1
        finally:
            subprocess.run([args.adb, "kill-server"], env=env, capture_output=True, timeout=30)
            device.terminate()
            device.wait(10)


def tree_case(adb, serial: str, tmpdir: Path, count: int) -> bool:
    """Push then pull `count` small files: per-file overheads dominate, not bandwidth."""
    tree = tmpdir / "tree"
    for i in range(count):
        folder = tree / f"d{i % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i:05d}.txt").write_bytes(os.urandom(1024 + (i * 37) % 3072))
    t0 = time.perf_counter()
    adb("-s", serial, "push", str(tree), "/sdcard/Download/")
    push_s = time.perf_counter() - t0
    back = tmpdir / "back"
    back.mkdir()
    t0 = time.perf_counter()
    adb("-s", serial, "pull", "/sdcard/Download/tree", str(back))
    pull_s = time.perf_counter() - t0
    same = all(
        (back / "tree" / p.relative_to(tree)).read_bytes() == p.read_bytes() for p in tree.rglob("*") if p.is_file()
    )
    print(f"adb push tree of {count} files: {push_s:5.2f} s ({count / push_s:6.0f} files/s)")
    print(f"adb pull tree of {count} files: {pull_s:5.2f} s ({count / pull_s:6.0f} files/s)")
    print(f"tree equal: {same}")
    return same


if __name__ == "__main__":
    sys.exit(main())
