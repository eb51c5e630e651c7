"""The customer page answers malformed requests with a 4xx and, at most, one log line each: never a
500 and never a traceback on the technician's stderr."""

from __future__ import annotations

import json
import socket
import struct
from pathlib import Path

from tests.e2e.test_customer_page import loopback_host, served  # noqa: F401


def _raw(address: tuple[str, int], data: bytes, *, reset: bool = False) -> bytes:
    """Raw bytes to the page from "on the device" (its own loopback, where adb reverse listens)."""
    with socket.create_connection(address, timeout=10) as sock:
        sock.sendall(data)
        if reset:  # an RST instead of a FIN, as a dropped Wi-Fi link or a killed browser leaves it
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return b""
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def _status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0


def test_malformed_requests_get_a_4xx_and_no_traceback(served):  # noqa: F811
    port = served.device_port
    address = (loopback_host(served.vdevice.port), port)
    host = f"127.0.0.1:{port}".encode()
    # the session host serves the page; its stderr goes to its log in bt's data dir
    log = Path(served.bt_env.env["BT_DATA_DIR"]) / f"host-{served.session_id}.log"
    before = log.read_text() if log.exists() else ""
    status, _headers, body = served.request("POST", f"{served.path}/api/say", body=b'{"text": "\\ud800 x"}')
    assert status == 400, body
    assert "error" in json.loads(body)
    assert not served.events("chat.received")
    requests = [
        b"GET " + served.path.encode() + b" HTTP/1.1\r\nConnection: close\r\n\r\n",  # no Host
        b"GET / HTTP/1.1\r\nHost: " + host + b"\r\nHost: evil.example\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: " + host + b"\r\nX-Big: " + b"a" * 20000 + b"\r\nConnection: close\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: " + host + b"\r\nBad Header\r\n\r\n",
    ]
    for request in requests:
        status = _status(_raw(address, request))
        assert 400 <= status < 500, (request[:60], status)
    for _ in range(3):
        _raw(
            address,
            b"POST " + served.path.encode() + b"/api/say HTTP/1.1\r\nHost: " + host + b"\r\nContent-Le",
            reset=True,
        )
    status, _headers, _body = served.request("GET", served.path)
    assert status == 200  # still serving
    err = log.read_text()[len(before) :] if log.exists() else ""
    assert "Traceback" not in err, err
    assert len(err.splitlines()) <= 12, err  # a line per bad request at most
