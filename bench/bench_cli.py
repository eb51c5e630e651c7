"""Whole-process cost of everyday bt commands, side by side with stock adb doing the same action.

Scripts and device labs run bt thousands of times, so what counts is the wall time of a whole process,
start-up included, as the user runs it. Each row runs `python -c pass`, the bt command and the same
action through the stock adb client, taking turns, and reports medians (and best for transfers).

Run: .venv/bin/python bench/bench_cli.py [--runs 15] [--big-mib 256] [--tree 2000] [--adb PATH]
     [--only quick|transfers]
The virtual device runs as its own process (`python -m virtual_device`), so it never shares bt's GIL.
bt runs with its warm process on, as a user's does after their first command (README: "The warm
process"); the rows marked BT_WARM=off show the same commands started cold.
"""

from __future__ import annotations

import argparse
import os
import shutil
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
        port: int = s.getsockname()[1]
        return port


def run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:5])} failed ({done.returncode}): {done.stderr.decode()[-400:]}")
    return elapsed


def side_by_side(
    runs: int, cases: dict[str, Callable[[], float]], reduce: Callable[[list[float]], float]
) -> dict[str, float]:
    """Each case once per round, rounds repeated: a busy spell on the machine hits every case alike."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            samples[name].append(case())
    return {name: reduce(values) for name, values in samples.items()}


def settled(case: Callable[[], float]) -> Callable[[], float]:
    """The case, run after `sync` has written every dirty page back (not timed)."""

    def run_settled() -> float:
        os.sync()
        return case()

    return run_settled


def warm_up(command: Callable[[], float], runtime: Path) -> None:
    """Run a fast-lane command until the warm bt process it starts is taking commands (its log says
    so), as it is for a user after their first command."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        command()
        logs = list(runtime.glob("bt-*/warm-*.sock.log"))
        if logs and logs[0].read_text().strip():
            return
        time.sleep(0.3)
    raise RuntimeError("the warm bt process never took a command")


def make_tree(root: Path, count: int) -> None:
    for i in range(count):
        folder = root / f"d{i % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i:05d}.txt").write_bytes(os.urandom(2048 + (i * 37) % 3072))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="rounds for the one-round-trip commands")
    parser.add_argument("--transfer-runs", type=int, default=3, help="rounds for the transfers (best of)")
    parser.add_argument("--big-mib", type=int, default=256)
    parser.add_argument("--tree", type=int, default=2000)
    parser.add_argument("--adb", default=None, help="adb binary (default: the one bundled with adbutils)")
    parser.add_argument("--only", choices=("quick", "transfers"), default=None, help="run one of the two tables")
    args = parser.parse_args()

    from adb_backend.server import bundled_adb_path

    adb = args.adb or str(bundled_adb_path())
    work = Path(tempfile.mkdtemp(prefix="bt-bench-cli-"))
    adb_port, dev_port = free_port(), free_port()
    env = {
        **os.environ,
        "HOME": str(work / "home"),
        "ANDROID_ADB_SERVER_PORT": str(adb_port),
        "ADB_MDNS": "0",
        "BT_DATA_DIR": str(work / "bt-data"),
        "BT_CONFIG_DIR": str(work / "bt-config"),
        "BT_POLICY": str(work / "policy.toml"),
        "BT_TECHNICIAN": "bench",
        "NO_COLOR": "1",
        # the warm bt process (bt_cli/warm_server.py) is on, as for a user, in a folder of this run's own
        "XDG_RUNTIME_DIR": str(work / "rt"),
    }
    env.pop("BT_WARM", None)
    cold = {**env, "BT_WARM": "off"}
    env.pop("BT_DATABASE_URL", None)
    # bytecode is written and reused, as on a user's machine (a CI shell may forbid it; then every run
    # would compile bt's modules from source)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    (work / "home").mkdir()
    (work / "rt").mkdir()
    (work / "policy.toml").write_text(f'[files]\nlocal_paths = ["{work}"]\n')
    device = subprocess.Popen(
        [sys.executable, "-m", "virtual_device", "--port", str(dev_port), "--data-dir", str(work / "vd")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bt = [sys.executable, "-m", "bt_cli"]
    if (ROOT / ".venv" / "bin" / "bt").exists() and not os.environ.get("PYTHONPATH"):
        bt = [str(ROOT / ".venv" / "bin" / "bt")]
    a = [adb, "-P", str(adb_port)]
    try:
        subprocess.run([*a, "start-server"], env=env, check=True, capture_output=True)
        serial = f"127.0.0.1:{dev_port}"
        deadline = time.monotonic() + 20
        while b"connected to" not in subprocess.run([*a, "connect", serial], env=env, capture_output=True).stdout:
            if time.monotonic() > deadline:
                raise RuntimeError("the virtual device did not come up")
            time.sleep(0.2)
        subprocess.run([*a, "-s", serial, "wait-for-device"], env=env, check=True, timeout=30)
        subprocess.run([*bt, "session", "start", "--customer", "Bench"], env=env, check=True, capture_output=True)
        # input needs the control grant (lab use: set by the technician)
        subprocess.run([*bt, "screen", "grant", "control"], env=env, check=True, capture_output=True)
        s = [*a, "-s", serial]
        py = [sys.executable, "-c", "pass"]
        quick = {
            "python -c pass": lambda: run(py, env),
            "bt --help": lambda: run([*bt, "--help"], env),
            "adb devices": lambda: run([*a, "devices", "-l"], env),
            "bt devices --json": lambda: run([*bt, "devices", "--json"], env),
            "adb shell ls /sdcard": lambda: run([*s, "shell", "ls", "/sdcard"], env),
            "bt files ls /sdcard": lambda: run([*bt, "files", "ls", "/sdcard"], env),
            "bt files ls /sdcard (BT_WARM=off)": lambda: run([*bt, "files", "ls", "/sdcard"], cold),
            "adb shell cmd notification post": lambda: run(
                [*s, "shell", "cmd", "notification", "post", "-t", "Bench", "bench", "hello"], env
            ),
            "bt chat send": lambda: run([*bt, "chat", "send", "--no-spellcheck", "hello from bench"], env),
            "bt chat send, spelling checked": lambda: run([*bt, "chat", "send", "hello from bench"], env),
            "bt chat send (BT_WARM=off)": lambda: run(
                [*bt, "chat", "send", "--no-spellcheck", "hello from bench"], cold
            ),
            "adb shell input tap": lambda: run([*s, "shell", "input", "tap", "10", "10"], env),
            "bt input tap": lambda: run([*bt, "input", "tap", "10", "10"], env),
            "adb shell getprop+dumpsys": lambda: run([*s, "shell", "getprop; dumpsys battery"], env),
            "bt sysinfo --json": lambda: run([*bt, "sysinfo", "--json"], env),
        }
        warm_up(lambda: run([*bt, "files", "ls", "/sdcard"], env), work / "rt")
        if args.only != "transfers":
            for case in quick.values():  # one untimed round: bytecode written, caches as a user has them
                case()
            medians = side_by_side(args.runs, quick, statistics.median)
            base = medians["python -c pass"]
            print(f"{'command':36} {'median':>9} {'over python':>12}")
            for name, value in medians.items():
                print(f"{name:36} {value * 1000:7.1f} ms {(value - base) * 1000:9.1f} ms")
        if args.only == "quick":
            return 0

        big = work / "big.bin"
        with big.open("wb") as handle:
            for _ in range(args.big_mib):
                handle.write(os.urandom(1 << 20))
        tree = work / "tree"
        make_tree(tree, args.tree)
        back = work / "back"

        def fresh(path: Path) -> None:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()

        def push_to(remote: str, argv: list[str]) -> Callable[[], float]:
            """A push onto a device path removed first: bt skips content already there, a tree would nest."""

            def case() -> float:
                subprocess.run([*s, "shell", f"rm -rf {remote}"], env=env, check=True)
                return run([*argv, remote], env)

            return case

        def pull_back(argv: list[str]) -> Callable[[], float]:
            """A pull into a local path removed first."""

            def case() -> float:
                fresh(back)
                return run([*argv, str(back)], env)

            return case

        bt_push = [*bt, "files", "push", "--on-clash", "overwrite"]
        bt_pull = [*bt, "files", "pull", "--on-clash", "overwrite"]
        transfers = {
            f"adb push {args.big_mib} MiB": push_to("/data/local/tmp/a.bin", [*s, "push", str(big)]),
            f"bt files push {args.big_mib} MiB": push_to("/data/local/tmp/b.bin", [*bt_push, str(big)]),
            f"adb pull {args.big_mib} MiB": pull_back([*s, "pull", "/data/local/tmp/a.bin"]),
            f"bt files pull {args.big_mib} MiB": pull_back([*bt_pull, "/data/local/tmp/b.bin"]),
            f"adb push {args.tree}-file tree": push_to("/data/local/tmp/atree", [*s, "push", str(tree)]),
            f"bt files push {args.tree}-file tree": push_to("/data/local/tmp/btree", [*bt_push, str(tree)]),
            f"adb pull {args.tree}-file tree": pull_back([*s, "pull", "/data/local/tmp/atree"]),
            f"bt files pull {args.tree}-file tree": pull_back([*bt_pull, "/data/local/tmp/btree"]),
        }
        # each transfer starts with the disk settled: the dirty pages of the one before (256 MiB) would
        # otherwise be written back during the next, whichever tool it is
        best = side_by_side(args.transfer_runs, {name: settled(case) for name, case in transfers.items()}, min)
        print(f"\n{'transfer (best of ' + str(args.transfer_runs) + ')':36} {'wall':>9} {'bt / adb':>9}")
        names = list(best)
        for adb_name, bt_name in zip(names[0::2], names[1::2], strict=True):
            print(f"{adb_name:36} {best[adb_name]:7.3f} s")
            print(f"{bt_name:36} {best[bt_name]:7.3f} s {best[bt_name] / best[adb_name]:9.2f}")
    finally:
        # end the session so its session host stops too (it would outlive the benchmark otherwise)
        subprocess.run([*bt, "session", "end"], env=env, capture_output=True)
        subprocess.run([*a, "kill-server"], env=env, capture_output=True)
        from bt_cli.warm_server import stop_all

        stop_all(str(work / "rt"))  # the warm bt process
        device.terminate()
        device.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
