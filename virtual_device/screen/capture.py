"""Turning a rendered frame into screencap's bytes: PNG, or the raw RGBA dump with its 16-byte header."""

from __future__ import annotations

import io
import struct

FORMAT_RGBA_8888 = 1
COLORSPACE_SRGB = 1


def png_bytes(image) -> bytes:
    """An RGBA PNG like the phone's (compress level 1: a 1080x2400 shot in tens of ms, still valid PNG)."""
    buffer = io.BytesIO()
    image.convert("RGBA").save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def raw_bytes(image) -> bytes:
    """screencap's raw output: u32 width, height, format (RGBA_8888), colorspace (sRGB), then the rows."""
    rgba = image.convert("RGBA")
    header = struct.pack("<4I", rgba.width, rgba.height, FORMAT_RGBA_8888, COLORSPACE_SRGB)
    return header + rgba.tobytes()
