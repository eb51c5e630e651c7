"""The warm bt process (bt_cli/warm_server.py): the first fast-lane command starts it, later ones run in
a child of it with the command's own environment, folder, umask and terminal, and answer exactly as a
cold bt does; Ctrl-C and a killed command stop the work; changed code is never run."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bt_core.processes import state
from tests.conftest import stop_warm_processes
from tests.e2e.test_files import _events, _policy


@pytest.fixture
def warm(bt_env, tmp_path_factory):
    """bt_env with a warm process of its own (a short private folder: socket paths are limited)."""
    import tempfile

    runtime = Path(tempfile.mkdtemp(prefix="btw-"))
    bt_env.env["XDG_RUNTIME_DIR"] = str(runtime)
    bt_env.env.pop("BT_WARM", None)
    yield bt_env
    stop_warm_processes(runtime)


def _log(bt_env) -> list[str]:
    found = list(Path(bt_env.env["XDG_RUNTIME_DIR"]).glob("bt-*/warm-*.sock.log"))
    return found[0].read_text().splitlines() if found else []


def _served(bt_env, *args: str, deadline: float = 30) -> subprocess.CompletedProcess[str]:
    """Run a command once the warm process is up, and check that the warm process ran it."""
    end = time.monotonic() + deadline
    while True:
        before = len(_log(bt_env))
        done = bt_env.run(*args)
        if len(_log(bt_env)) > before:
            return done
        assert time.monotonic() < end, "the warm process never served a command"
        time.sleep(0.3)


def test_a_command_in_the_warm_process_answers_as_a_cold_one(warm, vdevice):
    assert warm.run("session", "start", "--customer", "Ann").returncode == 0
    _served(warm, "files", "ls", "/sdcard")
    cold = {"BT_WARM": "off"}
    for args in (
        ["files", "ls", "/sdcard"],
        ["files", "ls", "--json", "/sdcard/Download"],
        ["files", "ls", "/nope"],  # the policy refuses: 10, its words
        ["input", "tap", "1", "1"],  # no control grant: 10
        ["--session", "nosuch", "files", "ls"],
    ):
        hot = _served(warm, *args)
        slow = warm.run(*args, env=cold)
        assert (hot.returncode, hot.stdout, hot.stderr) == (slow.returncode, slow.stdout, slow.stderr), args
    assert [line.split()[-3:] for line in _log(warm)][-5:] == [
        ["ls", "exit", "0"],
        ["ls", "exit", "0"],
        ["ls", "exit", "10"],
        ["tap", "exit", "10"],
        ["ls", "exit", "11"],
    ]
    # the log names the command, never its arguments (a message may be a customer's words)
    _served(warm, "chat", "send", "--no-spellcheck", "my secret words")
    assert "secret" not in "\n".join(_log(warm))
    assert "my secret words" in warm.run("log").stdout


def test_the_commands_environment_folder_and_umask_are_used(warm, vdevice, tmp_path):
    assert warm.run("session", "start", "--customer", "Ann").returncode == 0
    _policy(warm, tmp_path)
    source = tmp_path / "w.py"
    source.write_bytes(Path(__file__).read_bytes())
    pushed = warm.run("files", "push", str(source), "/sdcard/Download/w.py")
    assert pushed.returncode == 0, pushed.stderr
    _served(warm, "files", "ls", "/sdcard")
    here = tmp_path / "here"
    here.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "bt_cli", "files", "pull", "/sdcard/Download/w.py", "relative.py"],
        env=warm.env,
        cwd=here,
        capture_output=True,
        text=True,
        preexec_fn=lambda: os.umask(0o077),
    )
    assert done.returncode == 0, done.stderr
    assert (here / "relative.py").read_bytes() == Path(__file__).read_bytes()
    assert (here / "relative.py").stat().st_mode & 0o777 == 0o600
    # another policy in this command's environment is the one applied
    strict = tmp_path / "strict.toml"
    strict.write_text('[files]\nremote_paths = ["/sdcard/Music"]\n')
    refused = warm.run("files", "ls", "/sdcard/Download", env={"BT_POLICY": str(strict)})
    assert refused.returncode == 10, refused.stderr
    assert warm.run("files", "ls", "/sdcard/Download").returncode == 0


def _moving(bt_env) -> dict:
    """The transfer that is running and has moved bytes."""
    end = time.monotonic() + 30
    while time.monotonic() < end:
        for transfer in json.loads(bt_env.run("transfers", "list", "--json").stdout or "[]"):
            if transfer["state"] == "running" and transfer["bytes_done"] > 0:
                return transfer
        time.sleep(0.05)
    raise AssertionError("no transfer started moving bytes")


def _slow_session(warm, vdevice_factory, tmp_path: Path, mib: int):
    """A session on a device behind a 40 Mbit/s link, the warm process up, and a file of `mib` MiB."""
    slow = vdevice_factory(bandwidth_mbps=40)
    _policy(warm, tmp_path)
    assert warm.run("session", "start", "--device", slow.serial).returncode == 0
    _served(warm, "files", "ls", "/sdcard")
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(mib * 1024 * 1024))
    return slow, src


def _push_in_background(warm, src: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "files", "push", str(src), "/sdcard/big.bin"],
        env=warm.env,
        cwd=str(warm.data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ctrl_c_and_a_killed_command_stop_the_transfer(warm, vdevice_factory, tmp_path):
    slow, src = _slow_session(warm, vdevice_factory, tmp_path, 30)
    for how in (signal.SIGINT, signal.SIGKILL):
        runner = _push_in_background(warm, src)
        try:
            transfer = _moving(warm)
            runner.send_signal(how)
            runner.wait(timeout=30)
        finally:
            runner.kill()
        if how == signal.SIGINT:
            assert runner.returncode == 130
        end = time.monotonic() + 30
        while (shown := json.loads(warm.run("transfers", "show", str(transfer["id"]), "--json").stdout))[
            "state"
        ] == "running":
            assert time.monotonic() < end, "the transfer kept running after its command was gone"
            time.sleep(0.2)
        # as with a cold bt interrupted: failed, "interrupted", and nothing under the final name
        assert (shown["state"], shown["error"]) == ("failed", "interrupted"), shown
        assert not slow.state.fs.exists("/sdcard/big.bin")
    assert len(_events(warm, "transfer.failed")) == 2


def test_changed_code_is_never_run(warm, vdevice):
    assert warm.run("session", "start", "--customer", "Ann").returncode == 0
    _served(warm, "files", "ls", "/sdcard")
    lock = next(Path(warm.env["XDG_RUNTIME_DIR"]).glob("bt-*/warm-*.sock.lock"))
    first = int(lock.read_text())
    module = Path(__file__).resolve().parents[2] / "bt_core" / "files.py"
    stat = module.stat()
    os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    try:
        served = len(_log(warm))
        assert warm.run("files", "ls", "/sdcard").returncode == 0  # refused there, so run here
        assert len(_log(warm)) == served
        _served(warm, "files", "ls", "/sdcard")  # a new warm process, with the code on disk
        assert int(lock.read_text()) != first
    finally:
        os.utime(module, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_terminal_stays_a_terminal(warm, vdevice, tmp_path):
    """On a terminal, a pull draws its progress bar there, as a cold bt does."""
    _policy(warm, tmp_path)
    assert warm.run("session", "start", "--customer", "Ann").returncode == 0
    source = tmp_path / "t.py"
    source.write_bytes(Path(__file__).read_bytes())
    assert warm.run("files", "push", str(source), "/sdcard/Download/t.py").returncode == 0
    _served(warm, "files", "ls", "/sdcard")
    served = len(_log(warm))
    pid, fd = pty.fork()
    if pid == 0:  # the child: bt on the terminal
        os.chdir(tmp_path)
        os.execve(
            sys.executable,
            [sys.executable, "-m", "bt_cli", "files", "pull", "/sdcard/Download/t.py", "out.py"],
            {**warm.env, "COLUMNS": "100"},
        )
    screen = b""
    end = time.monotonic() + 30
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            screen += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, screen
    assert "━" in screen.decode("utf-8", "replace")  # Rich's bar: stderr was a terminal
    assert (tmp_path / "out.py").read_bytes() == Path(__file__).read_bytes()
    assert len(_log(warm)) == served + 1


def test_a_command_given_up_on_runs_once_here_and_never_there(warm, vdevice):
    """A warm process too slow to answer (here: stopped while the command waits): bt runs the command
    itself after its wait, and the warm process, once it goes on, never runs it a second time."""
    from bt_cli import warm_client

    assert warm.run("session", "start", "--customer", "Ann").returncode == 0
    _served(warm, "chat", "send", "--no-spellcheck", "warming up")
    lock = next(Path(warm.env["XDG_RUNTIME_DIR"]).glob("bt-*/warm-*.sock.lock"))
    server = int(lock.read_text())
    os.kill(server, signal.SIGSTOP)
    try:
        started = time.monotonic()
        sent = warm.run("chat", "send", "--no-spellcheck", "only once")
        assert sent.returncode == 0, sent.stderr
        assert time.monotonic() - started >= warm_client.ANSWER_TIMEOUT  # it waited, then ran here
    finally:
        os.kill(server, signal.SIGCONT)
    served = len(_log(warm))
    _served(warm, "files", "ls", "/sdcard")  # the warm process has gone on, past the stale command
    assert len(_log(warm)) == served + 1
    assert warm.run("log").stdout.count("only once") == 1


def test_a_folder_that_is_not_private_is_never_used(warm, vdevice, tmp_path):
    """A socket folder anyone may write into (or another user's) could hold a stranger's socket: bt never
    connects there, and never hands its environment (database URL, policy) over; it runs cold."""
    assert warm.run("session", "start", "--customer", "Ann").returncode == 0
    runtime = Path(warm.env["XDG_RUNTIME_DIR"])
    folder = runtime / f"bt-{os.getuid()}"
    folder.mkdir(mode=0o700)
    folder.chmod(0o777)
    for _ in range(3):
        done = warm.run("files", "ls", "/sdcard")
        assert done.returncode == 0, done.stderr
    time.sleep(1)
    assert list(folder.iterdir()) == []  # no socket, no lock, no log: nothing was started or served


def test_ctrl_z_pauses_the_work_and_fg_resumes_it(warm, vdevice_factory, tmp_path):
    """Ctrl-Z stops bt and the child doing its work (the transfer stops moving), `fg` continues both and
    the transfer completes."""
    _slow, src = _slow_session(warm, vdevice_factory, tmp_path, 12)
    runner = _push_in_background(warm, src)
    try:
        transfer = _moving(warm)
        runner.send_signal(signal.SIGTSTP)
        end = time.monotonic() + 10
        while state(runner.pid) != "T":
            assert time.monotonic() < end, "bt did not stop"
            time.sleep(0.05)

        def done_bytes() -> int:
            shown = json.loads(warm.run("transfers", "show", str(transfer["id"]), "--json").stdout)
            return int(shown["bytes_done"])

        time.sleep(1.0)
        paused = done_bytes()
        time.sleep(1.5)
        assert done_bytes() == paused  # the child is stopped too: no byte moved
        runner.send_signal(signal.SIGCONT)
        assert runner.wait(timeout=60) == 0, runner.stderr.read() if runner.stderr else ""
    finally:
        runner.kill()
    shown = json.loads(warm.run("transfers", "show", str(transfer["id"]), "--json").stdout)
    assert shown["state"] == "done" and shown["bytes_done"] == src.stat().st_size
