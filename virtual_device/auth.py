"""ADB RSA authentication, device side: tokens, signature checks, and the accepted-keys file.

The host signs the 20-byte token as if it were a SHA-1 digest (RSA PKCS#1 v1.5); its public key comes
in Android's mincrypt layout (base64 of len-words, n0inv, modulus LE, rr LE, exponent).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
from pathlib import Path

TOKEN_SIZE = 20
_SHA1_DIGEST_INFO = bytes.fromhex("3021300906052b0e03021a05000414")


def new_token() -> bytes:
    return os.urandom(TOKEN_SIZE)


def parse_public_key(text: bytes | str) -> tuple[int, int] | None:
    """(n, e) from an adbkey.pub line (`<base64> user@host`); None when it is not a valid key."""
    if isinstance(text, bytes):
        text = text.rstrip(b"\0").decode("ascii", "replace")
    fields = text.strip().split()
    if not fields:
        return None
    try:
        blob = base64.b64decode(fields[0], validate=True)
    except (binascii.Error, ValueError):
        return None
    if len(blob) < 8:
        return None
    words = struct.unpack_from("<I", blob)[0]
    if words == 0 or words > 1024 or len(blob) != 4 * (3 + 2 * words):
        return None
    modulus = blob[8 : 8 + 4 * words]
    exponent = struct.unpack_from("<I", blob, 8 + 8 * words)[0]
    n = int.from_bytes(modulus, "little")
    return (n, exponent) if n and exponent else None


def verify(token: bytes, signature: bytes, key: tuple[int, int]) -> bool:
    n, e = key
    size = (n.bit_length() + 7) // 8
    if len(signature) != size:
        return False
    s = int.from_bytes(signature, "big")
    if s >= n:
        return False
    em = pow(s, e, n).to_bytes(size, "big")
    suffix = _SHA1_DIGEST_INFO + token
    expected = b"\x00\x01" + b"\xff" * (size - 3 - len(suffix)) + b"\x00" + suffix
    return em == expected


def fingerprint(key_line: str) -> str:
    """The MD5 fingerprint Android shows in the "Allow USB debugging?" dialog."""
    blob = base64.b64decode(key_line.split()[0])
    digest = hashlib.md5(blob).hexdigest().upper()  # noqa: S324 - what Android shows
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


class KeyStore:
    """The device's /data/misc/adb/adb_keys: accepted host keys, one line each, persisted."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []
        if path.exists():
            self.lines = [ln for ln in path.read_text().splitlines() if parse_public_key(ln)]

    def keys(self) -> list[tuple[int, int]]:
        return [k for k in (parse_public_key(ln) for ln in self.lines) if k]

    def accept(self, key_line: str) -> None:
        line = key_line.rstrip("\0").strip()
        if line and line not in self.lines:
            self.lines.append(line)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text("".join(ln + "\n" for ln in self.lines))

    def verify_any(self, token: bytes, signature: bytes) -> bool:
        return any(verify(token, signature, key) for key in self.keys())
