"""ADB transport messages: the 24-byte header, encoding, and a strict reader.

A reader error (bad magic, unknown command, oversized or truncated payload) is a ProtocolError: the
connection that sent it is closed, nothing else is affected.
"""

from __future__ import annotations

import asyncio
import struct
from typing import NamedTuple

A_SYNC = 0x434E5953
A_CNXN = 0x4E584E43
A_AUTH = 0x48545541
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_CLSE = 0x45534C43
A_WRTE = 0x45545257
A_STLS = 0x534C5453

A_VERSION_MIN = 0x01000000
A_VERSION = 0x01000001  # skip checksums (Dec 2017)
MAX_PAYLOAD = 1024 * 1024
MAX_PAYLOAD_V1 = 4096

AUTH_TOKEN = 1
AUTH_SIGNATURE = 2
AUTH_RSAPUBLICKEY = 3

KNOWN = {A_CNXN, A_AUTH, A_OPEN, A_OKAY, A_CLSE, A_WRTE, A_STLS, A_SYNC}
NAMES = {
    v: k
    for k, v in {
        "CNXN": A_CNXN,
        "AUTH": A_AUTH,
        "OPEN": A_OPEN,
        "OKAY": A_OKAY,
        "CLSE": A_CLSE,
        "WRTE": A_WRTE,
        "STLS": A_STLS,
        "SYNC": A_SYNC,
    }.items()
}

HEADER = struct.Struct("<6I")


class ProtocolError(Exception):
    """The peer sent something adbd would refuse; the connection is dropped."""


class Packet(NamedTuple):
    command: int
    arg0: int
    arg1: int
    data: bytes

    def __repr__(self) -> str:
        name = NAMES.get(self.command, hex(self.command))
        return f"Packet({name}, {self.arg0}, {self.arg1}, {len(self.data)} bytes)"


def header(command: int, arg0: int, arg1: int, data: bytes | bytearray | memoryview, checksum: bool) -> bytes:
    """The header for a message; the byte-sum checksum only for peers below A_VERSION."""
    crc = sum(data) & 0xFFFFFFFF if checksum and data else 0
    return HEADER.pack(command, arg0, arg1, len(data), crc, command ^ 0xFFFFFFFF)


def encode(command: int, arg0: int, arg1: int, data: bytes = b"", checksum: bool = False) -> bytes:
    return header(command, arg0, arg1, data, checksum) + bytes(data)


async def read_packet(reader: asyncio.StreamReader, max_payload: int) -> Packet:
    """Read one message; raises ProtocolError on anything malformed, EOFError at a clean end."""
    try:
        raw = await reader.readexactly(HEADER.size)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            raise EOFError from None
        raise ProtocolError("truncated header") from None
    command, arg0, arg1, length, _crc, magic = HEADER.unpack(raw)
    if magic != command ^ 0xFFFFFFFF:
        raise ProtocolError("bad magic")
    if command not in KNOWN:
        raise ProtocolError(f"unknown command {command:#x}")
    if length > max_payload:
        raise ProtocolError(f"payload of {length} bytes exceeds {max_payload}")
    data = b""
    if length:
        try:
            data = await reader.readexactly(length)
        except asyncio.IncompleteReadError:
            raise ProtocolError("truncated payload") from None
    return Packet(command, arg0, arg1, data)
