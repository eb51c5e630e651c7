"""Files hardening through the real stack: what a failed push records, device-side symlinks around the
allowed folders, local files swapped for links mid-push, hostile names in listings, staging leftovers."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest


def _policy(bt_env, tmp_path: Path, **files: object) -> None:
    lines = ["[files]", f"local_paths = [{json.dumps(str(tmp_path))}]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in files.items()]
    bt_env.policy_path.write_text("\n".join(lines) + "\n")


@pytest.fixture
def sess(bt_env, vdevice, tmp_path):
    _policy(bt_env, tmp_path)
    started = bt_env.run("session", "start", "--device", vdevice.serial)
    assert started.returncode == 0, started.stderr
    return bt_env


def _transfers(bt_env) -> list[dict]:
    return json.loads(bt_env.run("transfers", "list", "--json").stdout)


# -- 5. bytes counted when the device acknowledges them ----------------------------------------------
def test_a_failed_push_records_only_the_bytes_the_device_acknowledged(sess, vdevice, tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    size = 400_000
    for index in range(6):
        (tree / f"f{index}.bin").write_bytes(os.urandom(size))
    vdevice.faults.drop_after_bytes(1_000_000)  # the link dies after two and a half files
    result = sess.run("files", "push", str(tree), "/sdcard/Download/")
    assert result.returncode == 6, result.stderr
    [transfer] = _transfers(sess)
    assert transfer["state"] == "failed"
    # only whole, acknowledged files count: at most the two that fit before the link died
    assert transfer["bytes_done"] % size == 0 and transfer["bytes_done"] <= 2 * size, transfer
    failed = json.loads(sess.run("log", "--json", "--kind=transfer.failed").stdout)[-1]
    assert failed["data"]["bytes"] == transfer["bytes_done"]
