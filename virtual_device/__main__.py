"""`python -m virtual_device` (and `bt virtual-device`): run a virtual phone in the foreground."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

DEFAULT_PORT = 15555  # outside 5555-5585, which the adb server probes for emulators


def _accept_after(text: str) -> float | None:
    if text.lower() == "never":
        return None
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0 or 'never'")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a TCP port (0-65535)")
    return value


def _profile(text: str) -> str | Path:
    """A version profile's name (android-9, 12, ...) or a profile folder; anything else is refused."""
    from virtual_device.profiles import lookup

    if lookup(text) is not None:
        return text
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"no version profile or profile folder {text!r}")
    return path


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="virtual-device",
        description="A virtual Android phone that `adb connect 127.0.0.1:PORT` reaches.",
    )
    p.add_argument("--port", type=_port, default=None, help=f"TCP port (default {DEFAULT_PORT}, or a free one)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--profile",
        type=_profile,
        default=None,
        help="android-6, android-9, android-12, android-14 or android-15 (a foldable), or a profile "
        "directory (default: Pixel 8, Android 14)",
    )
    p.add_argument("--data-dir", type=Path, default=None, help="where the device keeps its files (default: temp)")
    p.add_argument("--keep-state", action="store_true", help="reuse the data dir's files and state")
    p.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every packet sent")
    p.add_argument("--bandwidth-mbps", type=float, default=None, help="cap each direction (e.g. 280 for USB 2)")
    p.add_argument("--auth", action="store_true", help="require RSA authentication (ro.adb.secure=1)")
    p.add_argument(
        "--auth-accept-after",
        type=_accept_after,
        default=0.0,
        metavar="SECONDS|never",
        help="when the simulated user accepts a new host key (default 0)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from virtual_device.server import VirtualDevice

    def make(port: int) -> VirtualDevice:
        return VirtualDevice(
            port=port,
            host=args.host,
            profile=args.profile,
            data_dir=args.data_dir,
            keep_state=args.keep_state,
            latency_ms=args.latency_ms,
            bandwidth_mbps=args.bandwidth_mbps,
            auth=args.auth,
            auth_accept_after=args.auth_accept_after,
        )

    port = DEFAULT_PORT if args.port is None else args.port
    device = make(port)
    try:
        device.start()
    except OSError as exc:
        if args.port is not None:
            print(f"virtual device: cannot listen on {args.host}:{port}: {exc.strerror}", file=sys.stderr)
            return 1
        device.stop()
        device = make(0)
        device.start()
        print(f"port {port} is taken; using {device.port} instead", file=sys.stderr)
    print(f"virtual device listening on {device.host}:{device.port} (serial {device.serial})", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        device.stop()
    print("virtual device stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
