"""Start-up cost of the CLI: `bt --help` and `bt devices --json` next to `python -c pass`.

Runs against a virtual device on a private adb server. Prints medians over N runs (wall time).
Usage: .venv/bin/python bench/bench_cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
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


def timed(argv: list[str], env: dict[str, str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    from adb_backend.server import bundled_adb_path
    from virtual_device import VirtualDevice

    port = free_port()
    tmp = tempfile.mkdtemp(prefix="bt-bench-")
    env = dict(os.environ, ANDROID_ADB_SERVER_PORT=str(port), HOME=tmp, BT_DATA_DIR=tmp, BT_CONFIG_DIR=tmp)
    adb = str(bundled_adb_path())
    subprocess.run([adb, "-P", str(port), "start-server"], env=env, check=True, capture_output=True)
    device = VirtualDevice(port=free_port(), data_dir=Path(tmp) / "vd")
    device.start()
    try:
        subprocess.run([adb, "-P", str(port), "connect", device.serial], env=env, check=True, capture_output=True)
        time.sleep(1.0)
        bt = str(ROOT / ".venv" / "bin" / "bt")
        base = timed([sys.executable, "-c", "pass"], env, args.runs)
        help_time = timed([bt, "--help"], env, args.runs)
        devices_time = timed([bt, "devices", "--json"], env, args.runs)
        print(f"python -c pass      {base * 1000:7.1f} ms")
        print(f"bt --help           {help_time * 1000:7.1f} ms  (+{(help_time - base) * 1000:.1f} ms)")
        print(f"bt devices --json   {devices_time * 1000:7.1f} ms  (+{(devices_time - base) * 1000:.1f} ms)")
    finally:
        subprocess.run([adb, "-P", str(port), "kill-server"], env=env, capture_output=True)
        device.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
