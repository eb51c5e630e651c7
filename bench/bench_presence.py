"""Presence detection latency of the session host: how long after the device goes away the session is
Customer Absent, and how long after it is back (adb says `device`) it is In Progress again and the
customer page's reverse mapping is back. No bt command runs in between; the store is read directly.

Runs a virtual device on a private adb server, one session with its host. Prints median and p95.
Usage: .venv/bin/python bench/bench_presence.py [--rounds 20]
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
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(check: Callable[[], bool], timeout: float = 30.0) -> float:
    """Seconds until `check()` holds (polled every 5 ms)."""
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("condition not reached")
        time.sleep(0.005)
    return time.perf_counter() - start


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    from adb_backend.server import bundled_adb_path
    from bt_core.store import Store
    from virtual_device import VirtualDevice

    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="bt-bench-"))
    env = dict(
        os.environ,
        ANDROID_ADB_SERVER_PORT=str(port),
        HOME=str(tmp),
        BT_DATA_DIR=str(tmp),
        BT_CONFIG_DIR=str(tmp),
        BT_TECHNICIAN="bench",
        BT_SESSION_HOST="on",
        PYTHONPATH=str(ROOT),
    )
    adb = [str(bundled_adb_path()), "-P", str(port)]
    subprocess.run([*adb, "start-server"], env=env, check=True, capture_output=True)
    device = VirtualDevice(port=free_port(), data_dir=tmp / "vd")
    device.start()
    session_id = ""
    try:

        def online() -> bool:
            out = subprocess.run([*adb, "devices"], env=env, capture_output=True).stdout.decode()
            return f"{device.serial}\tdevice" in out

        subprocess.run([*adb, "connect", device.serial], env=env, check=True, capture_output=True)
        wait(online)
        bt = [sys.executable, "-m", "bt_cli"]
        started = subprocess.run(
            [*bt, "session", "start", "--device", device.serial], env=env, capture_output=True, text=True, check=True
        )
        session_id = started.stdout.strip()
        store = Store.open(None, sqlite_path=tmp / "bt.sqlite3")

        def host_state() -> dict:
            row = store.get_host(session_id)
            return row["state"] if row else {}

        def mapped() -> bool:
            state = host_state()
            listed = subprocess.run([*adb, "-s", device.serial, "reverse", "--list"], env=env, capture_output=True)
            return f"tcp:{state.get('device_port')} tcp:{state.get('port')}" in listed.stdout.decode()

        wait(lambda: host_state().get("mapping") == "mapped")
        absent, back, remapped = [], [], []
        for _ in range(args.rounds):
            subprocess.run([*adb, "disconnect", device.serial], env=env, check=True, capture_output=True)
            absent.append(wait(lambda: store.get_session(session_id).status == "customer_absent"))
            subprocess.run([*adb, "connect", device.serial], env=env, check=True, capture_output=True)
            start = time.perf_counter()
            wait(online)
            online_at = time.perf_counter() - start
            back.append(wait(lambda: store.get_session(session_id).status == "in_progress") + online_at)
            remapped.append(wait(mapped) + back[-1])
        for name, samples in (("absent", absent), ("back", back), ("page mapped again", remapped)):
            print(
                f"{name:18} median {statistics.median(samples) * 1000:7.1f} ms   p95 {p95(samples) * 1000:7.1f} ms"
                f"   (n={len(samples)})"
            )
        store.close()
    finally:
        if session_id:
            subprocess.run([*bt, "session", "end", session_id], env=env, capture_output=True)
        subprocess.run([*adb, "kill-server"], env=env, capture_output=True)
        device.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
