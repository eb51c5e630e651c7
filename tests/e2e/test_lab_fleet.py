"""`bt fleet devices|run|triage` over two adb servers: states and servers listed, a command on every
device with per-device results, a device that goes offline mid-run failed while the others are done, and
a triage bundle per device with an index."""

from __future__ import annotations

import json
import signal
import time

import pytest

from tests.e2e.test_lab_claims import bt_popen, start_lab
from tests.e2e.test_lab_triage import check_bundle


@pytest.fixture
def lab(adb_server, vdevice_factory):
    yield from start_lab(adb_server, vdevice_factory, 2, 2)


def test_fleet_devices_lists_every_server_and_state(bt_env, lab, adb_server):
    dead = "127.0.0.2:9"  # not local (bt starts no server there) and nothing listens: its row says so
    for _ in range(20):  # a device connected a moment ago may not answer its first getprop yet
        listed = bt_env.run(*lab.flags, "--adb-server", dead, "fleet", "devices", "--json")
        assert listed.returncode == 0, listed.stderr
        rows = json.loads(listed.stdout)
        if all(r["android_version"] for r in rows if r["serial"]):
            break
    by_serial = {r["serial"]: r for r in rows if r["serial"]}
    assert {s: r["server"] for s, r in by_serial.items()} == lab.server_of
    assert {r["state"] for r in by_serial.values()} == {"available"}
    assert {(r["model"], r["android_version"]) for r in by_serial.values()} == {("Pixel_8", "14")}  # adb's own spelling
    assert [r["state"] for r in rows if r["server"] == dead] == ["unreachable"]

    serial = next(iter(lab.devices))
    assert bt_env.run(*lab.flags, "claim", "--serial", serial).returncode == 0
    table = bt_env.run(*lab.flags, "fleet", "devices")
    line = next(line for line in table.stdout.splitlines() if serial in line)
    assert "busy (alice: claim)" in line and "Pixel_8" in line
    assert bt_env.run("release", "--all").returncode == 0
    # a claimed-once device that leaves every server is absent
    adb_server.adb("disconnect", serial)
    rows = json.loads(bt_env.run(*lab.flags, "fleet", "devices", "--json").stdout)
    assert {r["serial"]: r["state"] for r in rows}[serial] == "absent"

    watcher = bt_popen(bt_env, *lab.flags, "fleet", "devices", "--watch", "--json")
    try:
        assert watcher.stdout is not None
        first = json.loads(watcher.stdout.readline())
        assert {d["serial"]: d["state"] for d in first["devices"]}[serial] == "absent"
        adb_server.adb("connect", serial)  # it comes back: a new line says so
        while True:
            line = json.loads(watcher.stdout.readline())
            if {d["serial"]: d["state"] for d in line["devices"]}[serial] == "available":
                break
        watcher.send_signal(signal.SIGINT)  # Ctrl-C ends the watch: exit 130, no traceback
        assert watcher.wait(timeout=30) == 130
        assert watcher.stderr is None or "Traceback" not in watcher.stderr.read()
    finally:
        if watcher.poll() is None:
            watcher.terminate()
            watcher.wait(timeout=30)


def test_fleet_run_reports_a_device_gone_offline_as_failed(bt_env, lab, tmp_path):
    victim = next(s for s in lab.devices if lab.server_of[s] == lab.servers[1])
    lab.devices[victim].faults.stall_stream("exec:logcat", 120)  # its triage hangs in logcat
    runner = bt_popen(bt_env, *lab.flags, "fleet", "run", "--parallel", "4", "--json", "--", "triage", "--json")
    results = {}
    deadline = time.monotonic() + 240
    assert runner.stdout is not None
    for line in runner.stdout:
        row = json.loads(line)
        results[row["serial"]] = row
        if len(results) == len(lab.devices) - 1:
            lab.devices[victim].stop()  # the device leaves while its command runs
        assert time.monotonic() < deadline
    code = runner.wait(timeout=120)
    assert code == 1, runner.stderr.read() if runner.stderr else ""
    assert {s: r["state"] for s, r in results.items()} == {s: "failed" if s == victim else "done" for s in lab.devices}
    assert results[victim]["exit_code"] == 6 and "went away during triage" in results[victim]["error"]
    for serial, row in results.items():
        assert row["server"] == lab.server_of[serial]
        if serial != victim:
            manifest = json.loads(row["stdout"])
            assert manifest["serial"] == serial and manifest["complete"]
    # claims were released: every remaining device is available again
    rows = json.loads(bt_env.run(*lab.flags, "fleet", "devices", "--json").stdout)
    assert {r["state"] for r in rows if r["serial"] != victim} == {"available"}


def test_fleet_run_keeps_each_device_error_and_selects(bt_env, lab):
    second = lab.servers[1]
    ran = bt_env.run(*lab.flags, "fleet", "run", "--select", f"server={second}", "--", "sysinfo")
    assert ran.returncode == 1
    assert "2 of 2 device(s) failed" in ran.stderr and "no current session" in ran.stderr
    listed = bt_env.run(*lab.flags, "fleet", "run", "--select", "model=Nokia*", "--", "devices")
    assert listed.returncode == 2 and "no device matches model Nokia*" in listed.stderr
    bad = bt_env.run(*lab.flags, "fleet", "run", "--select", "colour=red", "--", "devices")
    assert bad.returncode == 2 and "unknown --select key 'colour'" in bad.stderr


def test_fleet_triage_writes_a_bundle_per_device_and_an_index(bt_env, lab, tmp_path):
    out = tmp_path / "fleet"
    done = bt_env.run(*lab.flags, "fleet", "triage", "--out", str(out), "--parallel", "2", "--json")
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert sorted(r["serial"] for r in lines) == sorted(lab.devices)
    index = json.loads((out / "index.json").read_text())
    assert {r["serial"]: r["state"] for r in index["devices"]} == dict.fromkeys(lab.devices, "done")
    for row in index["devices"]:
        bundle = out / row["bundle"]
        check_bundle(bundle, json.loads((bundle / "manifest.json").read_text()))
        assert row["files"] > 20
    html = (out / "index.html").read_text()
    assert all(f"{r['bundle']}/summary.html" in html for r in index["devices"])
    assert (out / "index.md").read_text().startswith("# Fleet triage")
