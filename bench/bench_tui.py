"""bt tui: frames per second the Screen pane draws at 120x40 (half-blocks and Kitty graphics), and the time
from a key press in control mode to the input event reaching the device, with the stream running; and how
late the UI's event loop runs while frames are drawn (what a key or click can wait behind).

Run: .venv/bin/python bench/bench_tui.py [--seconds N] [--keys N]
Headless (Textual's test driver), against an in-process virtual device showing the moving camera
viewfinder with the frame-timestamp strip, through a private stock adb server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class Stamped(list[str]):
    """The device's shell commands, each stamped when the device's own thread records it: the key latency
    then ends when the device has the command, not when the UI's event loop gets round to noticing."""

    def __init__(self) -> None:
        super().__init__()
        self.stamps: list[float] = []

    def append(self, item: str) -> None:
        self.stamps.append(time.perf_counter())
        super().append(item)


async def loop_lag(seconds: float) -> list[float]:
    """How late the UI's event loop wakes a 5 ms timer (ms, sorted), for `seconds`: the time anything the
    user does (a key, a click) can wait behind drawing."""
    lags: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        await asyncio.sleep(0.005)
        lags.append(max(0.0, (time.perf_counter() - t0 - 0.005) * 1000))
    return sorted(lags)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def run(seconds: float, keys: int, tmp: Path) -> dict[str, float]:

    from bt_core.services import Services
    from bt_core.settings import load_settings
    from bt_tui.app import make_app
    from bt_tui.panes import screen as screen_pane
    from bt_tui.panes.kitty import KittyPicture
    from virtual_device import VirtualDevice

    device = VirtualDevice(port=free_port(), data_dir=tmp / "vd")
    device.start()
    commands = Stamped()
    device.counters.shell_commands = commands
    adb = os.environ["BT_ADB_PATH_FOR_BENCH"]
    subprocess.run([adb, "connect", device.serial], capture_output=True, check=True)
    time.sleep(1.0)
    device.state.screen.open_camera()
    device.state.screen.frame_timestamps = True
    services = Services(load_settings())
    record = services.sessions.start(device.serial, customer="Bench")
    services.grants.set(record.id, "control", by="customer")
    results: dict[str, float] = {}
    try:
        for draw in ("halfcell", "graphics"):
            screen_pane.ScreenPane.graphics_class = KittyPicture
            app = make_app(services, session_id=record.id, start_stream=False)
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause(0.5)
                await pilot.press("f2")
                pane = app.screen.query_one("#screen-pane", screen_pane.ScreenPane)
                if draw == "halfcell":
                    await pilot.press("g")
                pane.start_stream()
                deadline = time.monotonic() + 20
                while pane.frames_drawn < 3 and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                stats0 = pane.live.stats()
                start, first = time.monotonic(), pane.frames_drawn
                lags = await loop_lag(seconds)
                elapsed = time.monotonic() - start
                results[f"lag_p95_{draw}"] = lags[max(0, int(len(lags) * 0.95) - 1)]
                results[f"lag_max_{draw}"] = lags[-1]
                results[f"fps_{draw}"] = (pane.frames_drawn - first) / elapsed
                results[f"decoded_{draw}"] = (pane.live.stats().frames_decoded - stats0.frames_decoded) / elapsed
                await pilot.press("ctrl+o")
                samples = []
                for _ in range(keys):
                    before = len(commands)
                    t0 = time.perf_counter()
                    press = asyncio.ensure_future(pilot.press("a"))  # press() also waits for idle
                    arrived = None
                    while arrived is None and time.perf_counter() - t0 < 5:
                        await asyncio.sleep(0.001)
                        arrived = next((i for i in range(before, len(commands)) if "input" in commands[i]), None)
                    samples.append(((commands.stamps[arrived] if arrived is not None else 5.0 + t0) - t0) * 1000)
                    await press
                    await asyncio.sleep(0.05)
                samples.sort()
                results[f"key_median_{draw}"] = statistics.median(samples)
                results[f"key_p95_{draw}"] = samples[max(0, int(len(samples) * 0.95) - 1)]
                await pilot.press("ctrl+o")
                pane.stop_stream()
                await pilot.pause(0.5)
    finally:
        services.sessions.end(record.id)
        services.close()
        subprocess.run([adb, "disconnect", device.serial], capture_output=True)
        device.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--keys", type=int, default=20)
    args = parser.parse_args()
    from adb_backend.server import bundled_adb_path

    with tempfile.TemporaryDirectory(prefix="bt-bench-tui-") as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        adb = str(bundled_adb_path())
        os.environ.update(
            ANDROID_ADB_SERVER_PORT=str(port),
            HOME=str(tmp),
            BT_DATA_DIR=str(tmp / "data"),
            BT_CONFIG_DIR=str(tmp / "config"),
            BT_POLICY=str(tmp / "policy.toml"),
            BT_TECHNICIAN="bench",
            BT_SESSION_HOST="off",  # drawing and keys only; the host is measured by bench_presence.py
            BT_ADB_PATH_FOR_BENCH=adb,
            ADB_MDNS="0",
        )
        subprocess.run([adb, "start-server"], capture_output=True, check=True)
        saved = os.dup(1)  # textual-image (Sixel) writes graphics to the real stdout even when headless
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        try:
            results = asyncio.run(run(args.seconds, args.keys, tmp))
        finally:
            os.dup2(saved, 1)
            subprocess.run([adb, "kill-server"], capture_output=True)
    print("bt tui screen pane at 120x40 (headless); key = 'a' typed in control mode, stream running")
    for draw, label in (("halfcell", "half-blocks"), ("graphics", "Kitty graphics")):
        print(
            f"  {label:15} {results[f'fps_{draw}']:5.1f} fps drawn ({results[f'decoded_{draw}']:.1f} decoded); "
            f"key -> device median {results[f'key_median_{draw}']:.1f} ms, p95 {results[f'key_p95_{draw}']:.1f} ms; "
            f"UI loop lag p95 {results[f'lag_p95_{draw}']:.1f} ms, max {results[f'lag_max_{draw}']:.1f} ms"
        )


if __name__ == "__main__":
    main()
