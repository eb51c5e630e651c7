"""Virtual device screen: render ms/frame, encode fps (1080x2400 and 540x1200), decode fps with PyAV.

Run: .venv/bin/python bench/bench_vd_screen.py [--seconds N]
Encode fps is render + libx264 (ultrafast/zerolatency) on a changing screen, i.e. the ceiling of what
`screenrecord` can deliver; decode fps is PyAV's h264 decoder on a recorded 1080x2400 stream.
"""

from __future__ import annotations

import argparse
import statistics
import time

import av

from virtual_device.screen.encoder import H264Encoder
from virtual_device.screen.model import ScreenModel


def busy_model() -> ScreenModel:
    """A screen with real motion (the camera viewfinder), a notification and the timestamp strip."""
    model = ScreenModel(1080, 2400, 420)
    model.open_camera()
    model.post_notification("bench", "Support session", "A technician is viewing your screen")
    model.frame_timestamps = True
    return model


def bench_render(seconds: float) -> dict[str, float]:
    model = ScreenModel(1080, 2400, 420)
    results = {}
    scenes = {
        "home": lambda: None,
        "notification": lambda: model.post_notification("n", "Hello", "A heads-up notification"),
        "browser+typing": lambda: (model.open_url("https://example.com/a/b"), model.type_text("typed text")),
        "camera": model.open_camera,
    }
    for name, setup in scenes.items():
        setup()
        model.render()
        times = []
        end = time.perf_counter() + seconds / len(scenes)
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            model.render()
            times.append((time.perf_counter() - t0) * 1000)
        results[name] = statistics.median(times)
    return results


def bench_encode(size: tuple[int, int], seconds: float) -> tuple[float, bytes]:
    model = busy_model()
    encoder = H264Encoder(*size, bit_rate=8_000_000)
    data = bytearray()
    frames = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        image = model.render()
        for packet in encoder.encode(image, int((time.perf_counter() - start) * 1000)):
            data += packet
        frames += 1
    elapsed = time.perf_counter() - start
    for packet in encoder.close():
        data += packet
    return frames / elapsed, bytes(data)


def bench_decode(stream: bytes, repeat: int = 3) -> float:
    frames = 0
    start = time.perf_counter()
    for _ in range(repeat):
        codec = av.CodecContext.create("h264", "r")
        for packet in codec.parse(stream):
            frames += len(codec.decode(packet))
        frames += len(codec.decode(None))
    return frames / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=4.0)
    args = parser.parse_args()
    for name, ms in bench_render(args.seconds).items():
        print(f"render 1080x2400 {name:<16} {ms:6.2f} ms/frame (median)")
    fps_full, stream = bench_encode((1080, 2400), args.seconds)
    print(f"encode 1080x2400 (render+x264)   {fps_full:6.1f} fps  {len(stream) / args.seconds / 1e6:.2f} MB/s")
    fps_half, _ = bench_encode((540, 1200), args.seconds)
    print(f"encode 540x1200  (render+x264)   {fps_half:6.1f} fps")
    print(f"decode 1080x2400 (PyAV h264)     {bench_decode(stream):6.1f} fps")


if __name__ == "__main__":
    main()
