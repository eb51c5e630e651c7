"""`sync:` — adbd's file service: STAT/LST2/STA2, LIST/LIS2, SEND/SND2, RECV/RCV2, QUIT.

SND2/RCV2 (the `sendrecv_v2` feature) carry mode and flags in a setup message after the path:
compression (brotli, LZ4, zstd) and, for SND2, dry-run (`adb push -n`: decoded, then discarded).

Requests are parsed straight from the stream buffer (O(n)); each STAT/DENT reply is one write so it
lands in one WRTE. SEND goes to a staging file that replaces the target only at DONE.
"""

from __future__ import annotations

import contextlib
import errno as E
import os
import posixpath
import stat as S
import struct
from typing import TYPE_CHECKING, Any

from virtual_device.fs import FsError, VStat
from virtual_device.fs.devnodes import DevWriter
from virtual_device.services.codecs import FLAG_DRY_RUN, Codec, CodecError, decoder, encoder

if TYPE_CHECKING:
    from virtual_device.fs import VirtualFS
    from virtual_device.transport import Stream

SYNC_DATA_MAX = 64 * 1024
PATH_MAX = 1024
_REQ = struct.Struct("<4sI")
_STAT1 = struct.Struct("<4sIII")
_DENT1 = struct.Struct("<4sIIII")
_STAT2 = struct.Struct("<4sIQQIIIIQqqq")
_DENT2 = struct.Struct("<4sIQQIIIIQqqqI")
_SEND2 = struct.Struct("<4sII")  # id, mode, flags
_RECV2 = struct.Struct("<4sI")  # id, flags


class _Abort(Exception):
    """The session ends after a FAIL (adbd closes the socket)."""


def _fail(message: str) -> bytes:
    data = message.encode()
    return _REQ.pack(b"FAIL", len(data)) + data


def _errno_text(exc: OSError) -> str:
    return os.strerror(exc.errno or E.EIO)


def _stat2_fields(st: VStat | None, err: int) -> tuple[int, ...]:
    if st is None:
        return (err, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    return (
        0, st.dev, st.ino, st.mode, st.nlink, st.uid, st.gid, st.size,
        int(st.atime), int(st.mtime), int(st.ctime),
    )  # fmt: skip


class SyncSession:
    def __init__(self, stream: Stream, fs: VirtualFS) -> None:
        self.stream = stream
        self.fs = fs

    async def run(self) -> None:
        try:
            while True:
                ident, length = _REQ.unpack(await self.stream.readexactly(8))
                if ident == b"QUIT":
                    return
                if ident not in (b"STAT", b"LST2", b"STA2", b"LIST", b"LIS2", b"SEND", b"RECV", b"SND2", b"RCV2"):
                    await self.stream.write(_fail(f"unknown command {ident.hex()}"))
                    return
                if length > PATH_MAX:
                    await self.stream.write(_fail("path too long"))
                    return
                path = (await self.stream.readexactly(length)).decode("utf-8", "surrogateescape")
                if ident == b"STAT":
                    await self._stat_v1(path)
                elif ident in (b"LST2", b"STA2"):
                    await self._stat_v2(ident, path)
                elif ident in (b"LIST", b"LIS2"):
                    await self._list(path, v2=ident == b"LIS2")
                elif ident == b"SEND":
                    await self._send(path)
                elif ident == b"SND2":
                    await self._send_v2(path)
                elif ident == b"RCV2":
                    await self._recv_v2(path)
                else:
                    await self._recv(path)
        except _Abort:
            return

    def _try_stat(self, path: str, follow: bool) -> tuple[VStat | None, int]:
        try:
            return self.fs.stat(path, follow=follow), 0
        except FsError as exc:
            return None, exc.errno or E.EIO
        except (OSError, UnicodeError, ValueError):
            return None, E.ENOENT

    async def _stat_v1(self, path: str) -> None:
        st, _ = self._try_stat(path, follow=False)
        if st is None:
            await self.stream.write(_STAT1.pack(b"STAT", 0, 0, 0))
        else:
            await self.stream.write(_STAT1.pack(b"STAT", st.mode, st.size & 0xFFFFFFFF, int(st.mtime)))

    async def _stat_v2(self, ident: bytes, path: str) -> None:
        st, err = self._try_stat(path, follow=ident == b"STA2")
        await self.stream.write(_STAT2.pack(ident, *_stat2_fields(st, err)))

    async def _list(self, path: str, v2: bool) -> None:
        try:
            names = [".", "..", *self.fs.listdir(path)]
        except (OSError, UnicodeError, ValueError):
            names = []
        out = bytearray()
        for name in names:
            st, err = self._try_stat(posixpath.join(path, name), follow=False)
            raw = name.encode("utf-8", "surrogateescape")
            if v2:
                if st is None and err != E.EACCES:
                    continue
                out += _DENT2.pack(b"DNT2", *_stat2_fields(st, err), len(raw)) + raw
            elif st is not None:
                out += _DENT1.pack(b"DENT", st.mode, st.size & 0xFFFFFFFF, int(st.mtime), len(raw)) + raw
            if len(out) >= 32768:
                await self.stream.write(out)
                out = bytearray()
        if v2:
            out += _DENT2.pack(b"DONE", *([0] * 12))
        else:
            out += _DENT1.pack(b"DONE", 0, 0, 0, 0)
        await self.stream.write(out)

    async def _drain_until_done(self) -> None:
        while True:
            ident, length = _REQ.unpack(await self.stream.readexactly(8))
            if ident == b"DONE":
                return
            if ident != b"DATA" or length > SYNC_DATA_MAX:
                return
            await self.stream.readexactly(length)

    async def _fail_send(self, message: str) -> None:
        await self.stream.write(_fail(message))
        await self._drain_until_done()
        raise _Abort

    async def _send(self, spec: str) -> None:
        path, comma, mode_text = spec.rpartition(",")
        if not comma:
            path, mode_text = spec, "0"
        try:
            mode = int(mode_text, 0) if mode_text else 0
        except ValueError:
            mode = 0
        await self._send_file(path, mode, decoder(0), dry_run=False)

    async def _send_v2(self, path: str) -> None:
        ident, mode, flags = _SEND2.unpack(await self.stream.readexactly(_SEND2.size))
        if ident != b"SND2":
            await self.stream.write(_fail("send_v2 setup message mismatch"))
            raise _Abort
        try:
            codec = decoder(flags)
        except CodecError as exc:
            await self._fail_send(str(exc))
        await self._send_file(path, mode, codec, dry_run=bool(flags & FLAG_DRY_RUN))

    async def _send_file(self, path: str, mode: int, codec: Codec, dry_run: bool) -> None:
        if S.S_ISLNK(mode):
            await self._send_symlink(path)
            return
        fs = self.fs
        perm = mode & 0o777
        perm |= (perm >> 3) & 0o070
        perm |= (perm >> 3) & 0o007
        handle = DevWriter("/dev/null") if dry_run else await self._create(path, perm or 0o644)
        try:
            while True:
                ident, length = _REQ.unpack(await self.stream.readexactly(8))
                if ident == b"DONE":
                    mtime = length
                    break
                if ident != b"DATA" or length > SYNC_DATA_MAX:
                    handle.close()
                    await self.stream.write(_fail("invalid data message"))
                    raise _Abort
                data = await self.stream.readexactly(length)
                try:
                    handle.write(codec.step(data))
                except CodecError as exc:
                    handle.close()
                    await self._fail_send(f"decompress failed: {exc}")
                except OSError as exc:
                    handle.close()
                    await self._fail_send(f"write failed: {_errno_text(exc)}")
            handle.write(codec.end())
            handle.commit(mtime)
        finally:
            handle.close()
        if dry_run:
            await self.stream.write(_REQ.pack(b"OKAY", 0))
            return
        if perm and not handle.created and not handle.canon.startswith("/storage/"):
            with contextlib.suppress(OSError):
                fs.chmod(handle.canon, perm)
        await self.stream.write(_REQ.pack(b"OKAY", 0))

    async def _create(self, path: str, perm: int) -> Any:
        """Open the staging file as adbd does: create the parents only when the open says ENOENT."""
        fs = self.fs
        try:
            try:
                return fs.open_write(path, mode=perm, atomic=True)
            except FsError as exc:
                if exc.errno != E.ENOENT:
                    raise
            try:
                fs.mkdir(posixpath.dirname(fs.resolve(path)), parents=True)
            except FsError as exc:
                await self._fail_send(f"secure_mkdirs failed: {_errno_text(exc)}")
            return fs.open_write(path, mode=perm, atomic=True)
        except FsError as exc:
            await self._fail_send(f"couldn't create file: {_errno_text(exc)}")
        except (OSError, UnicodeError, ValueError) as exc:
            await self._fail_send(f"couldn't create file: {exc}")
        raise _Abort  # not reached: _fail_send raises

    async def _send_symlink(self, path: str) -> None:
        target = bytearray()
        while True:
            ident, length = _REQ.unpack(await self.stream.readexactly(8))
            if ident == b"DONE":
                break
            if ident != b"DATA" or length > SYNC_DATA_MAX:
                raise _Abort
            target += await self.stream.readexactly(length)
        try:
            self.fs.symlink(bytes(target).rstrip(b"\0").decode("utf-8", "surrogateescape"), path)
        except FsError as exc:
            await self.stream.write(_fail(f"symlink failed: {_errno_text(exc)}"))
            raise _Abort from None
        await self.stream.write(_REQ.pack(b"OKAY", 0))

    async def _recv(self, path: str) -> None:
        await self._recv_file(path, encoder(0))

    async def _recv_v2(self, path: str) -> None:
        ident, flags = _RECV2.unpack(await self.stream.readexactly(_RECV2.size))
        if ident != b"RCV2":
            await self.stream.write(_fail("recv_v2 setup message mismatch"))
            raise _Abort
        try:
            codec = encoder(flags)
        except CodecError as exc:
            await self.stream.write(_fail(str(exc)))
            raise _Abort from None
        await self._recv_file(path, codec)

    async def _recv_file(self, path: str, codec: Codec) -> None:
        try:
            f = self.fs.open_read(path)
        except FsError as exc:
            await self.stream.write(_fail(f"open failed: {_errno_text(exc)}"))
            raise _Abort from None
        except (OSError, UnicodeError, ValueError):
            await self.stream.write(_fail("open failed: No such file or directory"))
            raise _Abort from None
        with f:
            while chunk := f.read(SYNC_DATA_MAX):
                await self._send_data(codec.step(chunk))
        await self._send_data(codec.end())
        await self.stream.write(_REQ.pack(b"DONE", 0))

    async def _send_data(self, data: bytes) -> None:
        for start in range(0, len(data), SYNC_DATA_MAX):
            piece = data[start : start + SYNC_DATA_MAX]
            await self.stream.write(_REQ.pack(b"DATA", len(piece)) + piece)


async def sync_service(stream: Stream, service: str) -> None:
    await SyncSession(stream, stream.conn.device.fs).run()
