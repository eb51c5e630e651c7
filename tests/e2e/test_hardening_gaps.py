"""Hardening gaps through the real stack: a link planted after bt's check during `files mkdir`, escape
codes in report/log export and JSON output, Ctrl-C on `bt log --follow`, the configured shell timeout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def _policy(bt_env, tmp_path: Path, **files: object) -> None:
    lines = ["[files]", f"local_paths = [{json.dumps(str(tmp_path))}]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in files.items()]
    bt_env.policy_path.write_text("\n".join(lines) + "\n")


class _PlantOnCommand(list):
    """The virtual device's record of shell commands; the first one containing `word` plants a link
    before it runs: the race between bt's check and the device-side action, made certain."""

    def __init__(self, word: str, plant) -> None:
        super().__init__()
        self.word, self.plant, self.planted = word, plant, False

    def append(self, command: str) -> None:
        if self.word in command and not self.planted:
            self.planted = True
            self.plant()
        super().append(command)


# -- 1. mkdir -p refuses a link planted after bt's check ----------------------------------------------
def test_mkdir_refuses_a_link_planted_between_the_check_and_the_action(bt_env, phone, tmp_path):
    """On every Android version (Android 6's `shell:` has no exit code of its own)."""
    vdevice = phone
    _policy(bt_env, tmp_path, remote_paths=["/data/local/tmp"])
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    fs = vdevice.state.fs
    fs.mkdir("/data/local/tmp/work", parents=True)  # a plain folder when bt checks the path

    def swap_for_link() -> None:
        fs.remove("/data/local/tmp/work", recursive=True)
        fs.symlink("/sdcard", "/data/local/tmp/work")

    vdevice.counters.shell_commands = _PlantOnCommand("mkdir", swap_for_link)
    result = bt_env.run("files", "mkdir", "/data/local/tmp/work/new/deeper")
    assert vdevice.counters.shell_commands.planted
    assert result.returncode == 10, result.stderr
    assert "outside the allowed folders" in result.stderr and result.stderr.count("\n") == 1
    assert not fs.exists("/sdcard/new"), "the folders were made through the link"
    denied = json.loads(bt_env.run("log", "--json", "--kind=permission.denied").stdout)
    assert [e["data"].get("detail") for e in denied] == ["/data/local/tmp/work/new/deeper"]
    created = json.loads(bt_env.run("log", "--json", "--kind=folder.created").stdout)
    assert created == []
    # without a link, the same command makes every folder
    fs.remove("/data/local/tmp/work")
    ok = bt_env.run("files", "mkdir", "/data/local/tmp/work/new/deeper")
    assert ok.returncode == 0, ok.stderr
    assert fs.isdir("/data/local/tmp/work/new/deeper")


# -- 5. a literal `\e[2J` never looks like a sanitised ESC ---------------------------------------------
def test_a_name_spelling_an_escape_is_shown_apart_from_a_real_escape(bt_env, vdevice, tmp_path):
    _policy(bt_env, tmp_path)
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    fs = vdevice.state.fs
    fs.write_bytes("/sdcard/Download/real\x1b[2J.txt", b"1")
    fs.write_bytes("/sdcard/Download/fake\\e[2J.txt", b"2")
    fs.write_bytes("/sdcard/Download/C:\\Users.txt", b"3")
    for args in (("files", "ls", "/sdcard/Download"), ("files", "ls", "-l", "/sdcard/Download")):
        result = bt_env.run(*args)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout
        assert "real\\e[2J.txt" in result.stdout and "fake\\\\e[2J.txt" in result.stdout, result.stdout
        assert "C:\\Users.txt" in result.stdout and "C:\\\\Users" not in result.stdout


OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x1b\\"
HOSTILE = f"hi {OSC52}\x1b[2J \x9b31m\x9d52;c;eA==\x07 \u202eevil\u2028 there"


def _hostile_session(bt_env, vdevice, tmp_path) -> str:
    """A session whose device holds a hostile file name and whose customer sent a hostile message."""
    from bt_core.store import Store

    _policy(bt_env, tmp_path)
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    vdevice.state.fs.write_bytes(f"/sdcard/Download/{HOSTILE}.jpg", b"x")
    session_id = json.loads(bt_env.run("session", "show", "--json").stdout)["id"]
    store = Store.open(None, sqlite_path=bt_env.data_dir / "bt.sqlite3")
    store.append_event(session_id, "customer", "chat.received", HOSTILE, {})  # as the customer page does
    store.close()
    return session_id


def _on_terminal(bt_env, *args: str) -> tuple[int, bytes]:
    """Run bt with its stdout on a pseudo-terminal, as a technician sees it; (exit code, bytes shown)."""
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", *args],
        stdout=slave,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    return proc.wait(timeout=120), shown


def _inert(data: bytes, also: str = "") -> bool:
    """No ESC, 8-bit CSI/OSC, BEL or bidi override (nor any of `also`) in what reached the terminal."""
    text = data.decode("utf-8")
    return not any(c in text for c in "\x1b\x9b\x9d\x07\u202e" + also)


# -- 2. reports and transcript exports on a terminal ---------------------------------------------------
def test_report_and_log_export_to_a_terminal_are_inert_but_a_pipe_gets_the_bytes(bt_env, vdevice, tmp_path):
    _hostile_session(bt_env, vdevice, tmp_path)
    for args in (
        ("report", "--format", "md", "--out", "-"),
        ("report", "--format", "html", "--out", "-"),
        ("log", "export", "--format", "md"),
        ("log", "export", "--format", "html"),
        ("log", "export", "--format", "jsonl"),
        ("report", "--format", "json", "--out", "-"),
    ):
        code, shown = _on_terminal(bt_env, *args)
        assert code == 0, (args, shown)
        assert _inert(shown), (args, shown)
        assert b"52;c;cm0gLXJmIH4K" in shown and (b"\\e" in shown or b"\\u001b" in shown), (args, shown)
        piped = bt_env.run(*args)
        assert piped.returncode == 0, piped.stderr
        if "json" not in args[-1] and "json" not in args[2]:  # md, html: a file or a pipe gets them as they are
            assert "\x1b" in piped.stdout and "\x9b31m" in piped.stdout, args


def _strings(value: object) -> list[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in _strings(item)] if isinstance(value, list) else []


# -- 3. JSON output keeps no raw C1 or ESC and reads back to the same data -----------------------------
def test_json_output_escapes_terminal_controls_and_keeps_the_data(bt_env, vdevice, tmp_path):
    _hostile_session(bt_env, vdevice, tmp_path)
    listed = bt_env.run("files", "ls", "/sdcard/Download", "--json")
    log = bt_env.run("log", "--json", "--kind=chat.received")
    export = bt_env.run("log", "export", "--format", "jsonl")
    report = bt_env.run("report", "--format", "json", "--out", "-")
    for result in (listed, log, export, report):
        assert result.returncode == 0, result.stderr
        assert _inert(result.stdout.encode(), also="\u2028"), result.stdout
    assert f"{HOSTILE}.jpg" in {e["name"] for e in json.loads(listed.stdout)}
    assert [e["text"] for e in json.loads(log.stdout)] == [HOSTILE]
    assert HOSTILE in [json.loads(line)["text"] for line in export.stdout.splitlines()]
    assert HOSTILE in _strings(json.loads(report.stdout))  # the message, unchanged


# -- 4. Ctrl-C on `bt log --follow` exits 130 like every interrupted command ---------------------------
@pytest.mark.parametrize("mode", ["terminal", "pipe", "json"])
def test_ctrl_c_on_log_follow_exits_130(bt_env, vdevice, tmp_path, mode):
    """Ctrl-C as a terminal sends it: SIGINT to the foreground process group, once bt is following."""
    import os
    import pty
    import select
    import signal
    import subprocess
    import sys

    _policy(bt_env, tmp_path)
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "log", "--follow", *(["--json"] if mode == "json" else [])],
        stdin=slave,
        stdout=slave if mode == "terminal" else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
        start_new_session=True,
    )
    os.close(slave)
    shown = master if mode == "terminal" else proc.stdout.fileno()  # type: ignore[union-attr]
    try:
        ready, _, _ = select.select([shown], [], [], 120)
        assert ready and b"Session started" in os.read(shown, 65536), "bt log --follow printed nothing"
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    assert code == 130, (code, stderr)
    assert "Traceback" not in stderr and stderr.strip().count("\n") == 0, stderr


# -- 6. shell commands give up after the configured socket_timeout, not a fixed minute -----------------
def test_a_silent_device_is_given_up_on_after_the_configured_socket_timeout(bt_env, vdevice, tmp_path):
    import time

    (bt_env.config_dir / "config.toml").write_text("socket_timeout = 3\n")
    _policy(bt_env, tmp_path)
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    vdevice.faults.stall_stream("shell", 300)  # the device takes the command and never answers
    started = time.monotonic()
    result = bt_env.run("files", "mkdir", "/sdcard/Download/new")
    took = time.monotonic() - started
    assert result.returncode == 9 and "in time" in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert took < 40, f"gave up after {took:.0f} s, not the configured 3 s"  # the old fixed wait was 60 s
