"""A session host or transfer runner that was killed counts as gone, even while its pid is a zombie
that nobody has reaped yet (a container's first process often never reaps): host-status must not show
a dead host as running, and its transfers must be reaped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from bt_core.processes import pid_alive, state


def test_a_live_process_is_alive_and_a_killed_one_is_not_even_unreaped():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert pid_alive(child.pid)
        os.kill(child.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while pid_alive(child.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not pid_alive(child.pid)
        assert state(child.pid) == "Z"  # still unreaped: a zombie, not gone
    finally:
        child.kill()
        child.wait()
    assert not pid_alive(child.pid)
    assert pid_alive(os.getpid())
