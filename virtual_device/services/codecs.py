"""Compression for `sync:` v2 (SND2/RCV2): brotli, LZ4 frames or zstd, streamed across DATA chunks.

The flag values are adb's SyncFlag (file_sync_protocol.h). Each codec is an incremental
encoder/decoder so a file never has to be held whole in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import brotli  # type: ignore[import-untyped]
import lz4.frame  # type: ignore[import-untyped]
import zstandard

FLAG_BROTLI = 1
FLAG_LZ4 = 2
FLAG_ZSTD = 4
FLAG_DRY_RUN = 0x8000_0000
COMPRESSION_MASK = FLAG_BROTLI | FLAG_LZ4 | FLAG_ZSTD


class CodecError(Exception):
    """Compressed data that does not decode (adbd then fails the transfer)."""


@dataclass
class Codec:
    """Feed pieces in with `step`, then `end()` for what remains."""

    step: Callable[[bytes], bytes]
    end: Callable[[], bytes]


def decoder(flags: int) -> Codec:
    kind = flags & COMPRESSION_MASK
    if kind == 0:
        return Codec(lambda data: data, lambda: b"")
    if kind == FLAG_BROTLI:
        d = brotli.Decompressor()
        return Codec(_guard(d.process), lambda: b"")
    if kind == FLAG_LZ4:
        lz = lz4.frame.LZ4FrameDecompressor()
        return Codec(_guard(lz.decompress), lambda: b"")
    if kind == FLAG_ZSTD:
        z = zstandard.ZstdDecompressor().decompressobj()
        return Codec(_guard(z.decompress), lambda: b"")
    raise CodecError(f"unknown compression flags {kind:#x}")


def encoder(flags: int) -> Codec:
    kind = flags & COMPRESSION_MASK
    if kind == 0:
        return Codec(lambda data: data, lambda: b"")
    if kind == FLAG_BROTLI:
        c = brotli.Compressor()
        return Codec(c.process, c.finish)
    if kind == FLAG_LZ4:
        lz = lz4.frame.LZ4FrameCompressor()
        header = [lz.begin()]

        def step(data: bytes) -> bytes:
            out: bytes = (header.pop() if header else b"") + lz.compress(data)
            return out

        return Codec(step, lambda: (header.pop() if header else b"") + lz.flush())
    if kind == FLAG_ZSTD:
        z = zstandard.ZstdCompressor().compressobj()
        return Codec(z.compress, z.flush)
    raise CodecError(f"unknown compression flags {kind:#x}")


def _guard(fn: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def run(data: bytes) -> bytes:
        try:
            return bytes(fn(data))
        except Exception as exc:  # each library has its own error type
            raise CodecError(str(exc)) from None

    return run
