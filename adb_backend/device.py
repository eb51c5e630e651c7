"""One device: shell (protocol v2: separate stderr and exit codes), batched shells, raw streams.

Before Android 7 there is no shell v2: `shell:` runs in a PTY (CRLF, stderr merged into stdout, no exit
code). The v1 path strips the CRs and recovers the exit code with a marker, so batches work there too.

Each `shell()` or `batch()` is exactly one device stream (one round trip); features are asked of the adb
server (which knows them from the device's banner), not of the device.
"""

from __future__ import annotations

import os
import shlex
import struct
from collections.abc import Mapping, Sequence
from typing import Any

from adb_backend.errors import BackendError, DeviceRefused, translate
from adb_backend.types import BatchResult, ShellResult

_ID_STDIN, _ID_STDOUT, _ID_STDERR, _ID_EXIT, _ID_CLOSE_STDIN = 0, 1, 2, 3, 4


def quote_command(command: str | Sequence[str]) -> str:
    """A command line from argv with every word shell-quoted; a string is taken as already built."""
    if isinstance(command, str):
        return command
    return " ".join(shlex.quote(str(word)) for word in command)


class Stream:
    """A raw device stream (exec:, shell:, sync:, ...): bytes in, bytes out, closed on exit."""

    def __init__(self, connection: Any, serial: str) -> None:
        self._connection = connection
        self.serial = serial

    @property
    def socket(self) -> Any:
        """The underlying socket (for select)."""
        return self._connection.conn

    def read(self, size: int = 65536) -> bytes:
        """Up to `size` bytes; b"" once the device closed the stream."""
        try:
            data: bytes = self._connection.conn.recv(size)
            return data
        except Exception as error:  # OSError, or adbutils' "Connection is closed" after another thread's close
            raise translate(error, self.serial) from None

    def read_exact(self, size: int) -> bytes:
        chunks = bytearray()
        while len(chunks) < size:
            chunk = self.read(size - len(chunks))
            if not chunk:
                raise DeviceRefused(f"{self.serial} closed the stream early", serial=self.serial)
            chunks += chunk
        return bytes(chunks)

    def write(self, data: bytes) -> None:
        try:
            self._connection.conn.sendall(data)
        except OSError as error:
            raise translate(error, self.serial) from None

    def settimeout(self, seconds: float | None) -> None:
        self._connection.conn.settimeout(seconds)

    def close(self) -> None:
        """Close at once: adbutils' own close half-closes and sleeps 10 ms, on every round trip."""
        try:
            self._connection.conn.close()
        except (OSError, AttributeError):
            pass
        try:
            self._connection.close()
        except OSError:
            pass

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Device:
    """A device on one adb server, addressed by serial."""

    def __init__(self, client: Any, serial: str, *, server: str = "") -> None:
        self._client = client
        self.serial = serial
        self.server = server
        self._features: frozenset[str] | None = None

    # -- plumbing ----------------------------------------------------------------------------------
    def open_stream(self, service: str, *, timeout: float | None = 60.0) -> Stream:
        """Open a device service (`shell,v2,raw:…`, `exec:…`, `sync:`, ...) and return the raw stream."""
        try:
            connection = self._client.make_connection(timeout=timeout)
            connection.send_command(f"host:transport:{self.serial}")
            connection.check_okay()
            connection.send_command(service)
            connection.check_okay()
        except BackendError:
            raise
        except Exception as error:
            raise translate(error, self.serial) from None
        return Stream(connection, self.serial)

    def features(self) -> frozenset[str]:
        """The device's ADB features (shell_v2, stat_v2, ...), from the server's copy of its banner."""
        if self._features is None:
            try:
                with self._client.make_connection(timeout=10) as connection:
                    connection.send_command(f"host-serial:{self.serial}:features")
                    connection.check_okay()
                    text = connection.read_string_block()
            except Exception as error:
                raise translate(error, self.serial) from None
            self._features = frozenset(f for f in text.strip().split(",") if f)
        return self._features

    # -- shell -------------------------------------------------------------------------------------
    def shell(
        self, command: str | Sequence[str], *, timeout: float | None = None, stdin: bytes | None = None
    ) -> ShellResult:
        """Run a command and wait for it: stdout, stderr and exit code (v2), or merged output (v1).

        `timeout` bounds each wait for the device (seconds of silence); None is the configured
        `socket_timeout` (the adb client's own), so a device that stops answering is given up on as the
        user asked, not after a fixed minute. Commands that may be silent longer pass their own."""
        line = quote_command(command)
        stdout, stderr, code = self.shell_bytes(line, timeout=timeout, stdin=stdin)
        return ShellResult(line, code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))

    def shell_bytes(
        self, command: str | Sequence[str], *, timeout: float | None = None, stdin: bytes | None = None
    ) -> tuple[bytes, bytes, int]:
        line = quote_command(command)
        if "shell_v2" not in self.features():
            return self._shell_v1(line, timeout)
        with self.open_stream(f"shell,v2,raw:{line}", timeout=timeout) as stream:
            if stdin:
                for start in range(0, len(stdin), 65536):
                    chunk = stdin[start : start + 65536]
                    stream.write(struct.pack("<BI", _ID_STDIN, len(chunk)) + chunk)
            stream.write(struct.pack("<BI", _ID_CLOSE_STDIN, 0))
            out, err = bytearray(), bytearray()
            while True:
                header = stream.read_exact(5)
                kind, length = struct.unpack("<BI", header)
                data = stream.read_exact(length) if length else b""
                if kind == _ID_STDOUT:
                    out += data
                elif kind == _ID_STDERR:
                    err += data
                elif kind == _ID_EXIT:
                    return bytes(out), bytes(err), data[0] if data else 255

    def _shell_v1(self, line: str, timeout: float | None) -> tuple[bytes, bytes, int]:
        """Android 6 and older: `shell:` only, always in a PTY (CRLF line ends, stderr merged, no exit code).

        The exit code comes from a marker echoed after the command; the PTY's CR before each LF is removed,
        so text reads as on a newer phone. Binary output is not safe here: use `exec_out` for that.
        """
        marker = f"BT-EXIT-{os.urandom(4).hex()}:"
        with self.open_stream(f"shell:{line}; echo {marker}$?", timeout=timeout) as stream:
            data = bytearray()
            while chunk := stream.read():
                data += chunk
        text = strip_pty(bytes(data))
        head, sep, tail = text.rpartition(marker.encode())
        if not sep:
            raise DeviceRefused(f"{self.serial}: shell output ended early", serial=self.serial)
        digits = tail.strip()
        code = int(digits) if digits.isdigit() else 255
        if head.endswith(b"\n"):
            head = head[:-1] + (b"\n" if head[:-1] else b"")
        return bytes(head), b"", code

    @property
    def shell_v2(self) -> bool:
        """Shell protocol v2 (Android 7+): stdout and stderr apart, and the exit code."""
        return "shell_v2" in self.features()

    def batch(self, commands: Mapping[str, str], *, timeout: float | None = None) -> BatchResult:
        """Run several commands in ONE shell round trip and split their outputs by name.

        Each command is framed by random markers on stdout and stderr, with its exit code, so one
        command's failure (permission denied, missing on an old Android) stays in its own slot.
        """
        token = os.urandom(6).hex()
        parts = []
        # without shell v2 stderr is merged into stdout: stderr markers would land inside the bodies
        err_marks = self.shell_v2
        for index, command in enumerate(commands.values()):
            begin_err = f"echo '@@{token}:B:{index}' >&2; " if err_marks else ""
            end_err = f"; echo >&2; echo '@@{token}:E:{index}' >&2" if err_marks else ""
            parts.append(
                f"echo '@@{token}:B:{index}'; {begin_err}{command}; bt_rc=$?; "
                f'echo; echo "@@{token}:E:{index}:$bt_rc"{end_err}'
            )
        script = "; ".join(parts) if parts else "true"
        stdout, stderr, _code = self.shell_bytes(script, timeout=timeout)
        out_text = stdout.decode("utf-8", "replace")
        err_text = stderr.decode("utf-8", "replace")
        results: dict[str, ShellResult] = {}
        for index, (name, command) in enumerate(commands.items()):
            body, code = _between(out_text, token, index, with_code=True)
            err_body, _ = _between(err_text, token, index, with_code=False)
            if body is None:
                results[name] = ShellResult(command, 255, "", "no output: the batch was cut short")
            else:
                results[name] = ShellResult(command, code, body, err_body or "")
        return BatchResult(results)

    # -- raw output --------------------------------------------------------------------------------
    def exec_out(self, command: str | Sequence[str], *, timeout: float | None = 60.0) -> bytes:
        """Binary-safe stdout of a command (the `exec:` service, like `adb exec-out`)."""
        with self.open_exec(command, timeout=timeout) as stream:
            data = bytearray()
            while chunk := stream.read(1 << 20):
                data += chunk
        return bytes(data)

    def open_exec(self, command: str | Sequence[str], *, timeout: float | None = 60.0) -> Stream:
        return self.open_stream(f"exec:{quote_command(command)}", timeout=timeout)

    # -- port mapping ------------------------------------------------------------------------------
    def reverse(self, remote: str, local: str, *, norebind: bool = False) -> int | None:
        """`adb reverse REMOTE LOCAL`, verified: the device's REMOTE socket reaches this machine's LOCAL one.

        adbd answers twice: the server's OKAY for the stream, then the device's own OKAY or FAIL for the
        bind ("1st OKAY is connect, 2nd OKAY is status" in adb.cpp). adbutils reads only the first, so a
        port the device cannot listen on would look mapped; this reads the second. Returns the port the
        device chose for `tcp:0`, else None.

        Raises:
            DeviceRefused: the device could not listen (its own reason, e.g. the port is in use).
        """
        rule = f"{'norebind:' if norebind else ''}{remote};{local}"
        with self.open_stream(f"reverse:forward:{rule}", timeout=10) as stream:
            status = stream.read_exact(4)
            if status == b"FAIL":
                reason = _read_block(stream)
                raise DeviceRefused(
                    f"{self.serial} could not listen on {remote}: {reason}", reason=reason, serial=self.serial
                )
            if status != b"OKAY":
                raise DeviceRefused(f"{self.serial}: unexpected reverse answer {status!r}", serial=self.serial)
            if remote == "tcp:0":
                chosen = _read_block(stream)
                return int(chosen) if chosen.isdigit() else None
        return None

    def reverse_list(self) -> dict[str, str]:
        """The device's reverse mappings, {device socket: host socket} (`adb reverse --list`)."""
        with self.open_stream("reverse:list-forward", timeout=10) as stream:
            text = _read_block(stream)
        mappings: dict[str, str] = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 3:
                mappings[parts[1]] = parts[2]
        return mappings

    def reverse_remove(self, remote: str) -> None:
        try:
            with self.open_stream(f"reverse:killforward:{remote}", timeout=10) as stream:
                stream.read(4)
        except BackendError:
            pass


def strip_pty(data: bytes) -> bytes:
    """Undo a PTY's output processing: CRLF back to LF (what `shell:` gives before Android 7)."""
    return data.replace(b"\r\n", b"\n")


def _read_block(stream: Stream) -> str:
    """A hex4-length-prefixed string, as adbd frames its answers."""
    size = stream.read_exact(4)
    try:
        length = int(size, 16)
    except ValueError:
        raise DeviceRefused(f"{stream.serial}: malformed answer {size!r}", serial=stream.serial) from None
    return stream.read_exact(length).decode("utf-8", "replace") if length else ""


def _between(text: str, token: str, index: int, *, with_code: bool) -> tuple[str | None, int]:
    begin = f"@@{token}:B:{index}\n"
    start = text.find(begin)
    if start < 0:
        return None, 255
    start += len(begin)
    end_mark = f"\n\n@@{token}:E:{index}"
    end = text.find(end_mark, start - 1)  # an empty body: the begin line's newline is the first of the two
    if end < 0:
        return text[start:], 255
    if end < start:
        start = end
    code = 0
    if with_code:
        rest = text[end + len(end_mark) :]
        digits = rest[1:].split("\n", 1)[0] if rest.startswith(":") else ""
        code = int(digits) if digits.isdigit() else 255
    return text[start:end], code
