"""File transfer: bt vs the stock `adb push`/`adb pull`, on the same virtual device, in one run.

Run: .venv/bin/python bench/bench_files.py [--big-mib 256] [--tree 2000] [--bandwidth-mbps 40] [--adb PATH]
The virtual device runs as its own process (`python -m virtual_device`) so it never shares bt's GIL.
adb and bt take turns (best of --repeat each), so a busy spell on the machine hits both sides.
bt is timed in-process through the files service (what the CLI and TUI call), and its peak memory
is the ru_maxrss of a `bt files push/pull` CLI process for a small and a big file (flat = good).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run_rss(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(seconds, peak RSS in MiB) of a child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv[:4]} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big-mib", type=int, default=256)
    parser.add_argument("--tree", type=int, default=2000, help="number of small files")
    parser.add_argument("--bandwidth-mbps", type=float, default=None)
    parser.add_argument("--adb", default=None, help="adb binary (default: the one bundled with adbutils)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory runs of the CLI")
    args = parser.parse_args()

    from adb_backend.server import bundled_adb_path

    adb = args.adb or str(bundled_adb_path())
    work = Path(tempfile.mkdtemp(prefix="bt-bench-files-"))
    home = work / "home"
    home.mkdir()
    adb_port, dev_port = free_port(), free_port()
    env = {
        **os.environ,
        "HOME": str(home),
        "ANDROID_ADB_SERVER_PORT": str(adb_port),
        "ADB_MDNS": "0",
        "BT_DATA_DIR": str(work / "bt-data"),
        "BT_CONFIG_DIR": str(work / "bt-config"),
        "BT_POLICY": str(work / "policy.toml"),
        "BT_TECHNICIAN": "bench",
        "BT_SESSION_HOST": "off",  # transfers only; the host is measured by bench_presence.py
        "NO_COLOR": "1",
    }
    env.pop("BT_DATABASE_URL", None)
    (work / "policy.toml").write_text(f'[files]\nlocal_paths = ["{work}"]\n')
    os.environ.update(env)
    vd_argv = [sys.executable, "-m", "virtual_device", "--port", str(dev_port), "--data-dir", str(work / "vd")]
    if args.bandwidth_mbps:
        vd_argv += ["--bandwidth-mbps", str(args.bandwidth_mbps)]
    device = subprocess.Popen(vd_argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    serial = f"127.0.0.1:{dev_port}"

    def adb_run(*a: str) -> None:
        subprocess.run([adb, "-P", str(adb_port), "-s", serial, *a], check=True, capture_output=True, env=env)

    try:
        subprocess.run([adb, "-P", str(adb_port), "start-server"], check=True, capture_output=True, env=env)
        for _ in range(100):
            out = subprocess.run(
                [adb, "-P", str(adb_port), "connect", serial], capture_output=True, text=True, env=env
            ).stdout
            if out.startswith(("connected", "already")):
                break
            time.sleep(0.1)
        subprocess.run([adb, "-P", str(adb_port), "-s", serial, "wait-for-device"], check=True, env=env, timeout=30)

        big = work / "big.bin"
        with open(big, "wb") as handle:
            block = os.urandom(1 << 20)
            for _ in range(args.big_mib):
                handle.write(block)
        tree = work / "tree"
        tree_bytes = 0
        for i in range(args.tree):
            path = tree / f"d{i % 20:02d}" / f"f{i:04d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(os.urandom(2048 + (i % 7) * 512))
            tree_bytes += 2048 + (i % 7) * 512

        from bt_core.services import Services
        from bt_core.settings import load_settings

        services = Services(load_settings())
        services.sessions.start(serial)
        files = services.files
        out = work / "out"

        def fresh_out() -> Path:
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            return out

        def best_pair(adb_fn, bt_fn, setup) -> tuple[float, float]:
            """Best of N each, adb and bt taking turns so a busy spell on the machine hits both."""
            adb_times, bt_times = [], []
            for _ in range(args.repeat):
                setup()
                adb_times.append(timed(adb_fn))
                setup()
                bt_times.append(timed(bt_fn))
            return min(adb_times), min(bt_times)

        def rm_remote() -> None:
            adb_run("shell", "rm -rf /data/local/tmp/adb-* /data/local/tmp/bt-*")

        results: dict[str, dict[str, float]] = {}
        cases = {
            "big push": (
                lambda: adb_run("push", str(big), "/data/local/tmp/adb-big.bin"),
                lambda: files.push(None, [str(big)], "/data/local/tmp/bt-big.bin"),
                rm_remote,
            ),
            "big pull": (
                lambda: adb_run("pull", "/data/local/tmp/src-big.bin", str(out / "adb-big.bin")),
                lambda: files.pull(None, ["/data/local/tmp/src-big.bin"], str(out / "bt-big.bin")),
                fresh_out,
            ),
            "tree push": (
                lambda: adb_run("push", str(tree), "/data/local/tmp/adb-tree"),
                lambda: files.push(None, [str(tree)], "/data/local/tmp/bt-tree"),
                rm_remote,
            ),
            "tree pull": (
                lambda: adb_run("pull", "/data/local/tmp/src-tree", str(out / "adb-tree")),
                lambda: files.pull(None, ["/data/local/tmp/src-tree"], str(out / "bt-tree")),
                fresh_out,
            ),
        }
        adb_run("push", str(big), "/data/local/tmp/src-big.bin")
        adb_run("push", str(tree), "/data/local/tmp/src-tree")
        for name, (adb_fn, bt_fn, setup) in cases.items():
            adb_t, bt_t = best_pair(adb_fn, bt_fn, setup)
            mb = (args.big_mib << 20 if name.startswith("big") else tree_bytes) / 1e6
            results[name] = {
                "adb_s": round(adb_t, 3),
                "bt_s": round(bt_t, 3),
                "ratio": round(bt_t / adb_t, 3),
                "adb_mb_s": round(mb / adb_t, 1),
                "bt_mb_s": round(mb / bt_t, 1),
            }
            print(
                f"{name:10s}  adb {adb_t:7.3f} s {mb / adb_t:6.0f} MB/s   bt {bt_t:7.3f} s {mb / bt_t:6.0f} MB/s   "
                f"bt/adb {bt_t / adb_t:5.2f}",
                flush=True,
            )
        services.close()

        if args.no_memory:
            print(json.dumps({"big_mib": args.big_mib, "tree": args.tree, "results": results}, indent=2))
            return
        # peak memory of the CLI: a 16 MiB file vs the big one (flat in file size)
        small = work / "small.bin"
        small.write_bytes(os.urandom(16 << 20))
        bt_cli = [sys.executable, "-m", "bt_cli", "files"]
        memory = {}
        for label, path in (("16MiB", small), (f"{args.big_mib}MiB", big)):
            rm_remote()
            _, push_rss = run_rss([*bt_cli, "push", str(path), "/data/local/tmp/bt-mem.bin"], env)
            fresh_out()
            _, pull_rss = run_rss([*bt_cli, "pull", "/data/local/tmp/bt-mem.bin", str(out / "m.bin")], env)
            memory[label] = {"push_maxrss_mib": push_rss, "pull_maxrss_mib": pull_rss}
            print(f"peak RSS {label:7s} push {push_rss} MiB, pull {pull_rss} MiB", flush=True)
        print(
            json.dumps(
                {
                    "bandwidth_mbps": args.bandwidth_mbps,
                    "big_mib": args.big_mib,
                    "tree": args.tree,
                    "adb": adb,
                    "results": results,
                    "memory": memory,
                },
                indent=2,
            )
        )
    finally:
        subprocess.run([adb, "-P", str(adb_port), "kill-server"], capture_output=True, env=env)
        device.terminate()
        device.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
