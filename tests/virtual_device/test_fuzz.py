"""Hostile input on a raw socket: malformed packets and sync paths.

Whatever arrives, the device closes only that connection, keeps serving others, and never writes
outside its data dir.
"""

from __future__ import annotations

import socket
import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from virtual_device import VirtualDevice
from virtual_device.packets import A_CLSE, A_CNXN, A_OKAY, A_OPEN, A_VERSION, A_WRTE, MAX_PAYLOAD, encode

HOST_BANNER = b"host::features=shell_v2,cmd,stat_v2,ls_v2,fixed_push_mkdir"


@pytest.fixture(scope="module")
def device(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("fuzz")
    dev = VirtualDevice(data_dir=root / "data")
    dev.start()
    yield dev, root
    dev.stop()


def _recv_packet(s: socket.socket) -> tuple[int, int, int, bytes]:
    head = _recv_exact(s, 24)
    cmd, a0, a1, n, _crc, _magic = struct.unpack("<6I", head)
    return cmd, a0, a1, _recv_exact(s, n)


def _recv_exact(s: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("closed")
        buf += chunk
    return buf


def _connect(dev: VirtualDevice) -> socket.socket:
    s = socket.create_connection(dev.address, timeout=5)
    s.sendall(encode(A_CNXN, A_VERSION, MAX_PAYLOAD, HOST_BANNER))
    cmd, *_ = _recv_packet(s)
    assert cmd == A_CNXN
    return s


def _closes_cleanly(s: socket.socket) -> bool:
    """True once the device closed the socket (reads EOF or reset) within the timeout."""
    try:
        while s.recv(65536):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def _still_serves(dev: VirtualDevice) -> None:
    with _connect(dev) as s:
        s.sendall(encode(A_OPEN, 7, 0, b"exec:echo alive\0"))
        out = b""
        while True:
            cmd, a0, _a1, data = _recv_packet(s)
            if cmd == A_WRTE:
                out += data
                s.sendall(encode(A_OKAY, 7, a0))
            elif cmd != A_OKAY:
                break
        assert out == b"alive\n"


def _outside_files(root: Path) -> set[Path]:
    data = root / "data"
    return {p for p in root.rglob("*") if data not in p.parents and p != data}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    junk=st.one_of(
        st.binary(min_size=1, max_size=200),
        st.builds(  # a well-formed header with a lying length or bad magic
            lambda cmd, n, magic_ok: struct.pack("<6I", cmd, 1, 0, n, 0, (cmd ^ 0xFFFFFFFF) if magic_ok else cmd),
            st.sampled_from([A_OPEN, A_WRTE, A_OKAY, 0x12345678]),
            st.sampled_from([MAX_PAYLOAD + 1, 0xFFFFFFFF, 10]),
            st.booleans(),
        ),
    )
)
def test_malformed_packets_close_only_that_connection(device, junk: bytes) -> None:
    dev, _root = device
    with _connect(dev) as s:
        s.sendall(junk)
        s.shutdown(socket.SHUT_WR)  # truncated: nothing more comes
        assert _closes_cleanly(s)
    _still_serves(dev)


hostile_paths = st.one_of(
    st.sampled_from(
        [
            "../../etc/x",
            "/../../../../tmp/escape",
            "/sdcard/../../../../../x",
            "/data/local/tmp/../../../../..//x",
            "/sdcard/a\0b",
            "/sdcard/" + "a" * 5000,
            "/sdcard/" + "d/" * 600 + "x",
            "",
            "/",
            "/sdcard",
        ]
    ),
    st.text(min_size=0, max_size=300).map(lambda t: "/sdcard/" + t),
    st.text(alphabet="./\0ab", min_size=0, max_size=60),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=hostile_paths, op=st.sampled_from([b"SEND", b"STA2", b"LIS2", b"RECV", b"STAT", b"LST2"]))
def test_hostile_sync_paths_never_escape(device, path: str, op: bytes) -> None:
    dev, root = device
    before = _outside_files(root)
    raw = path.encode("utf-8", "surrogateescape")
    if op == b"SEND":
        raw += b",33188"
    request = op + struct.pack("<I", len(raw)) + raw
    if op == b"SEND":
        request += b"DATA" + struct.pack("<I", 5) + b"pwned" + b"DONE" + struct.pack("<I", 1_600_000_000)
    request += b"QUIT" + struct.pack("<I", 0)
    with _connect(dev) as s:
        s.sendall(encode(A_OPEN, 3, 0, b"sync:\0"))
        cmd, dev_id, *_ = _recv_packet(s)
        assert cmd == A_OKAY
        for i in range(0, len(request), 4096):
            s.sendall(encode(A_WRTE, 3, dev_id, request[i : i + 4096]))
        while True:  # replies, then the device ends the session with CLSE (QUIT or FAIL)
            cmd, a0, _a1, _data = _recv_packet(s)
            if cmd == A_WRTE:
                s.sendall(encode(A_OKAY, 3, a0))
            elif cmd == A_CLSE:
                break
    assert _outside_files(root) == before
    for p in root.rglob("*"):  # device symlinks are data, so check where each entry itself lives
        assert p.parent.resolve().is_relative_to(root.resolve())
    _still_serves(dev)
