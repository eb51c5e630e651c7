"""Run a fast-lane command in a warm bt process instead of starting one cold.

Starting Python and importing bt's modules is most of what a one-round-trip command costs (about
70 ms of 85), ten times what stock adb needs for the same job. Like adb's own client and server, the
first command starts a warm process in the background (bt_cli/warm_server.py) that has imported
everything and forks a child per command; later commands hand it their arguments, working folder,
environment, umask and their stdin, stdout and stderr (passed as file descriptors, so a terminal is
still a terminal), forward Ctrl-C to the child and exit with its exit code. Only the commands of the
fast lane go there; the warm process refuses anything else, and refuses everything once bt's code has
changed on disk, and the command then runs here as usual. `BT_WARM=off` turns it off.

This module is imported before anything else on the command path, so it uses only what the
interpreter has already loaded, plus the C parts of socket and signal (never typing, enum or
socket.py: 10-20 ms together).
"""

from __future__ import annotations

import _socket  # socket.py would import enum, selectors and friends: 8 ms of a 40 ms command
import os
import sys

#: Seconds to wait for the warm process to accept or refuse a command before running it here.
ANSWER_TIMEOUT = 2.0
#: The signals a terminal or a supervisor sends to bt, passed on to the child doing the work.
FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT")


def enabled() -> bool:
    return os.environ.get("BT_WARM", "on").lower() not in ("off", "0", "no", "false")


def socket_path() -> str:
    """One warm process per user, interpreter and checkout, in a folder only this user can enter."""
    import binascii

    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    key = binascii.crc32(f"{sys.executable}\0{here}".encode("utf-8", "surrogateescape"))
    return os.path.join(runtime_dir(), f"warm-{key:08x}.sock")


def runtime_dir() -> str:
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    return os.path.join(base, f"bt-{os.getuid()}")


def private_dir(path: str) -> bool:
    """The folder exists, is a real folder of this user and only this user may enter it (made so when
    missing). A folder another user planted, or one anyone can write into, is never used."""
    import stat

    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return False
    try:
        info = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def run(args: list[str]) -> int | None:
    """The command's exit code after the warm process ran it, or None to run it here (no warm process
    yet, which this starts for the next command; refused; or not answering in time)."""
    from bt_cli.fast_targets import named

    if not enabled() or named(args) is None:
        return None

    path = socket_path()
    if not private_dir(os.path.dirname(path)):
        return None  # someone else's folder: never hand it this command's environment
    client = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        client.settimeout(ANSWER_TIMEOUT)
        try:
            client.connect(path)
        except OSError:
            start_server(path)
            return None
        try:
            if not peer_is_me(client):
                return None
            client.sendall(_request(args))
            answer = _read(client, 5)
        except (OSError, ValueError):
            return None
        if len(answer) < 5 or answer[:1] != b"P":
            return None  # refused ("R"), or gone
        try:
            # "go", with stdin, stdout and stderr: only now does the child start the command, so a
            # command given up on above (too slow an answer) never runs twice, here and there, and a
            # slow warm process never holds this command's pipes
            fds = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in (0, 1, 2))
            client.sendmsg([b"G"], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, fds)])
        except OSError:
            return None
        client.settimeout(None)
        return _wait(client, int.from_bytes(answer[1:5], "little"))
    finally:
        client.close()


def peer_is_me(connection: _socket.socket) -> bool:
    """The process at the other end runs as this user (Linux's SO_PEERCRED: pid, uid, gid; where there
    is none, no peer is trusted). Both ends ask: the client before handing over its environment, the
    warm process before serving."""
    option = getattr(_socket, "SO_PEERCRED", None)
    if option is None:
        return False
    creds = connection.getsockopt(_socket.SOL_SOCKET, option, 12)
    return int.from_bytes(creds[4:8], sys.byteorder) == os.getuid()


def _request(args: list[str]) -> bytes:
    import marshal

    mask = os.umask(0o022)
    os.umask(mask)
    streams = [
        (s.encoding, s.errors) if s is not None else ("utf-8", "strict") for s in (sys.stdin, sys.stdout, sys.stderr)
    ]
    body = marshal.dumps((args, os.getcwd(), dict(os.environ), mask, streams))
    return len(body).to_bytes(4, "little") + body


def _read(client: _socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = client.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _wait(client: _socket.socket, pid: int) -> int:
    """Pass signals on to the child until it reports its exit code."""
    signal = __import__("_signal")  # the C module: signal.py builds enums (3 ms)
    forwarded: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        forwarded.append(signum)
        try:
            os.kill(pid, signum)
        except OSError:
            pass

    def suspend(_signum: int, _frame: object) -> None:
        """Ctrl-Z: the child stops with bt (SIGSTOP: a stop signal sent to a process outside any
        terminal's job control would be discarded), and both go on with `fg` or `bg`."""
        try:
            os.kill(pid, signal.SIGSTOP)
        except OSError:
            pass
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stopped here until SIGCONT
        signal.signal(signal.SIGTSTP, suspend)
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass

    for name in FORWARDED:
        signal.signal(getattr(signal, name), forward)
    signal.signal(signal.SIGTSTP, suspend)
    while True:
        try:
            answer = _read(client, 5)
        except InterruptedError:
            continue
        if len(answer) == 5 and answer[:1] == b"X":
            return int.from_bytes(answer[1:5], "little", signed=True)
        if forwarded:  # the child died of the signal bt was sent (SIGTERM...): so does bt, as a cold one
            signal.signal(forwarded[-1], signal.SIG_DFL)
            os.kill(os.getpid(), forwarded[-1])
        sys.stderr.write("bt: error: internal error: the warm bt process ended without an exit code\n")
        return 1


def start_server(path: str) -> None:
    """Start the warm process in the background (its own session, no terminal, output to /dev/null);
    it takes over the socket path once its imports are done."""
    if len(path.encode("utf-8", "surrogateescape")) >= 100:
        return  # a socket path is limited to 107 bytes: with a longer XDG_RUNTIME_DIR, commands run cold
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
    except OSError:
        return
    try:
        os.posix_spawn(
            sys.executable,
            [sys.executable, "-m", "bt_cli.warm_server", path],
            os.environ,
            file_actions=[(os.POSIX_SPAWN_DUP2, devnull, fd) for fd in (0, 1, 2)],
            setsid=True,
        )
    except OSError:
        pass
    finally:
        os.close(devnull)
