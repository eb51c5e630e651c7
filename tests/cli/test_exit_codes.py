"""Every row of the README's exit-code table is produced by a real `bt` run, with one line on stderr.

Codes are decided in one place (bt_cli/exit_codes.py, bt_cli/main.py); these tests hold that table,
the README and what users see together.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bt_cli.exit_codes import ExitCode
from tests.e2e.test_foundation import start_session

ROOT = Path(__file__).resolve().parents[2]


def _one_line_error(result: subprocess.CompletedProcess, code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert result.stderr.startswith("bt: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    return result.stderr


def test_readme_table_matches_the_exit_codes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| (\d+) \| (\w+) \|", section, re.M)
    assert [(int(code), name) for code, name in rows] == [(int(m), m.name) for m in ExitCode]


# -- codes decided without a device ------------------------------------------------------------------
def test_0_ok(bt_env):
    assert bt_env.run("policy", "show", "--json").returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ("--nosuch",),
        ("files", "ls", "--bogus"),
        ("transfers", "show", "abc"),
        ("virtual-device", "--port", "-1"),
        ("virtual-device", "--profile", "/nonexistent"),
        ("notes", "add", "caf\udcc3"),  # bytes that are not UTF-8 arrive as surrogates
    ],
)
def test_2_usage_errors_are_one_line(bt_env, args):
    text = _one_line_error(bt_env.run(*args), 2)
    if args[0] == "virtual-device":
        assert args[-1] in text


def test_2_non_utf8_argument_bytes(bt_env):
    result = subprocess.run(
        [sys.executable, "-m", "bt_cli", "notes", "add", b"\xff\xfe note"],
        capture_output=True,
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
        timeout=60,
    )
    assert result.returncode == 2 and result.stderr == b"bt: error: argument 3 is not valid UTF-8 text\n"


def test_11_no_session(bt_env):
    assert "bt session start" in _one_line_error(bt_env.run("notes", "list"), 11)


def test_13_not_found(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    assert "nosuch" in _one_line_error(bt_env.run("chat", "send", "--canned", "nosuch"), 13)
    _one_line_error(bt_env.run("transfers", "show", "99999999999999999999999999"), 13)


def test_15_corrupt_store(bt_env):
    (bt_env.data_dir / "bt.sqlite3").write_bytes(b"this is not a database" * 100)
    assert "not a database" in _one_line_error(bt_env.run("session", "list"), 15)


def test_15_data_dir_that_is_a_file(bt_env):
    assert "/dev/null" in _one_line_error(bt_env.run("session", "list", env={"BT_DATA_DIR": "/dev/null"}), 15)


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "0"])
def test_16_bad_socket_timeout(bt_env, value):
    (bt_env.config_dir / "config.toml").write_text(f"socket_timeout = {value}\n")
    assert "socket_timeout" in _one_line_error(bt_env.run("devices"), 16)


def test_16_binary_policy(bt_env):
    bt_env.policy_path.write_bytes(b"\xff\xfe[files]\x00\x81")
    assert "not UTF-8" in _one_line_error(bt_env.run("policy", "show"), 16)


def test_16_bad_adb_server_port_variable(bt_env):
    result = bt_env.run("devices", env={"ANDROID_ADB_SERVER_PORT": "abc"})
    assert "ANDROID_ADB_SERVER_PORT" in _one_line_error(result, 16)


# -- codes that need a device (the real adb server and the virtual device) ---------------------------
def test_1_error_not_covered(bt_env, vdevice, tmp_path):
    bt_env.policy_path.write_text(f"[files]\nlocal_paths = [{json.dumps(str(tmp_path))}]\n")
    start_session(bt_env, vdevice.serial)
    vdevice.state.fs.write_bytes("/sdcard/Download/a.txt", b"x")
    (tmp_path / "into" / "a.txt").mkdir(parents=True)  # a folder where the file would land
    result = bt_env.run("files", "pull", "/sdcard/Download/a.txt", str(tmp_path / "into"))
    assert "cannot replace the folder" in _one_line_error(result, 1)


def test_3_no_device(bt_env, vdevice):
    _one_line_error(bt_env.run("session", "start", "--device", "nosuch:5555"), 3)


def test_4_several_devices(bt_env, vdevice_factory):
    vdevice_factory()
    vdevice_factory()
    assert "--device" in _one_line_error(bt_env.run("session", "start"), 4)


def test_5_unauthorized(bt_env, adb_server, vdevice_factory):
    device = vdevice_factory(connect=False, auth=True, auth_accept_after=None)
    adb_server.adb("connect", device.serial, check=False)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if f"{device.serial}\tunauthorized" in adb_server.adb("devices", check=False).stdout.decode():
            break
        time.sleep(0.2)
    assert "accept the USB debugging prompt" in _one_line_error(
        bt_env.run("session", "start", "--device", device.serial), 5
    )


def test_6_offline(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    vdevice.faults.offline(5)
    _one_line_error(bt_env.run("sysinfo", "--section", "battery"), 6)


def test_7_adb_server_unreachable(bt_env):
    _one_line_error(bt_env.run("--adb-server", "192.0.2.1:5037", "devices"), 7)


def test_7_a_local_server_bt_is_pointed_at_is_never_started(bt_env):
    from adb_backend.server import ServerAddress, server_is_up
    from tests.conftest import free_port

    port = free_port()
    result = bt_env.run("--adb-server", f"127.0.0.1:{port}", "devices")
    assert "never starts" in _one_line_error(result, 7)
    assert not server_is_up(ServerAddress("127.0.0.1", port))


def test_8_device_refused(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    assert "No such file" in _one_line_error(bt_env.run("files", "rm", "--yes", "/sdcard/no-such-file"), 8)


def test_9_timeout(bt_env, vdevice):
    vdevice.faults.stall_stream("shell", 60)  # the device accepts the command and never answers
    assert "in time" in _one_line_error(bt_env.run("session", "start", "--device", vdevice.serial), 9)


def test_10_policy(bt_env, vdevice):
    bt_env.policy_path.write_text("[system]\ninfo = false\n")
    start_session(bt_env, vdevice.serial)
    _one_line_error(bt_env.run("sysinfo", "--section", "battery"), 10)
    denied = json.loads(bt_env.run("log", "--json", "--kind=permission.denied").stdout)
    assert len(denied) == 1


def test_12_session_ended(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    assert bt_env.run("session", "end").returncode == 0
    _one_line_error(bt_env.run("sysinfo", "--section", "battery"), 12)


def test_13_pull_into_a_missing_local_folder_names_the_folder(bt_env, vdevice, tmp_path):
    bt_env.policy_path.write_text(f"[files]\nlocal_paths = [{json.dumps(str(tmp_path))}]\n")
    start_session(bt_env, vdevice.serial)
    vdevice.state.fs.write_bytes("/sdcard/Download/a.txt", b"x")
    result = bt_env.run("files", "pull", "/sdcard/Download/a.txt", str(tmp_path / "missing" / "a.txt"))
    text = _one_line_error(result, 13)
    assert str(tmp_path / "missing") in text and ".part" not in text


def test_14_cancelled(bt_env, vdevice, tmp_path):
    bt_env.policy_path.write_text(f"[files]\nlocal_paths = [{json.dumps(str(tmp_path))}]\n")
    start_session(bt_env, vdevice.serial)
    vdevice.state.fs.write_bytes("/sdcard/Download/a.txt", b"on the device")
    (tmp_path / "a.txt").write_bytes(b"something else here")
    result = bt_env.run("files", "push", str(tmp_path / "a.txt"), "/sdcard/Download/", "--on-clash", "cancel")
    _one_line_error(result, 14)


def test_130_interrupted(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "log", "--follow"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # it is running and has printed the transcript so far
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["files", "ls", "/sdcard"],  # the fast lane's plain lines
        ["-vv", "files", "ls", "/sdcard"],  # the same through Click
        ["log"],  # a Rich console
        ["session", "list", "--json"],  # one JSON document
    ],
    ids=["lane", "click", "rich", "json"],
)
def test_0_when_the_reader_stops_reading(bt_env, vdevice, args):
    """`bt log | head -1`: a reader that has what it wanted and closes the pipe is no failure (Click and
    Rich would exit 1), and nothing is printed about it."""
    start_session(bt_env, vdevice.serial)
    proc = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # gone before bt writes a byte
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert err == ""
