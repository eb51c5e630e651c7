"""The session follows the device: gone → Customer Absent (exit 6), back → In Progress, both logged;
`bt devices --watch` reports devices as they come; `bt session show --copy` copies the info panel."""

from __future__ import annotations

import json
import subprocess
import sys
import time


def _status(bt_env) -> str:
    return json.loads(bt_env.run("session", "show", "--json").stdout)["status"]


def test_device_gone_marks_the_customer_absent_and_back_resumes(bt_env, adb_server, vdevice):
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    vdevice.faults.offline(3)
    gone = bt_env.run("sysinfo", "--json")
    assert gone.returncode == 6, gone.stderr
    assert "Customer Absent" in gone.stderr and gone.stderr.count("\n") == 1
    assert _status(bt_env) == "customer_absent"
    time.sleep(3.2)
    adb_server.adb("disconnect", vdevice.serial, check=False)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        adb_server.adb("connect", vdevice.serial, check=False)
        back = bt_env.run("sysinfo", "--json")
        if back.returncode == 0:
            break
        time.sleep(0.5)
    assert back.returncode == 0, back.stderr
    assert _status(bt_env) == "in_progress"
    statuses = [e for e in json.loads(bt_env.run("log", "--json").stdout) if e["kind"] == "session.status"]
    assert [(e["data"]["from"], e["data"]["to"]) for e in statuses] == [
        ("in_progress", "customer_absent"),
        ("customer_absent", "in_progress"),
    ]
    assert statuses[0]["actor"] == "system"


def test_devices_watch_prints_a_line_when_a_device_arrives(bt_env, vdevice_factory):
    first = vdevice_factory()
    watcher = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "devices", "--watch", "--json"],
        env=bt_env.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        initial = json.loads(watcher.stdout.readline())
        assert [d["serial"] for d in initial["devices"]] == [first.serial]
        second = vdevice_factory()
        update = json.loads(watcher.stdout.readline())
        assert {d["serial"] for d in update["devices"]} == {first.serial, second.serial}
    finally:
        watcher.terminate()
        watcher.wait(timeout=10)


def test_session_show_copy_puts_the_whole_panel_on_the_clipboard(bt_env, vdevice, tmp_path):
    assert bt_env.run("session", "start", "--device", vdevice.serial, "--customer", "Dana").returncode == 0
    clip = tmp_path / "clipboard.txt"
    shown = bt_env.run("session", "show", "--copy", env={"BT_CLIPBOARD_CMD": f"tee {clip}"})
    assert shown.returncode == 0, shown.stderr
    text = clip.read_text()
    assert "Customer" in text and "Dana" in text and "Platform" in text and "Android 14" in text
    missing = bt_env.run("session", "show", "--copy", env={"BT_CLIPBOARD_CMD": "/nonexistent/copy-tool"})
    assert missing.returncode == 1 and "no clipboard available" in missing.stderr


def test_log_follow_streams_events_written_by_another_process(bt_env, vdevice):
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    follower = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "log", "--follow", "--json"],
        env=bt_env.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = json.loads(follower.stdout.readline())
        assert first["kind"] == "session.started" and first["seq"] == 1
        assert bt_env.run("notes", "add", "seen live [i]by the follower[/i]").returncode == 0
        live = json.loads(follower.stdout.readline())
        assert live["seq"] == 2 and live["kind"] == "note.added" and "seen live" in live["text"]
    finally:
        follower.terminate()
        follower.wait(timeout=10)
