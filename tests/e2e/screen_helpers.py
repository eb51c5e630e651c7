"""Shared steps for the screen, input and camera end-to-end tests."""

from __future__ import annotations

import io
import json
import os
from contextlib import contextmanager


def start_session(bt_env, serial: str, grant: str | None = None) -> str:
    result = bt_env.run("session", "start", "--device", serial, "--json")
    assert result.returncode == 0, result.stderr
    session_id = json.loads(result.stdout)["id"]
    if grant:
        granted = bt_env.run("screen", "grant", grant)
        assert granted.returncode == 0, granted.stderr
    return session_id


def events(bt_env, *kinds: str) -> list[dict]:
    args = [a for k in kinds for a in ("--kind", k)]
    result = bt_env.run("log", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def image(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


def region_differs(a, b, box, threshold: float = 4.0) -> bool:
    """Mean absolute difference of a region above `threshold` (0-255 scale)."""
    from PIL import ImageChops, ImageStat

    diff = ImageChops.difference(a.crop(box), b.crop(box))
    return sum(ImageStat.Stat(diff).mean) / 3 > threshold


@contextmanager
def services_for(bt_env):
    """bt_core in this process, configured exactly like the `bt` subprocesses of bt_env."""
    saved = dict(os.environ)
    os.environ.update(bt_env.env)
    try:
        from bt_core.services import Services
        from bt_core.settings import load_settings

        services = Services(load_settings())
        try:
            yield services
        finally:
            services.close()
    finally:
        os.environ.clear()
        os.environ.update(saved)
