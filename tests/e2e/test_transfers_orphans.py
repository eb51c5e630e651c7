"""A transfer whose bt process is killed is not left "running" forever: the next look at the transfer
manager marks it failed with the reason, logs it, and no file appears under the final name."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from tests.e2e.test_files import _events, _policy, _wait_running


def test_a_killed_transfer_is_marked_failed_with_its_reason(bt_env, vdevice_factory, tmp_path):
    slow = vdevice_factory(bandwidth_mbps=40)
    _policy(bt_env, tmp_path)
    assert bt_env.run("session", "start", "--device", slow.serial).returncode == 0
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(30 * 1024 * 1024))
    runner = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "files", "push", str(src), "/sdcard/big.bin"],
        # the process doing the transfer is the one killed (through the warm process, killing the
        # command only interrupts the transfer: tests/cli/test_warm.py)
        env={**bt_env.env, "BT_WARM": "off"},
        cwd=str(bt_env.data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        transfer = _wait_running(bt_env)
        os.kill(runner.pid, signal.SIGKILL)
        runner.wait(timeout=10)
    finally:
        runner.kill()
    shown = json.loads(bt_env.run("transfers", "show", str(transfer["id"]), "--json").stdout)
    assert shown["state"] == "failed"
    assert f"pid {runner.pid}" in shown["error"] and "stopped before it finished" in shown["error"]
    failed = _events(bt_env, "transfer.failed")
    assert len(failed) == 1 and "stopped before it finished" in failed[0]["text"]
    assert not slow.state.fs.exists("/sdcard/big.bin")
    # a second look does not log it again
    bt_env.run("transfers", "list", "--json")
    assert len(_events(bt_env, "transfer.failed")) == 1
