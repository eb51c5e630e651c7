"""The warm bt process: everything a fast-lane command needs, imported once; a forked child per command.

Started in the background by the first command that finds none (bt_cli/warm_client.py explains why),
as `python -m bt_cli.warm_server SOCKET`. It stays single-threaded, so forking is safe, and it opens
nothing a child could share by mistake (no store, no adb connection): each child builds its own from
the command's environment, exactly as a cold `bt` would. A child takes the client's stdin, stdout
and stderr, working folder, environment and umask, runs the command through the fast lane and sends
back its exit code. The process refuses a command the lane does not take, any command once a module
of bt changed on disk or packages were installed (it then exits and the next command starts a fresh
one), and a peer that is not this user. It exits after IDLE_SECONDS without a command.
"""

from __future__ import annotations

import fcntl
import gc
import marshal
import os
import signal
import socket
import sys
import threading
from typing import Any, TextIO

from bt_cli.fast_targets import named
from bt_cli.warm_client import peer_is_me

IDLE_SECONDS = 600.0
#: How often an idle process checks that the socket is still its own.
CHECK_SECONDS = 30.0
MAX_REQUEST = 4 << 20

#: What the lane's commands import on their way besides their actions (bt_cli/fast_targets.py), loaded
#: before the first fork; a module missing here is imported again by every child that needs it (seen by
#: comparing sys.modules before and after each lane command in one process).
PRELOAD = (
    "bt_cli.fast_lane",
    "bt_cli.fast_spec",
    "bt_cli.transfer_ui",
    "bt_cli.context",
    "bt_cli.outcome",
    "bt_cli.exit_codes",
    "bt_core.services",
    "bt_core.settings",
    "bt_core.policy",
    "bt_core.sessions",
    "bt_core.store",
    "bt_core.devices",
    "bt_core.files",
    "bt_core.transfers",
    "bt_core.chat",
    "bt_core.control",
    "bt_core.grants",
    "bt_core.host.control",
    "bt_core.sanitize",
    "bt_core.units",
    "adb_backend.client",
    "adb_backend.files",
    "adb_backend.sync",
    "adb_backend.notify",
    "adb_backend.input",
    "base64",
    "getpass",
    "hashlib",
    "json",
    "subprocess",
    "rich.console",
    "rich.progress",
    "rich.table",
)


def preload() -> None:
    import importlib

    from bt_cli.fast_targets import TARGETS

    actions = dict.fromkeys(target.partition(":")[0] for target in TARGETS.values())
    for name in (*actions, *PRELOAD):
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    try:  # the spelling dictionary takes ~0.2 s to load: every `bt chat send` would pay it
        from bt_core.spelling import _checker

        _checker()
    except Exception:  # noqa: BLE001 - a missing dictionary only means chat send loads it itself
        pass
    gc.collect()
    gc.freeze()  # children never scan, so never copy, the preloaded heap


def code_stamp() -> dict[str, float]:
    """The modification time of every loaded module of bt and of the folders packages install into:
    a change means the code a child would run is not the code on disk."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ours = tuple(os.path.join(here, package) + os.sep for package in ("bt_cli", "bt_core", "adb_backend"))
    stamp: dict[str, float] = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.startswith(ours):
            stamp[path] = _mtime(path)
    for folder in sys.path:
        if folder.endswith(("site-packages", "dist-packages")):
            stamp[folder] = _mtime(folder)
    return stamp


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return -1.0


def _receive(conn: socket.socket) -> Any:
    """The length-prefixed request (the descriptors come later, with the client's go)."""
    data = conn.recv(65536)
    if len(data) < 4:
        raise ValueError("short request")
    size = int.from_bytes(data[:4], "little")
    if size > MAX_REQUEST:
        raise ValueError("request too large")
    body = bytearray(data[4:])
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            raise ValueError("truncated request")
        body += chunk
    return marshal.loads(bytes(body))


def serve(path: str) -> None:
    lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return  # another warm process is starting or running for this socket
    os.ftruncate(lock, 0)
    os.write(lock, f"{os.getpid()}\n".encode())
    preload()
    stamp = code_stamp()
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    staging = f"{path}.{os.getpid()}"
    server.bind(staging)
    os.chmod(staging, 0o600)
    os.replace(staging, path)  # a dead process's socket is replaced, a client never sees none
    mine = os.stat(path).st_ino
    server.listen(128)
    server.settimeout(CHECK_SECONDS)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    idle = 0.0
    # The socket file is never removed: once this process is gone, connecting to it is refused, and
    # the client starts a new process, which replaces it.
    while idle < IDLE_SECONDS:
        try:
            conn, _ = server.accept()
        except TimeoutError:
            idle += CHECK_SECONDS
            if _inode(path) != mine:
                return  # another process took the socket over
            continue
        idle = 0.0
        try:
            conn.settimeout(5)
            request = _receive(conn)
            if not peer_is_me(conn):
                continue
            if code_stamp() != stamp:
                conn.sendall(b"R")
                return  # the next command starts a process with the code on disk
            if not _takes(request):
                conn.sendall(b"R")
                continue
            if os.fork() == 0:
                server.close()
                _child(conn, request, path + ".log")  # never returns
        except (OSError, ValueError, EOFError, TypeError):
            continue
        finally:
            conn.close()


def _inode(path: str) -> int:
    try:
        return os.stat(path).st_ino
    except OSError:
        return -1


def _takes(request: Any) -> bool:
    """Whether the lane takes the command (the same test the cold path makes)."""
    from bt_cli.fast_lane import accepts

    try:
        args, _cwd, env, _mask, _streams = request
        return accepts(list(args), dict(env)) is not None
    except (ValueError, TypeError, AttributeError):  # not a request this client sends
        return False


def _child(conn: socket.socket, request: Any, log: str) -> None:
    """Become the command: the client's descriptors, folder, environment and umask; then run it.

    The child says it is ready ("P" and its pid) and waits for the client's go, which brings the
    client's stdin, stdout and stderr. A client that gave up waiting (it then runs the command itself)
    never sends it: this child ends without running anything, and no descriptor of the client was ever
    held here (a `$(bt ...)` would wait for its pipe)."""
    code = 1
    what = "?"
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        args, cwd, env, mask, streams = request
        what = named(args) or "?"  # for the log: the command, never its arguments (a customer's words)
        try:
            conn.sendall(b"P" + os.getpid().to_bytes(4, "little"))
            go, fds, _flags, _addr = socket.recv_fds(conn, 1, 3)
        except OSError:
            go, fds = b"", []
        if go != b"G" or len(fds) != 3:
            os._exit(0)  # nothing ran: nothing to log or answer
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        fds.clear()
        os.environ.clear()
        os.environ.update(env)
        import time

        time.tzset()  # local times in the command's TZ, not the warm process's
        os.umask(mask)
        os.chdir(cwd)
        sys.argv = ["bt", *args]
        sys.stdin, sys.stdout, sys.stderr = (
            _reopen(fd, encoding, errors) for fd, (encoding, errors) in enumerate(streams)
        )
        conn.settimeout(None)
        threading.Thread(target=_watch, args=(conn,), daemon=True).start()
        from bt_cli.fast_lane import run

        result = run(list(args))
        code = 2 if result is None else result
        import atexit

        atexit._run_exitfuncs()  # as a cold command's exit does (bt_cli/entry.exit_now)
    except BaseException:  # noqa: BLE001 - whatever happened, the client gets a code
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: the client closing now is no Ctrl-C
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        _note(log, f"{os.getpid()} {what} exit {code}")
        try:
            conn.sendall(b"X" + int(code).to_bytes(4, "little", signed=True))
        except OSError:
            pass
        os._exit(code)


def _note(log: str, line: str) -> None:
    """One line in the process's log (the command and its exit code), trimmed when it grows large."""
    import time

    try:
        if os.path.getsize(log) > 1 << 20:
            os.truncate(log, 0)
    except OSError:
        pass
    try:
        fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {line}\n".encode())
        finally:
            os.close(fd)
    except OSError:
        pass


def _reopen(fd: int, encoding: str, errors: str) -> TextIO:
    """A text stream on one of the client's descriptors, buffered as Python buffers its own: stderr
    and a terminal by line, a pipe or a file in blocks."""
    import io

    raw = io.FileIO(fd, "r" if fd == 0 else "w", closefd=False)
    buffered = io.BufferedReader(raw) if fd == 0 else io.BufferedWriter(raw)
    line = fd == 2 or (fd == 1 and os.isatty(fd))
    return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, line_buffering=line)


def _watch(conn: socket.socket) -> None:
    """The client went away (killed, its terminal closed): stop the command as Ctrl-C would."""
    try:
        conn.recv(1)
    except OSError:
        pass
    os.kill(os.getpid(), signal.SIGINT)


def stop_all(runtime: str) -> None:
    """End the warm processes whose sockets live under the runtime folder `runtime` (what a test
    suite or a benchmark gave XDG_RUNTIME_DIR): each keeps its pid in its lock file."""
    import glob

    for lock in glob.glob(os.path.join(glob.escape(runtime), "bt-*", "warm-*.sock.lock")):
        try:
            with open(lock) as handle:
                os.kill(int(handle.read().split()[0]), signal.SIGTERM)
        except (OSError, ValueError, IndexError):
            pass


def main() -> None:
    if len(sys.argv) != 2:
        sys.stderr.write("usage: python -m bt_cli.warm_server SOCKET\n")
        sys.exit(2)
    # nothing the starting command had open is held: a `$(bt ...)` or a CI log waits for its pipe
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    serve(sys.argv[1])


if __name__ == "__main__":
    main()
