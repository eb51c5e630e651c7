"""Live screen benchmark: decoded fps, end-to-end latency and bytes/s per colour mode, plus decode-only fps.

Run: .venv/bin/python bench/bench_screen.py [--seconds N]
Everything goes through the real stack: a private adb server (adbutils' bundled adb) connected over
loopback to an in-process virtual device that draws the wall-clock time into every frame. Latency is
the time a frame is decoded here minus the time drawn into it (render + encode + adb + decode).
Decode-only replays a recorded 1080x2400 stream through PyAV with no device in the loop.
Note the virtual device renders and encodes on the same 2 cores as the decoder.
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from adb_backend import screen  # noqa: E402
from adb_backend.server import bundled_adb_path  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_stack(home: Path):
    from virtual_device import VirtualDevice

    port = free_port()
    os.environ.update(ANDROID_ADB_SERVER_PORT=str(port), HOME=str(home), ADB_MDNS="0")
    adb = [str(bundled_adb_path()), "-P", str(port)]
    subprocess.run([*adb, "start-server"], check=True, capture_output=True, timeout=30)
    vd = VirtualDevice(port=free_port(), data_dir=home / "vd")
    vd.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        subprocess.run([*adb, "connect", vd.serial], capture_output=True, timeout=10)
        out = subprocess.run([*adb, "devices"], capture_output=True, text=True, timeout=10).stdout
        if f"{vd.serial}\tdevice" in out:
            break
        time.sleep(0.2)
    from adb_backend.client import AdbBackend
    from adb_backend.server import ServerAddress

    backend = AdbBackend([ServerAddress.parse(f"127.0.0.1:{port}")], adb_path=bundled_adb_path())
    return adb, vd, backend.open(vd.serial)


def run_mode(device, mode: str, size: str | None, seconds: float) -> dict[str, float | str]:
    from virtual_device.screen.timestamp import read_timestamp

    config = screen.stream_config(mode, (1080, 2400), size=size)
    latencies: list[float] = []
    with screen.ScreenStream(device, config) as live:
        live.latest(timeout=10)  # skip start-up (process launch, first key frame)
        begin = live.stats()
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            frame = live.latest(timeout=2)
            if frame is None:
                break
            stamp = read_timestamp(frame.video_frame.to_image())
            if stamp is not None:
                latencies.append(frame.received_at * 1000 - stamp)
        end = live.stats()
    elapsed = end.elapsed - begin.elapsed
    return {
        "mode": config.mode.label,
        "size": f"{config.size[0]}x{config.size[1]}",
        "fps": (end.frames_decoded - begin.frames_decoded) / elapsed,
        "latency_median_ms": statistics.median(latencies) if latencies else float("nan"),
        "latency_p95_ms": sorted(latencies)[int(len(latencies) * 0.95)] if latencies else float("nan"),
        "kbytes_per_s": (end.bytes_total - begin.bytes_total) / elapsed / 1000,
        "dropped": end.frames_dropped - begin.frames_dropped,
    }


def decode_only(device, seconds: float, repeats: int) -> dict[str, float]:
    """Capture a 1080x2400 stream, then time PyAV decoding it (no device in the loop)."""
    import av

    raw = bytearray()
    config = screen.stream_config("full", (1080, 2400), size="actual")
    with screen.ScreenStream(device, config, raw_sink=raw.extend, decode=False):
        time.sleep(seconds)
    data = bytes(raw)
    results = {}
    for threads in ("SLICE", "AUTO"):
        frames, began = 0, time.perf_counter()
        for _ in range(repeats):
            codec = av.CodecContext.create("h264", "r")
            codec.thread_type = threads
            for packet in [*codec.parse(data), *codec.parse(None)]:
                frames += len(codec.decode(packet))
        results[f"decode_only_fps_{threads.lower()}"] = frames / (time.perf_counter() - began)
    results["recorded_frames"] = frames / repeats
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per mode")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bt-bench-screen-") as tmp:
        adb, vd, device = start_stack(Path(tmp))
        try:
            vd.state.screen.open_camera()  # a moving scene
            vd.state.screen.frame_timestamps = True
            rows = [run_mode(device, "full", "actual", args.seconds)]
            rows += [run_mode(device, mode, None, args.seconds) for mode in ("bw", "few", "more", "video")]
            print(f"{'mode':<18}{'size':>11}{'fps':>8}{'lat p50':>10}{'lat p95':>10}{'kB/s':>10}{'dropped':>9}")
            for row in rows:
                print(
                    f"{row['mode']:<18}{row['size']:>11}{row['fps']:>8.1f}{row['latency_median_ms']:>9.0f}ms"
                    f"{row['latency_p95_ms']:>8.0f}ms{row['kbytes_per_s']:>10.0f}{row['dropped']:>9}"
                )
            decoded = decode_only(device, min(args.seconds, 4.0), repeats=5)
            print(
                f"decode-only 1080x2400 ({decoded['recorded_frames']:.0f} frames x5): "
                f"{decoded['decode_only_fps_slice']:.0f} fps (slice threads, the live setting), "
                f"{decoded['decode_only_fps_auto']:.0f} fps (frame threads)"
            )
        finally:
            vd.stop()
            subprocess.run([*adb, "kill-server"], capture_output=True, timeout=30)


if __name__ == "__main__":
    main()
