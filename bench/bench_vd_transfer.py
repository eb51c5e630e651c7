"""adb push / adb pull of 256 MiB through the virtual device, run as its own process (no shared GIL).

Usage: .venv/bin/python bench/bench_vd_transfer.py [--mib 256] [--adb PATH]
Prints MB/s (10^6 bytes per second) for each direction; the target is >= 100 MB/s.
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
            return 0 if ok else 1
        finally:
            subprocess.run([args.adb, "kill-server"], env=env, capture_output=True, timeout=30)
            device.terminate()
            device.wait(10)


if __name__ == "__main__":
    sys.exit(main())
