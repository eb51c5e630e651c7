"""Our own client for adbd's `sync:` service (STAT/STA2/LST2, LIST/LIS2, SEND, RECV, QUIT).

adbutils' sync sends 4 KiB chunks and stamps pushed files with the current time; this client sends
64 KiB DATA records (several per socket write), puts the source's mtime in DONE, uses stat/ls v2 when
the device offers them, and pipelines many small files over one connection. Reads are exact and
buffers are reused, so memory stays flat whatever the file size. A FAIL ends adbd's sync session, so
the client marks itself broken and the caller reopens.

Streams are closed by closing their socket: adbutils' own close half-shuts the socket and sleeps 10 ms,
which costs more than a whole sync round trip once every reply has been read.
"""

from __future__ import annotations

import builtins
import os
import stat as S
import struct
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from adb_backend.errors import BackendError, DeviceOffline, DeviceRefused, TransferCancelled, translate

if TYPE_CHECKING:
    from adb_backend.device import Device, Stream

SYNC_DATA_MAX = 64 * 1024
_BATCH_CHUNKS = 16  # DATA records per socket write (~1 MiB)
_IN_BUFFER = 1 << 20  # bytes per socket read: a pull costs one read and one write per MiB
_REQ = struct.Struct("<4sI")
_STAT1 = struct.Struct("<4sIII")
_DENT1 = struct.Struct("<4sIIII")
_STAT2 = struct.Struct("<4sIQQIIIIQqqq")
_DENT2 = struct.Struct("<4sIQQIIIIQqqqI")
_ERRNO_TEXT = {
    1: "Operation not permitted",
    2: "No such file or directory",
    13: "Permission denied",
    20: "Not a directory",
    21: "Is a directory",
    28: "No space left on device",
    30: "Read-only file system",
    40: "Too many levels of symbolic links",
}

Progress = Callable[[int], None]
"""Called with the number of bytes just moved."""
CancelCheck = Callable[[], bool]
"""Returns True when the transfer should stop; polled between chunks."""


@dataclass(frozen=True)
class RemoteStat:
    """A device file's metadata (v1 STAT carries only mode, 32-bit size and mtime)."""

    mode: int
    size: int
    mtime: int
    uid: int = 0
    gid: int = 0
    error: int = 0

    @property
    def exists(self) -> bool:
        return self.error == 0 and (self.mode != 0 or self.mtime != 0)

    @property
    def is_dir(self) -> bool:
        return S.S_ISDIR(self.mode)

    @property
    def is_file(self) -> bool:
        return S.S_ISREG(self.mode)

    @property
    def is_link(self) -> bool:
        return S.S_ISLNK(self.mode)


@dataclass(frozen=True)
class RemoteDirEntry:
    name: str
    stat: RemoteStat


@dataclass(frozen=True)
class SendItem:
    """One file to send: an open binary source (or a raw fd), the device path, its mode and mtime."""

    source: IO[bytes] | int
    remote: str
    mode: int
    mtime: int
    size: int = 0


class SyncClient:
    """One `sync:` connection, reused for many requests; `with SyncClient.open(device) as sync: ...`."""

    def __init__(self, stream: Stream, features: Iterable[str] = ()) -> None:
        self.stream = stream
        self.serial = stream.serial
        feats = set(features)
        self.stat_v2 = "stat_v2" in feats
        self.ls_v2 = "ls_v2" in feats
        self._sock = stream.socket
        self._in = bytearray(_IN_BUFFER)
        self._view = memoryview(self._in)
        self._head = 0  # replies received but not yet read lie in _in[_head:_tail]
        self._tail = 0
        self._out = bytearray((_REQ.size + SYNC_DATA_MAX) * _BATCH_CHUNKS)
        self.broken = False
        self._pos = 0

    @classmethod
    def open(cls, device: Device, *, timeout: float | None = 60.0) -> SyncClient:
        features = device_features(device)
        stream = device.open_stream("sync:", timeout=timeout)
        return cls(stream, features)

    # -- plumbing ----------------------------------------------------------------------------------
    def _send(self, data: bytes | bytearray | memoryview) -> None:
        try:
            self._sock.sendall(data)
        except OSError as error:
            self.broken = True
            raise translate(error, self.serial) from None

    def _fill(self) -> None:
        """Receive whatever has arrived (at least one byte) after the unread part of the buffer."""
        if self._head == self._tail:
            self._head = self._tail = 0
        elif len(self._in) - self._tail < SYNC_DATA_MAX:  # little room left: move the unread part down
            left = self._tail - self._head
            self._view[:left] = self._view[self._head : self._tail]
            self._head, self._tail = 0, left
        try:
            n = self._sock.recv_into(self._view[self._tail :])
        except OSError as error:
            self.broken = True
            raise translate(error, self.serial) from None
        if not n:
            self.broken = True
            raise DeviceOffline(f"lost the connection to device {self.serial} mid-transfer", serial=self.serial)
        self._tail += n

    def _read(self, size: int) -> bytes:
        if size > len(self._in):
            self._grow(size)
        while self._tail - self._head < size:
            self._fill()
        start = self._head
        self._head += size
        return bytes(self._view[start : self._head])

    def _grow(self, size: int) -> None:
        bigger = bytearray(size)
        left = self._tail - self._head
        bigger[:left] = self._view[self._head : self._tail]
        self._in, self._view = bigger, memoryview(bigger)
        self._head, self._tail = 0, left

    def _request(self, ident: bytes, path: str) -> bytes:
        raw = path.encode("utf-8", "surrogateescape")
        if len(raw) > 1024:
            raise DeviceRefused(f"device path too long: {path}", reason="path too long", serial=self.serial)
        return _REQ.pack(ident, len(raw)) + raw

    def _fail(self, length: int, what: str) -> DeviceRefused:
        message = self._read(length).decode("utf-8", "replace")
        self.broken = True  # adbd closes its sync session after a FAIL
        return DeviceRefused(f"{what}: {message}", reason=message, serial=self.serial)

    def close(self) -> None:
        if not self.broken:
            try:
                self._sock.sendall(_REQ.pack(b"QUIT", 0))
            except OSError:
                pass
        self.stream.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- metadata ----------------------------------------------------------------------------------
    def stat(self, path: str, *, follow: bool = False) -> RemoteStat:
        """lstat (or stat with follow=True, v2 only); a missing path has `.exists == False`."""
        if self.stat_v2:
            self._send(self._request(b"STA2" if follow else b"LST2", path))
            return _stat2(_STAT2.unpack(self._read(_STAT2.size)))
        self._send(self._request(b"STAT", path))
        ident, mode, size, mtime = _STAT1.unpack(self._read(_STAT1.size))
        if ident != b"STAT":
            raise DeviceRefused(f"unexpected sync reply {ident!r}", serial=self.serial)
        return RemoteStat(mode, size, mtime, error=0 if (mode or mtime) else 2)

    def stat_many(self, paths: list[str], *, follow: bool = False) -> list[RemoteStat]:
        """Several stats in one round trip (requests pipelined, replies read in order)."""
        if not paths:
            return []
        ident = (b"STA2" if follow else b"LST2") if self.stat_v2 else b"STAT"
        self._send(b"".join(self._request(ident, p) for p in paths))
        out = []
        for _ in paths:
            if self.stat_v2:
                out.append(_stat2(_STAT2.unpack(self._read(_STAT2.size))))
            else:
                _, mode, size, mtime = _STAT1.unpack(self._read(_STAT1.size))
                out.append(RemoteStat(mode, size, mtime, error=0 if (mode or mtime) else 2))
        return out

    def list(self, path: str) -> list[RemoteDirEntry]:
        """A directory's entries without `.` and `..` (hidden ones included)."""
        self._send(self._request(b"LIS2" if self.ls_v2 else b"LIST", path))
        return self._list_reply()

    def list_many(self, paths: builtins.list[str]) -> builtins.list[builtins.list[RemoteDirEntry]]:
        """Several folders' entries, up to 64 per round trip (requests pipelined, replies read in order;
        a group's requests are small enough never to block while replies wait to be read)."""
        out: builtins.list[builtins.list[RemoteDirEntry]] = []
        for start in range(0, len(paths), 64):
            group = paths[start : start + 64]
            self._send(b"".join(self._request(b"LIS2" if self.ls_v2 else b"LIST", p) for p in group))
            out += [self._list_reply() for _ in group]
        return out

    def _list_reply(self) -> builtins.list[RemoteDirEntry]:
        entries: builtins.list[RemoteDirEntry] = []
        if self.ls_v2:
            while True:
                fields = _DENT2.unpack(self._read(_DENT2.size))
                if fields[0] == b"DONE":
                    break
                name = self._read(fields[-1]).decode("utf-8", "surrogateescape")
                if name not in (".", ".."):
                    entries.append(RemoteDirEntry(name, _stat2(fields[:-1])))
        else:
            while True:
                ident, mode, size, mtime, namelen = _DENT1.unpack(self._read(_DENT1.size))
                if ident == b"DONE":
                    break
                name = self._read(namelen).decode("utf-8", "surrogateescape")
                if name not in (".", ".."):
                    entries.append(RemoteDirEntry(name, RemoteStat(mode, size, mtime)))
        return entries

    # -- data --------------------------------------------------------------------------------------
    def push_many(
        self,
        items: Iterable[SendItem],
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
        on_done: Callable[[SendItem], None] | None = None,
        acked: Progress | None = None,
        window: int = 128,
    ) -> None:
        """SEND each item; up to `window` files are in flight before their OKAYs are read (as adb does).

        `progress` hears bytes as they are sent, `acked` the bytes of each file once the device has
        acknowledged it (written and closed): only those have arrived. A FAIL raises DeviceRefused
        naming the file; the connection is then unusable.
        """
        pending: deque[tuple[SendItem, int]] = deque()
        self._pos = 0
        try:
            for item in items:
                if cancelled is not None and cancelled():
                    self.broken = True
                    raise TransferCancelled("transfer cancelled", serial=self.serial)
                sent = self._send_one(item, progress, cancelled)
                pending.append((item, sent))
                if len(pending) >= window:
                    self._flush()
                    while len(pending) > window // 2:
                        self._ack(*pending.popleft(), on_done, acked)
            self._flush()
        finally:
            self._pos = 0
        while pending:
            self._ack(*pending.popleft(), on_done, acked)

    def push(self, item: SendItem, *, progress: Progress | None = None, cancelled: CancelCheck | None = None) -> None:
        self.push_many([item], progress=progress, cancelled=cancelled)

    def _flush(self) -> None:
        if self._pos:
            self._send(memoryview(self._out)[: self._pos])
            self._pos = 0

    def _send_one(self, item: SendItem, progress: Progress | None, cancelled: CancelCheck | None) -> int:
        """Append SEND + DATA* + DONE to the output buffer, writing it out whenever it fills up.

        A raw fd is read with one readv straight into the payload slots of up to 16 DATA records (the
        headers are filled in afterwards), and a short read once the planned size is reached is its
        end: a small file costs one read, a big one a read and a socket write per MiB.
        """
        mode = S.S_IFREG | (item.mode & 0o7777)
        header = self._request(b"SEND", f"{item.remote},{mode}")
        buf = self._out
        view = memoryview(buf)
        record = _REQ.size + SYNC_DATA_MAX
        if self._pos + len(header) + record > len(buf):
            self._flush()
        pos = self._pos
        buf[pos : pos + len(header)] = header
        pos += len(header)
        source = item.source
        sent = 0
        while True:
            if pos + record > len(buf):
                self._send(view[:pos])
                pos = 0
                if cancelled is not None and cancelled():
                    self.broken = True  # a half-sent file: the stream must not be reused
                    raise TransferCancelled("transfer cancelled", serial=self.serial)
            if isinstance(source, int):
                slots = max(1, min((len(buf) - pos) // record, (item.size - sent) // SYNC_DATA_MAX + 1))
                wanted = slots * SYNC_DATA_MAX
                at = pos + _REQ.size
                n = os.readv(source, [view[at + i * record : at + i * record + SYNC_DATA_MAX] for i in range(slots)])
            else:
                wanted = SYNC_DATA_MAX
                n = source.readinto(view[pos + _REQ.size : pos + record]) or 0  # type: ignore[attr-defined]
            if not n:
                break
            full, rest = divmod(n, SYNC_DATA_MAX)
            for _ in range(full):
                _REQ.pack_into(buf, pos, b"DATA", SYNC_DATA_MAX)
                pos += record
            if rest:
                _REQ.pack_into(buf, pos, b"DATA", rest)
                pos += _REQ.size + rest
            sent += n
            if progress is not None:
                progress(n)
            if n < wanted and sent >= item.size and isinstance(source, int):
                break  # a regular file read short: its end (checked against the planned size)
        _REQ.pack_into(buf, pos, b"DONE", item.mtime & 0xFFFFFFFF)
        self._pos = pos + _REQ.size
        return sent

    def _ack(
        self,
        item: SendItem,
        sent: int,
        on_done: Callable[[SendItem], None] | None,
        acked: Progress | None,
    ) -> None:
        ident, length = _REQ.unpack(self._read(_REQ.size))
        if ident == b"FAIL":
            raise self._fail(length, f"cannot write {item.remote}")
        if ident != b"OKAY":
            self.broken = True
            raise DeviceRefused(f"unexpected sync reply {ident!r} for {item.remote}", serial=self.serial)
        if acked is not None:
            acked(sent)
        if on_done is not None:
            on_done(item)

    def pull(
        self,
        remote: str,
        sink: Sink,
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
    ) -> int:
        """RECV a file into `sink` (a binary file or a raw fd); returns the byte count."""
        self._send(self._request(b"RECV", remote))
        return self._recv_body(remote, sink, progress, cancelled)

    def pull_many(
        self,
        remotes: builtins.list[str],
        open_sink: Callable[[int], Sink],
        finish: Callable[[int, Sink], None],
        *,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
        window: int = 64,
    ) -> None:
        """RECV many files with up to `window` requests in flight.

        `open_sink(i)` gives the sink of `remotes[i]` just before its bytes arrive, and `finish(i, sink)`
        gets it once all of them are written (it closes it), so one sink is open at a time. Requests
        go out in groups of half a window, each group one socket write.
        """
        sent = 0
        for index, remote in enumerate(remotes):
            if sent <= index + window // 2 and sent < len(remotes):
                upto = min(len(remotes), index + window)
                self._send(b"".join(self._request(b"RECV", path) for path in remotes[sent:upto]))
                sent = upto
            sink = open_sink(index)
            try:
                self._recv_body(remote, sink, progress, cancelled)
            except BaseException:
                close_sink(sink)
                raise
            finish(index, sink)

    def _recv_body(self, remote: str, sink: Sink, progress: Progress | None, cancelled: CancelCheck | None) -> int:
        """Read DATA records up to DONE straight out of the receive buffer.

        Each socket read (up to 1 MiB) is parsed in place and its payloads written with one writev (or
        a write per record to a file object), so bytes are never copied in Python; progress and the
        cancel check run once per read, not once per record.
        """
        total = 0
        remaining = 0  # bytes of the current DATA record not yet in `pieces`
        pieces: builtins.list[memoryview] = []
        write = _writer(sink)
        while True:
            if self._head == self._tail or (not remaining and self._tail - self._head < _REQ.size):
                self._fill()
            view, head, tail = self._view, self._head, self._tail
            moved = 0
            stop: tuple[bytes, int] | None = None
            while True:
                if remaining:
                    take = min(remaining, tail - head)
                    if not take:
                        break
                    pieces.append(view[head : head + take])
                    head += take
                    remaining -= take
                    moved += take
                elif tail - head < _REQ.size:
                    break
                else:
                    ident, length = _REQ.unpack_from(view, head)
                    head += _REQ.size
                    if ident != b"DATA" or length > SYNC_DATA_MAX:
                        stop = (ident, length)
                        break
                    remaining = length
            self._head = head
            if pieces:
                try:
                    write(pieces)
                except BaseException:
                    self.broken = True  # the rest of this file is still on the wire: never reuse the stream
                    raise
                finally:
                    pieces.clear()
            total += moved
            if moved and progress is not None:
                progress(moved)
            if stop is not None:
                ident, length = stop
                if ident == b"DONE":
                    return total
                if ident == b"FAIL":
                    raise self._fail(length, f"cannot read {remote}")
                self.broken = True
                raise DeviceRefused(f"unexpected sync reply {ident!r} for {remote}", serial=self.serial)
            if cancelled is not None and cancelled():
                self.broken = True
                raise TransferCancelled("transfer cancelled", serial=self.serial)


Sink = IO[bytes] | int
"""Where pulled bytes go: a binary file object, or a raw file descriptor (written with writev)."""


def close_sink(sink: Sink) -> None:
    if isinstance(sink, int):
        os.close(sink)
    else:
        sink.close()


def _writer(sink: Sink) -> Callable[[builtins.list[memoryview]], None]:
    if not isinstance(sink, int):

        def write_file(pieces: builtins.list[memoryview]) -> None:
            for piece in pieces:
                sink.write(piece)

        return write_file

    def write_fd(pieces: builtins.list[memoryview]) -> None:
        while pieces:
            n = os.writev(sink, pieces[:_IOV_MAX])
            while pieces and n >= len(pieces[0]):
                n -= len(pieces.pop(0))
            if n:
                pieces[0] = pieces[0][n:]

    return write_fd


_IOV_MAX = 512


def device_features(device: Device) -> frozenset[str]:
    """The device's features: the Device handle asks once and keeps them, and `AdbBackend.open` gives
    every area the same handle, so a command asks the server once per process."""
    return device.features()


def _stat2(fields: tuple[int, ...]) -> RemoteStat:
    _ident, error, _dev, _ino, mode, _nlink, uid, gid, size, _atime, mtime, _ctime = fields[:12]
    return RemoteStat(mode, size, mtime, uid, gid, error)


def errno_text(error: int) -> str:
    """A device errno (wire value) as the sentence adbd would print."""
    return _ERRNO_TEXT.get(error, f"error {error}")


__all__ = [
    "BackendError",
    "CancelCheck",
    "Progress",
    "RemoteDirEntry",
    "RemoteStat",
    "SendItem",
    "SyncClient",
    "device_features",
    "errno_text",
]
