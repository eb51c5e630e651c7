"""H.264 encoding of rendered frames with PyAV's libx264, as raw Annex-B or muxed into MP4.

Settings follow what a phone's screenrecord produces and what a live viewer wants: ultrafast preset,
zerolatency tune (no lookahead, no B-frames: each packet comes out as soon as its frame goes in),
yuv420p, SPS/PPS at the start and on every key frame, and a key frame at least every 10 s. Timestamps
are milliseconds since the first frame, because frames only come when the screen changes.
"""

from __future__ import annotations

from fractions import Fraction
from typing import BinaryIO

import av
from PIL import Image

KEYFRAME_SECONDS = 10.0


def _x264_options(bit_rate: int) -> dict[str, str]:
    kbps = max(100, bit_rate // 1000)
    return {
        "preset": "ultrafast",
        "tune": "zerolatency",
        "profile": "baseline",
        # CBR-ish rate control sized like MediaCodec's; headers repeated so a late decoder can join
        "x264-params": f"repeat-headers=1:vbv-maxrate={kbps}:vbv-bufsize={kbps}:keyint=infinite:scenecut=0",
    }


def even_size(width: int, height: int) -> tuple[int, int]:
    """Encoders take even sizes only (screenrecord floors to even too); libx264 pads to 16 and crops."""
    return (max(2, width & ~1), max(2, height & ~1))


class H264Encoder:
    """Encode PIL frames to H.264. `output=None` gives Annex-B packets; a file object gets an MP4."""

    def __init__(
        self, width: int, height: int, bit_rate: int = 20_000_000, output: BinaryIO | None = None, fps: int = 60
    ) -> None:
        self.width, self.height = even_size(width, height)
        self.bit_rate = bit_rate
        self._container = None
        self._last_key_ms: float | None = None
        self._last_pts = -1
        self.frames = 0
        if output is None:
            ctx = av.CodecContext.create("libx264", "w")
            self._codec = ctx
        else:
            self._container = av.open(output, "w", format="mp4")
            stream = self._container.add_stream("libx264", rate=fps)
            ctx = stream.codec_context
            self._stream = stream
            self._codec = ctx
        ctx.width, ctx.height = self.width, self.height
        ctx.pix_fmt = "yuv420p"
        ctx.time_base = Fraction(1, 1000)
        ctx.framerate = Fraction(fps, 1)
        ctx.bit_rate = bit_rate
        ctx.options = _x264_options(bit_rate)
        if self._container is not None:
            self._stream.time_base = Fraction(1, 1000)

    def encode(self, image: Image.Image, pts_ms: int) -> list[bytes]:
        """Encode one frame shown at `pts_ms`; return Annex-B packets (empty list when muxing to MP4)."""
        pts_ms = max(int(pts_ms), self._last_pts + 1)  # strictly increasing, whatever the clock did
        self._last_pts = pts_ms
        frame = av.VideoFrame.from_image(image if image.mode == "RGB" else image.convert("RGB"))
        frame = frame.reformat(width=self.width, height=self.height, format="yuv420p")
        frame.pts = pts_ms
        frame.time_base = Fraction(1, 1000)
        if self._last_key_ms is None or pts_ms - self._last_key_ms >= KEYFRAME_SECONDS * 1000:
            frame.pict_type = av.video.frame.PictureType.I
            self._last_key_ms = pts_ms
        self.frames += 1
        return self._emit(self._codec.encode(frame))

    def close(self) -> list[bytes]:
        """Flush the encoder (and finish the MP4 file); return the last packets."""
        out = self._emit(self._codec.encode(None))
        if self._container is not None:
            self._container.close()
            self._container = None
        return out

    def _emit(self, packets) -> list[bytes]:
        if self._container is not None:
            for packet in packets:
                packet.stream = self._stream
                self._container.mux(packet)
            return []
        return [bytes(packet) for packet in packets]
