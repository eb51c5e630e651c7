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
    return state(pid) != "Z"


def state(pid: int) -> str | None:
    """Linux's one-letter process state (R, S, T for stopped, Z for a zombie...) from /proc: the field
    after the parenthesised name, which may itself hold spaces or parentheses. None where there is
    nothing to read (no such process, or no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return None
    fields = stat[stat.rfind(b")") + 1 :].split()
    return fields[0].decode("ascii", "replace") if fields else None
