"""Whether a process on this computer is alive, asked without touching it (signal 0)."""

from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """True while `pid` exists and has not died (a process of another user counts: it exists, we may
    not signal it). A zombie is dead: a killed session host whose parent has gone is reparented to
    init, and where init is slow to reap (a container's first process often never does) the pid keeps
    answering signal 0 long after the process ended."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Linux's process state from /proc (the third field of stat, after the parenthesised name, which
    may itself hold spaces or parentheses); elsewhere nothing to read, so not a zombie."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] == b"Z"
