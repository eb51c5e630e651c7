"""One host connection: handshake, auth, and the stream multiplexer with adb 29's flow control.

Each stream has an outbox drained by a pump task that sends one WRTE (<= the host's max payload) and
waits for the host's OKAY before the next: writers block when the outbox is full, so a fast producer
never queues unbounded memory. Incoming WRTEs are buffered and acknowledged while the unread backlog is
small; the OKAY is held back otherwise, which stalls the host in turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from virtual_device import auth
from virtual_device.packets import (
    A_AUTH,
    A_CLSE,
    A_CNXN,
    A_OKAY,
    A_OPEN,
    A_VERSION,
    A_WRTE,
    AUTH_RSAPUBLICKEY,
    AUTH_SIGNATURE,
    AUTH_TOKEN,
    MAX_PAYLOAD,
    MAX_PAYLOAD_V1,
    Packet,
    ProtocolError,
    header,
    read_packet,
)

if TYPE_CHECKING:
    from virtual_device.server import VirtualDevice

log = logging.getLogger("virtual_device")

FEATURES = (
    "shell_v2,cmd,stat_v2,ls_v2,fixed_push_mkdir,apex,abb,fixed_push_symlink_timestamp,abb_exec,remount_shell,"
    "sendrecv_v2,sendrecv_v2_brotli,sendrecv_v2_lz4,sendrecv_v2_zstd,sendrecv_v2_dry_run_send"
)
OUTBOX_HIGH = 2 * MAX_PAYLOAD
INBOX_HIGH = 4 * MAX_PAYLOAD


class StreamClosed(Exception):
    pass


class Stream:
    """A byte pipe to one host socket (`adb shell`, a sync session, a reverse tunnel...)."""

    def __init__(self, conn: Connection, local_id: int, remote_id: int, service: str) -> None:
        self.conn = conn
        self.local_id = local_id
        self.remote_id = remote_id
        self.service = service
        self._in = bytearray()
        self._in_pos = 0
        self._in_event = asyncio.Event()
        self._ack_pending = False
        self.eof = False  # host closed its side
        self.closed = False
        self._out = bytearray()
        self._out_event = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._ready = asyncio.Event()
        self._ready.set()
        self._pump: asyncio.Task[None] | None = None
        self.opened = asyncio.Event()  # for device-initiated streams: the host's OKAY arrived
        self.task: asyncio.Task[Any] | None = None  # the service serving it, hung up when the host closes

    # ---------------------------------------------------------------- incoming
    def _feed(self, data: bytes) -> None:
        if self.closed:
            return
        self._in += data
        self._in_event.set()
        if len(self._in) - self._in_pos < INBOX_HIGH:
            self.conn.send(A_OKAY, self.local_id, self.remote_id)
        else:
            self._ack_pending = True

    def _consumed(self) -> None:
        if self._in_pos > 65536 and self._in_pos * 2 > len(self._in):
            del self._in[: self._in_pos]
            self._in_pos = 0
        if self._ack_pending and len(self._in) - self._in_pos < INBOX_HIGH and not self.closed:
            self._ack_pending = False
            self.conn.send(A_OKAY, self.local_id, self.remote_id)

    async def _wait_data(self) -> bool:
        while len(self._in) - self._in_pos == 0:
            if self.eof or self.closed:
                return False
            self._in_event.clear()
            await self._in_event.wait()
        return True

    async def read(self, n: int = 65536) -> bytes:
        """Up to n bytes; b"" once the host closed the stream and everything was read."""
        if not await self._wait_data():
            return b""
        end = min(len(self._in), self._in_pos + n)
        chunk = bytes(self._in[self._in_pos : end])
        self._in_pos = end
        self._consumed()
        return chunk

    async def readexactly(self, n: int) -> bytes:
        while len(self._in) - self._in_pos < n:
            if self.eof or self.closed:
                raise StreamClosed
            self._in_event.clear()
            await self._in_event.wait()
        chunk = bytes(self._in[self._in_pos : self._in_pos + n])
        self._in_pos += n
        self._consumed()
        return chunk

    # ---------------------------------------------------------------- outgoing
    async def write(self, data: bytes | bytearray | memoryview) -> None:
        """Queue bytes for the host; waits while more than OUTBOX_HIGH is unsent (back-pressure)."""
        if self.closed:
            raise StreamClosed
        if not data:
            return
        self._out += data
        self._drained.clear()
        self._out_event.set()
        if self._pump is None:
            self._pump = asyncio.create_task(self._run_pump())
        while len(self._out) > OUTBOX_HIGH and not self.closed:
            await self._wait_drained()
        if self.closed:
            raise StreamClosed

    async def _wait_drained(self) -> None:
        self._drained.clear()
        await self._drained.wait()

    async def drain(self) -> None:
        while self._out and not self.closed:
            await self._wait_drained()

    async def _run_pump(self) -> None:
        try:
            while not self.closed:
                if not self._out:
                    self._drained.set()
                    self._out_event.clear()
                    await self._out_event.wait()
                    continue
                stall = self.conn.device.faults.stall_delay(self.service)
                if stall > 0:
                    await asyncio.sleep(stall)
                await self._ready.wait()
                if self.closed:
                    break
                size = min(len(self._out), self.conn.max_payload)
                chunk = bytes(self._out[:size])
                del self._out[:size]
                self._ready.clear()
                self.conn.send(A_WRTE, self.local_id, self.remote_id, chunk)
                self._drained.set()  # wake writers waiting for room
        finally:
            self._drained.set()

    def _okay(self) -> None:
        self._ready.set()

    async def close(self) -> None:
        """Flush what is queued, then CLSE."""
        if self.closed:
            return
        with contextlib.suppress(StreamClosed):
            await self.drain()
            if not self.closed:
                await self._ready.wait()
        if not self.closed:
            self.conn.send(A_CLSE, self.local_id, self.remote_id)
        self._shutdown()

    def _shutdown(self) -> None:
        self.closed = True
        self._in_event.set()
        self._out_event.set()
        self._ready.set()
        self._drained.set()
        self.opened.set()
        self.conn.streams.pop(self.local_id, None)


ServiceHandler = Callable[[Stream, str], Awaitable[None]]


class Connection:
    """The device side of one host TCP connection."""

    def __init__(self, device: VirtualDevice, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.device = device
        self.reader = reader
        self.writer = writer
        self.streams: dict[int, Stream] = {}
        self._next_id = 1
        self.max_payload = MAX_PAYLOAD_V1
        self.checksum = True
        self.online = False
        self.token = b""
        self.tasks: set[asyncio.Task[Any]] = set()
        self.reverse_listeners: dict[str, tuple[asyncio.base_events.Server, str]] = {}
        cond = device.conditions
        self._latency = cond.latency_ms / 1000.0
        self._out_bucket = cond.bucket()
        self._in_bucket = cond.bucket()
        self._queue: asyncio.Queue[tuple[float, list[bytes]]] | None = None
        if self._latency or self._out_bucket:
            self._queue = asyncio.Queue()
            self._spawn(self._sender())
        self.closed = False

    # ---------------------------------------------------------------- sending
    def send(self, command: int, arg0: int, arg1: int, data: bytes = b"") -> None:
        if self.closed:
            return
        parts = [header(command, arg0, arg1, data, self.checksum)]
        if data:
            parts.append(data)
        if self._queue is not None:
            self._queue.put_nowait((time.monotonic() + self._latency, parts))
        else:
            self.writer.writelines(parts)

    async def _sender(self) -> None:
        assert self._queue is not None
        while True:
            due, parts = await self._queue.get()
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if self._out_bucket:
                await self._out_bucket.take(sum(len(p) for p in parts))
            if self.closed:
                return
            self.writer.writelines(parts)
            await self.writer.drain()

    def _spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def new_id(self) -> int:
        local_id = self._next_id
        self._next_id = self._next_id % 0x7FFFFFFF + 1
        return local_id

    # ---------------------------------------------------------------- main loop
    async def run(self) -> None:
        try:
            while True:
                packet = await read_packet(self.reader, MAX_PAYLOAD)
                if self._in_bucket:
                    await self._in_bucket.take(24 + len(packet.data))
                if packet.data and self.device.faults.count_received(len(packet.data)):
                    log.info("fault: dropping connection after the byte budget")
                    break
                await self._dispatch(packet)
                if self._queue is None and self.writer.transport.get_write_buffer_size() > 4 * MAX_PAYLOAD:
                    await self.writer.drain()
        except (EOFError, ConnectionError, asyncio.IncompleteReadError):
            pass
        except ProtocolError as exc:
            log.info("closing connection: %s", exc)
        finally:
            await self.shutdown()

    async def shutdown(self) -> None:
        if self.closed:
            return
        self.closed = True
        for stream in list(self.streams.values()):
            stream._shutdown()
        for server, _ in self.reverse_listeners.values():
            server.close()
        self.reverse_listeners.clear()
        current = asyncio.current_task()
        for task in list(self.tasks):
            if task is not current:
                task.cancel()
        with contextlib.suppress(Exception):
            self.writer.close()
        self.device._connections.discard(self)

    def abort(self) -> None:
        """Drop the TCP connection at once (faults, reboot)."""
        with contextlib.suppress(Exception):
            self.writer.transport.abort()

    async def _dispatch(self, p: Packet) -> None:  # noqa: C901 - a switch over six commands
        if p.command == A_CNXN:
            self.max_payload = max(MAX_PAYLOAD_V1, min(p.arg1, MAX_PAYLOAD)) if p.arg1 else MAX_PAYLOAD_V1
            self.checksum = min(p.arg0, A_VERSION) < A_VERSION
            if self.device.auth:
                self.token = auth.new_token()
                self.send(A_AUTH, AUTH_TOKEN, 0, self.token)
            else:
                self._go_online()
            return
        if p.command == A_AUTH:
            await self._auth(p)
            return
        if not self.online:
            return  # adbd ignores traffic before the handshake completes
        if p.command == A_OPEN:
            service = p.data.rstrip(b"\0").decode("utf-8", "replace")
            if p.arg0 == 0:
                raise ProtocolError("OPEN with local id 0")
            self._spawn(self._open(p.arg0, service))
        elif p.command == A_OKAY:
            stream = self.streams.get(p.arg1)
            if stream is None:
                return
            if not stream.opened.is_set():
                stream.remote_id = p.arg0
                stream.opened.set()
            else:
                stream._okay()
        elif p.command == A_WRTE:
            stream = self.streams.get(p.arg1)
            if stream is not None and stream.remote_id == p.arg0:
                stream._feed(p.data)
        elif p.command == A_CLSE:
            stream = self.streams.get(p.arg1)
            if stream is not None and (p.arg0 == 0 or p.arg0 == stream.remote_id):
                stream.eof = True
                if not stream.closed:
                    # adbd answers with its own CLSE (adb-shell waits for it)
                    self.send(A_CLSE, stream.local_id, stream.remote_id)
                stream._shutdown()
                # like SIGHUP for the process behind the socket: a live logcat waiting for lines ends too
                if stream.task is not None and stream.task is not asyncio.current_task():
                    stream.task.cancel()

    def _go_online(self) -> None:
        self.online = True
        props = self.device.banner_props()
        banner = (
            "device::"
            + "".join(f"{k}={v};" for k, v in props.items())
            + "features="
            + self.device.banner_features(FEATURES)
        )
        self.send(A_CNXN, A_VERSION, MAX_PAYLOAD, banner.encode())

    async def _auth(self, p: Packet) -> None:
        if self.online or not self.device.auth:
            return
        keys = self.device.keystore
        assert keys is not None  # start() made it
        if p.arg0 == AUTH_SIGNATURE:
            if self.token and keys.verify_any(self.token, p.data):
                self._go_online()
            else:
                self.token = auth.new_token()
                self.send(A_AUTH, AUTH_TOKEN, 0, self.token)
        elif p.arg0 == AUTH_RSAPUBLICKEY:
            line = p.data.rstrip(b"\0").decode("ascii", "replace")
            if auth.parse_public_key(line) is None:
                return
            delay = self.device.auth_accept_after
            if delay is None:
                log.info("auth: the user never answers the dialog")
                return
            self._spawn(self._accept_later(line, delay))

    async def _accept_later(self, line: str, delay: float) -> None:
        await asyncio.sleep(delay)
        assert self.device.keystore is not None
        self.device.keystore.accept(line)
        if not self.closed and not self.online:
            self._go_online()

    # ---------------------------------------------------------------- streams
    async def _open(self, remote_id: int, service: str) -> None:
        from virtual_device.services import find_service, misc

        found = find_service(service)
        if service.startswith("tcp:"):
            # adbd connects first and refuses the OPEN when nothing listens on the device
            peer = await misc.open_device_port(self.device, service)
            found = None if peer is None else ("tcp", misc.tcp_service(peer))
        if found is None:
            self.send(A_CLSE, 0, remote_id)
            return
        family, handler = found
        self.device.counters.services[family] += 1
        stream = Stream(self, self.new_id(), remote_id, service)
        stream.opened.set()
        if family in ("shell", "exec"):
            # only commands get hung up on a host close (like SIGHUP); a control service such as
            # reverse:forward must finish registering its listener even if the host closes first
            stream.task = asyncio.current_task()
        self.streams[stream.local_id] = stream
        self.send(A_OKAY, stream.local_id, remote_id)
        try:
            await handler(stream, service)
        except (StreamClosed, ConnectionError):
            pass
        except Exception:  # a service bug must not take the connection down
            log.exception("service %r failed", service)
        finally:
            if not stream.closed:
                await stream.close()

    async def open_to_host(self, destination: str) -> Stream | None:
        """Device-initiated OPEN (reverse tunnels); None when the host refuses."""
        stream = Stream(self, self.new_id(), 0, destination)
        self.streams[stream.local_id] = stream
        self.send(A_OPEN, stream.local_id, 0, destination.encode() + b"\0")
        await stream.opened.wait()
        if stream.closed:
            return None
        return stream
