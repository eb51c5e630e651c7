"""Devices, sessions, transcript and errors through the real stack: the `bt` CLI in a subprocess →
adbutils → the adb server on a private port → the virtual device over TCP."""

from __future__ import annotations

import json

from bt_core.sessions import END_TEXT


def start_session(bt_env, serial: str, *extra: str) -> dict:
    result = bt_env.run("session", "start", "--device", serial, "--json", *extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_devices_lists_the_virtual_device_with_its_fields(bt_env, vdevice):
    result = bt_env.run("devices", "--json")
    assert result.returncode == 0, result.stderr
    devices = {d["serial"]: d for d in json.loads(result.stdout)}
    info = devices[vdevice.serial]
    assert info["state"] == "device"
    assert info["model"] == "Pixel_8"  # the adb server shows the banner's model with _ for spaces
    assert info["android_version"] == "14"
    assert info["sdk"] == 34
    assert info["transport"] == "tcp"
    assert info["adb_server"].endswith(f":{bt_env.env['ANDROID_ADB_SERVER_PORT']}")
    human = bt_env.run("devices")
    assert vdevice.serial in human.stdout and "Pixel_8" in human.stdout and "14 (API 34)" in human.stdout


def test_session_start_show_end_fills_every_field_and_tells_the_device(bt_env, vdevice):
    started = start_session(
        bt_env,
        vdevice.serial,
        "--customer",
        "Dana Ruiz",
        "--issue",
        "Wi-Fi drops [every] hour",
        "--priority",
        "high",
        "--queue",
        "tier2",
        "--skill",
        "wifi",
        "--skill",
        "android",
        "--attr",
        "contract=gold",
        "--external-key",
        "INC-42",
    )
    shown = json.loads(bt_env.run("session", "show", "--json").stdout)
    assert shown["id"] == started["id"]
    assert shown["status"] == "in_progress" and shown["status_label"] == "In Progress"
    assert shown["customer"] == "Dana Ruiz"
    assert shown["issue"] == "Wi-Fi drops [every] hour"
    assert shown["priority"] == "high" and shown["queue"] == "tier2"
    assert shown["skills"] == ["wifi", "android"]
    assert shown["attributes"] == {"contract": "gold"}
    assert shown["external_key"] == "INC-42"
    assert shown["computer_name"]  # the device's own name
    assert shown["platform"].startswith("Android 14 (API 34)")
    assert shown["ip_addresses"], "the device's Wi-Fi address should be listed"
    assert shown["session_type"] == "Android (ADB)"
    assert shown["time_in_system_s"] >= 0
    assert shown["technician"] == "alice"
    human = bt_env.run("session", "show")
    for label in (
        "Customer",
        "Computer name",
        "Platform",
        "Support issue",
        "Time in system",
        "Required skills",
        "IP addresses",
        "Custom attributes",
        "External key",
        "Queue",
        "Priority",
        "Status",
    ):
        assert label in human.stdout
    assert "Wi-Fi drops [every] hour" in human.stdout  # brackets from users are text, not markup

    ended = bt_env.run("session", "end", "--json")
    assert ended.returncode == 0, ended.stderr
    assert json.loads(ended.stdout)["device_notified"] is True
    texts = [n.text for n in vdevice.state.screen.notifications]
    assert any(END_TEXT in t for t in texts)

    again = bt_env.run("session", "end")
    assert again.returncode == 12
    assert again.stderr.startswith("bt: error: session") and "has ended" in again.stderr

    log = json.loads(bt_env.run("log", "--json").stdout)
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    assert log[0]["kind"] == "session.started" and log[-1]["kind"] == "session.ended"


def test_waiting_session_joined_by_another_technician(bt_env, vdevice):
    started = start_session(bt_env, vdevice.serial, "--no-join", "--queue", "lab")
    assert started["status"] == "waiting"
    listed = json.loads(bt_env.run("session", "list", "--status", "waiting", "--json").stdout)
    assert [s["id"] for s in listed] == [started["id"]]
    joined = bt_env.run("session", "join", started["id"], "--json", env={"BT_TECHNICIAN": "bob"})
    assert joined.returncode == 0, joined.stderr
    assert json.loads(joined.stdout)["status"] == "in_progress"
    moved = bt_env.run("session", "transfer", started["id"], "--to", "carol", "--json")
    assert json.loads(moved.stdout)["technician"] == "carol"
    kinds = [e["kind"] for e in json.loads(bt_env.run("log", "--json", "--session", started["id"]).stdout)]
    assert kinds == ["session.started", "session.joined", "session.transferred"]


def test_log_export_formats(bt_env, vdevice, tmp_path):
    start_session(bt_env, vdevice.serial, "--customer", "<script>alert(1)</script>")
    out = tmp_path / "t.jsonl"
    assert bt_env.run("log", "export", "--format", "jsonl", "--out", str(out)).returncode == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines[0]["kind"] == "session.started"
    html = bt_env.run("log", "export", "--format", "html")
    assert html.returncode == 0, html.stderr
    assert "<script>alert(1)</script>" not in html.stdout
    bad = bt_env.run("log", "export", "--format", "pdf")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_no_device_and_several_devices_are_clear_errors(bt_env, vdevice_factory):
    none = bt_env.run("session", "start")
    assert none.returncode == 3
    assert none.stderr.startswith("bt: error: no device attached")
    first = vdevice_factory()
    vdevice_factory()
    several = bt_env.run("session", "start")
    assert several.returncode == 4
    assert "choose one with --device" in several.stderr and first.serial in several.stderr
    missing = bt_env.run("session", "start", "--device", "127.0.0.1:1")
    assert missing.returncode == 3 and "not found" in missing.stderr


def test_unauthorized_device_says_to_accept_the_prompt(bt_env, adb_server, vdevice_factory):
    device = vdevice_factory(connect=False, auth=True, auth_accept_after=None)
    adb_server.adb("connect", device.serial, check=False)
    listed = json.loads(bt_env.run("devices", "--json").stdout)
    assert {d["serial"]: d["state"] for d in listed}[device.serial] == "unauthorized"
    result = bt_env.run("session", "start", "--device", device.serial)
    assert result.returncode == 5
    assert "accept the USB debugging prompt" in result.stderr


def test_unreachable_adb_server_is_exit_7(bt_env):
    result = bt_env.run("--adb-server", "192.0.2.1:5037", "devices")
    assert result.returncode == 7
    assert "adb server" in result.stderr and "Traceback" not in result.stderr


def test_bad_input_is_one_line_and_loses_nothing(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    before = json.loads(bt_env.run("log", "--json").stdout)
    cases = [
        ("session", "start", "--device", vdevice.serial, "--priority", "urgent"),
        ("session", "start", "--device", vdevice.serial, "--attr", "novalue"),
        ("session", "use", "does-not-exist"),
        ("connect", "not-an-address"),
    ]
    for args in cases:
        result = bt_env.run(*args)
        assert result.returncode in (2, 11), (args, result.returncode, result.stderr)
        assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr, result.stderr
    assert json.loads(bt_env.run("log", "--json").stdout) == before


def test_policy_show_reads_the_administrators_file(bt_env):
    bt_env.policy_path.write_text("[files]\nupload = false\nremote_paths = ['/sdcard/Download']\n")
    shown = json.loads(bt_env.run("policy", "show", "--json").stdout)
    assert shown["files"]["upload"] is False
    assert shown["files"]["remote_paths"] == ["/sdcard/Download"]
    assert shown["screen"]["control"] is True
    bt_env.policy_path.write_text("[files]\nupload = 'no'\n")
    broken = bt_env.run("policy", "show")
    assert broken.returncode == 16 and "must be true or false" in broken.stderr
