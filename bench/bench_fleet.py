"""`bt fleet triage` over many virtual devices on two adb servers, at several parallelisms.

Run: .venv/bin/python bench/bench_fleet.py [--devices 20] [--parallel 1 4 8]
Starts two private adb servers (the binary bundled with adbutils) on free ports and N virtual devices in
this process, half `adb connect`ed to each server. For each parallelism it runs the real CLI,
`bt --adb-server A --adb-server B fleet triage --out DIR --parallel P --json`, in a fresh data dir, and
reports the wall time, the median per-device time (from the JSON lines) and the bt process's peak RSS
(its VmHWM: bt alone, not the virtual devices).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def connect(adb: str, port: int, serial: str) -> None:
    for _ in range(200):
        out = subprocess.run([adb, "-P", str(port), "connect", serial], capture_output=True, text=True).stdout
        if out.startswith(("connected", "already")):
            break
        time.sleep(0.1)
    for _ in range(200):
        lines = subprocess.run([adb, "-P", str(port), "devices"], capture_output=True, text=True).stdout.splitlines()
        if any(line.split("\t") == [serial, "device"] for line in lines):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{serial} never came online on port {port}")


def watch_hwm(pid: int, peak: list[int]) -> None:
    """The child's VmHWM (KiB), polled until it exits. Not wait4's ru_maxrss: that one keeps the high-water
    mark of the forked copy of this process (with its 20 virtual devices) from before the exec."""
    path = Path(f"/proc/{pid}/status")
    while True:
        try:
            text = path.read_text()
        except OSError:
            return
        for line in text.splitlines():
            if line.startswith("VmHWM:"):
                peak[0] = max(peak[0], int(line.split()[1]))
        if "State:\tZ" in text:
            return
        time.sleep(0.02)


def run_triage(servers: list[str], parallel: int, work: Path, env: dict[str, str]) -> tuple[float, list[float], int]:
    """(wall seconds, per-device seconds, peak RSS in MiB) of one `bt fleet triage`."""
    data = work / f"data-p{parallel}"
    out = work / f"out-p{parallel}"
    data.mkdir()
    flags = [w for s in servers for w in ("--adb-server", s)]
    argv = [sys.executable, "-m", "bt_cli", *flags, "fleet", "triage", "--out", str(out), "--parallel", str(parallel)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*argv, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**env, "BT_DATA_DIR": str(data), "BT_CONFIG_DIR": str(data)},
    )
    peak = [0]
    watcher = threading.Thread(target=watch_hwm, args=(process.pid, peak), daemon=True)
    watcher.start()
    stdout = process.stdout.read() if process.stdout else b""
    status = process.wait()
    wall = time.perf_counter() - started
    watcher.join()
    stderr = process.stderr.read().decode() if process.stderr else ""
    if status != 0:
        raise RuntimeError(f"fleet triage failed (parallel {parallel}): {stderr[-2000:]}")
    rows = [json.loads(line) for line in stdout.decode().splitlines() if line.strip()]
    per_device = [float(r["elapsed_s"]) for r in rows if r["state"] == "done"]
    if len(per_device) != len(rows):
        raise RuntimeError(f"some devices failed: {[r for r in rows if r['state'] != 'done']}")
    return wall, per_device, peak[0] // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--parallel", type=int, nargs="+", default=[1, 4, 8])
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    home = tempfile.mkdtemp(prefix="bt-bench-home-")
    work = Path(tempfile.mkdtemp(prefix="bt-bench-fleet-"))
    ports = [free_port(), free_port()]
    os.environ.update(HOME=home, ADB_MDNS="0", ANDROID_ADB_SERVER_PORT=str(ports[0]))
    from adb_backend.server import bundled_adb_path
    from virtual_device import VirtualDevice

    adb = str(bundled_adb_path())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BT_TECHNICIAN": "bench", "NO_COLOR": "1"}
    for name in ("BT_DATABASE_URL", "BT_SESSION", "BT_DEVICE", "BT_ADB_SERVER"):
        env.pop(name, None)
    devices = []
    try:
        for port in ports:
            subprocess.run([adb, "-P", str(port), "start-server"], check=True, capture_output=True, env=env)
        for index in range(args.devices):
            device = VirtualDevice(port=free_port(), data_dir=work / f"vd{index}")
            device.start()
            devices.append(device)
            connect(adb, ports[index % 2], device.serial)
        servers = [f"127.0.0.1:{p}" for p in ports]
        print(f"{args.devices} virtual devices on 2 adb servers; {os.cpu_count()} CPU(s)")
        print(f"{'parallel':>8} {'wall s':>8} {'per-device median s':>20} {'devices/min':>12} {'peak RSS MiB':>13}")
        for parallel in args.parallel:
            wall, per_device, rss = run_triage(servers, parallel, work, env)
            rate = len(per_device) / wall * 60
            print(f"{parallel:>8} {wall:>8.1f} {statistics.median(per_device):>20.2f} {rate:>12.1f} {rss:>13}")
    finally:
        for device in devices:
            device.stop()
        for port in ports:
            subprocess.run([adb, "-P", str(port), "kill-server"], capture_output=True, env=env)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
