"""System information: batched collectors vs one shell per field, at 0 and 30 ms of link latency.

Run: .venv/bin/python bench/bench_sysinfo.py [--runs N]
Starts a private adb server (the one bundled with adbutils) on a free port and a virtual device per
latency, `adb connect`s it, and times: the overview (1 round trip) against 15 separate shells, and
`--all` (at most 3 round trips) against one shell per command. Prints the median wall times and ratios.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm up: connection, features, the device's first dumpsys
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="bt-bench-home-")
    port = free_port()
    os.environ.update(ANDROID_ADB_SERVER_PORT=str(port), HOME=home, ADB_MDNS="0")
    from adb_backend.client import AdbBackend
    from adb_backend.server import bundled_adb_path
    from adb_backend.sysinfo import NAIVE_OVERVIEW, PROBES, SECTION_NAMES, SECTIONS, collect, collect_naively
    from virtual_device import VirtualDevice

    adb = str(bundled_adb_path())
    subprocess.run([adb, "-P", str(port), "start-server"], check=True, capture_output=True)
    other = [PROBES[p].command for s in SECTION_NAMES if s != "overview" for p in SECTIONS[s]]
    naive_all = list(NAIVE_OVERVIEW) + [c for c in dict.fromkeys(other) if c not in NAIVE_OVERVIEW]
    print(
        f"runs per figure: {args.runs} (median); naive overview = {len(NAIVE_OVERVIEW)} shells, "
        f"naive --all = {len(naive_all)} shells"
    )
    print(f"{'latency':>8} {'what':>9} {'batched ms':>11} {'trips':>6} {'naive ms':>9} {'trips':>6} {'ratio':>6}")
    try:
        for latency in (0, 30):
            device = VirtualDevice(
                port=free_port(), data_dir=Path(tempfile.mkdtemp(prefix="bt-bench-vd-")), latency_ms=latency
            )
            device.start()
            try:
                for _ in range(100):
                    out = subprocess.run(
                        [adb, "-P", str(port), "connect", device.serial], capture_output=True, text=True
                    ).stdout
                    if out.startswith(("connected", "already")):
                        break
                    time.sleep(0.1)
                time.sleep(0.5)
                dev = AdbBackend(None, adb_path=bundled_adb_path()).open(device.serial)
                for what, sections, naive in (
                    ("overview", ["overview"], list(NAIVE_OVERVIEW)),
                    ("--all", list(SECTION_NAMES), naive_all),
                ):
                    trips = collect(dev, sections).round_trips
                    batched = median_ms(lambda s=sections, d=dev: collect(d, s), args.runs)
                    slow = median_ms(lambda n=naive, d=dev: collect_naively(d, n), args.runs)
                    print(
                        f"{latency:>6}ms {what:>9} {batched:>11.1f} {trips:>6} {slow:>9.1f} {len(naive):>6} "
                        f"{slow / batched:>5.1f}x"
                    )
            finally:
                subprocess.run([adb, "-P", str(port), "disconnect", device.serial], capture_output=True)
                device.stop()
    finally:
        subprocess.run([adb, "-P", str(port), "kill-server"], capture_output=True)


if __name__ == "__main__":
    main()
