"""The real `bt tui` in tmux (140×45), driven by keys as a technician would, through a whole session.

Start a session from the queue, chat, switch tabs and chat again, ask for view access and get the
customer's answer, see the live screen, open System info, push a file (through the CLI), end the
session; the screen text and the transcript are checked at each step.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One tmux server on a private socket, one window running the command."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def run(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=30)
        return done.stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", "bt", *(["-l"] if literal else []), *keys)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "bt")

    def wait_for(self, condition: Callable[[str], bool] | str, timeout: float = 60.0) -> str:
        check = (lambda text: condition in text) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        text = self.screen()
        while not check(text):
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {condition!r}; the screen shows:\n{text}")
            time.sleep(0.2)
            text = self.screen()
        return text


@pytest.fixture
def tmux(bt_env, tmp_path: Path) -> Iterator[Tmux]:
    socket = f"bt-test-{os.getpid()}-{tmp_path.name}"
    script = tmp_path / "run-tui.sh"
    env = {k: v for k, v in bt_env.env.items() if k not in ("NO_COLOR", "COLUMNS")}
    exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items() if k.isidentifier())
    # (stderr stays the terminal: Textual draws on it)
    run = f"cd {shlex.quote(str(bt_env.data_dir))}\nexec {shlex.quote(sys.executable)} -m bt_cli tui\n"
    script.write_text(f"{exports}unset COLUMNS LINES\n{run}")
    handle = Tmux(socket)
    handle.run("new-session", "-d", "-s", "bt", "-x", "140", "-y", "45", f"sh {shlex.quote(str(script))}")
    try:
        yield handle
    finally:
        handle.run("kill-server")


def test_a_whole_session_in_tmux(tmux, bt_env, vdevice, tmp_path, monkeypatch):
    from bt_core.services import Services
    from bt_core.settings import load_settings

    for name in ("BT_DATA_DIR", "BT_CONFIG_DIR", "BT_POLICY", "BT_TECHNICIAN", "ANDROID_ADB_SERVER_PORT"):
        monkeypatch.setenv(name, bt_env.env[name])
    services = Services(load_settings())
    try:
        run_session(tmux, bt_env, vdevice, tmp_path, services)
    finally:
        services.close()


def run_session(tmux: Tmux, bt_env, vdevice, tmp_path: Path, services) -> None:
    store = services.store

    def texts(session_id: str, kind: str) -> list[str]:
        return [e.text for e in store.events(session_id, kinds=[kind])]

    # the queue: start a session on the device (the `s` must not reach the chat input)
    screen = tmux.wait_for(vdevice.serial)
    assert "Devices" in screen and "Sessions" in screen
    tmux.keys("s")
    tmux.wait_for("Start a session on")
    tmux.type("Tia")
    tmux.keys("Enter")
    screen = tmux.wait_for("Chat (F1)")
    (record,) = [s for s in store.list_sessions() if not s.ended]
    assert record.customer == "Tia"

    # chat: type and send
    tmux.type("Hello from the console")
    tmux.keys("Enter")
    tmux.wait_for(lambda _t: bool(texts(record.id, "chat.sent")))
    tmux.wait_for(lambda text: "Hello from the console" in text and "Sent" in text)
    assert texts(record.id, "chat.sent") == ["Hello from the console"]
    assert vdevice.state.screen.notifications

    # another tab and back: typing goes to the chat input again
    tmux.keys("F2")
    tmux.wait_for("Ctrl+R asks to view the screen")
    assert not store.events(record.id, kinds=["screen.stream_opened"])  # no stream without a grant
    tmux.keys("F1")
    tmux.wait_for(lambda text: "Ctrl+R asks to view the screen" not in text)
    tmux.type("Second message")
    tmux.keys("Enter")
    tmux.wait_for(lambda _t: len(texts(record.id, "chat.sent")) == 2)
    assert texts(record.id, "chat.sent") == ["Hello from the console", "Second message"]

    # ask for view access; the customer answers; the live screen appears
    tmux.keys("F2")
    tmux.keys("C-r")
    tmux.wait_for("waiting for the customer")
    assert [e.data["level"] for e in store.events(record.id, kinds=["grant.requested"])] == ["view"]
    services.grants.set(record.id, "view", by="customer")
    screen = tmux.wait_for(lambda text: "The customer granted view-only access" in text and " LIVE " in text)
    screen = tmux.wait_for(lambda text: "▀" in text or "▄" in text, timeout=60)  # the picture, in half-blocks
    assert store.events(record.id, kinds=["screen.stream_opened"])

    # System info: the overview, and the stream stops while the Screen tab is hidden
    tmux.keys("F4")
    screen = tmux.wait_for(lambda text: "Model" in text and "Overview" in text)
    assert "Pixel 8" in screen
    tmux.wait_for(lambda _t: bool(store.events(record.id, kinds=["screen.stream_closed"])), timeout=30)

    # push a file (through the CLI, as a colleague would); the transcript in the chat shows it
    home = tmp_path / "home"
    home.mkdir()
    (home / "guide.txt").write_text("read me\n")
    pushed = bt_env.run(
        "files", "push", str(home / "guide.txt"), "/sdcard/Download/", env={"HOME": str(home), "BT_SESSION": record.id}
    )
    assert pushed.returncode == 0, pushed.stderr
    assert vdevice.state.fs.as_root().exists("/sdcard/Download/guide.txt")
    tmux.keys("F1")
    tmux.wait_for("guide.txt")

    # end the session: asked first
    tmux.keys("F10")
    tmux.wait_for("End the session?")
    tmux.keys("y")
    tmux.wait_for("ended")
    ended = store.get_session(record.id)
    assert ended.status == "ended"
    kinds = [e.kind for e in store.events(record.id)]
    for kind in (
        "session.started",
        "chat.sent",
        "grant.requested",
        "grant.changed",
        "screen.stream_opened",
        "sysinfo.pulled",
        "session.ended",
    ):
        assert kind in kinds, kind
