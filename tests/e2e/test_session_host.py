"""The session host, through the real stack: the indicator on the device, presence from the adb server's
device tracking (no bt command in between), the customer page mapped again after a reconnect and loaded
by Chromium through the device's own localhost, a failing reverse bind reported, the end stopping device
work, and one session per device."""

from __future__ import annotations

import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from tests.browser import CHROMIUM, browser_args
from tests.browser import eventually as poll
from virtual_device.services.reverse import loopback_host

eventually = functools.partial(poll, timeout=10.0, every=0.05)  # the host answers fast: poll often


class Live:
    """One bt environment with session hosts on; reads the store directly (no bt command)."""

    def __init__(self, bt_env) -> None:
        self.bt_env = bt_env
        self.env = bt_env.env
        self._store = None

    def run(self, *args: str, **kw):
        return self.bt_env.run(*args, **kw)

    @property
    def store(self):
        if self._store is None:
            from bt_core.store import Store

            self._store = Store.open(None, sqlite_path=self.bt_env.data_dir / "bt.sqlite3")
        return self._store

    def session(self, session_id: str):
        return self.store.get_session(session_id)

    def host(self, session_id: str) -> dict:
        out = self.run("session", "host-status", session_id, "--json")
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    def kinds(self, session_id: str) -> list[str]:
        return [e.kind for e in self.store.events(session_id)]

    def start(self, serial: str, *extra: str) -> str:
        out = self.run("session", "start", "--device", serial, "--json", *extra)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)["id"]


@pytest.fixture
def live(bt_env):
    bt_env.env["BT_SESSION_HOST"] = "on"
    bt_env.env["BT_DISPLAY_NAME"] = "Alice Martin"
    handle = Live(bt_env)
    yield handle
    if (bt_env.data_dir / "bt.sqlite3").exists():  # stop hosts left running (we started them)
        with handle.store.db.transaction(write=False) as conn:
            rows = conn.execute("SELECT pid FROM bt_session_hosts").rows
        for row in rows:
            try:
                os.kill(int(row["pid"]), signal.SIGTERM)
            except ProcessLookupError:
                pass
        handle.store.close()


def notifications(vdevice) -> dict[str, tuple[str, str]]:
    return {n.tag: (n.title, n.text) for n in vdevice.state.screen.notifications}


def test_indicator_during_the_session_replaced_at_the_end_and_the_host_stops(live, vdevice):
    session_id = live.start(vdevice.serial)
    tag = f"bt-session-{session_id}"
    eventually(
        lambda: notifications(vdevice).get(tag, ("",))[0] == "Support session with Alice Martin", what="indicator"
    )
    host = eventually(lambda: (h := live.host(session_id))["mapping"] == "mapped" and h, what="page mapped")
    assert host["running"] and host["pid"] and host["device_present"] is True and host["indicator"] == "shown"
    shown = live.run("session", "show", session_id)
    assert "Session host" in shown.stdout and f"pid {host['pid']}" in shown.stdout
    assert "session.indicator" in live.kinds(session_id)

    ended = live.run("session", "end")
    assert ended.returncode == 0, ended.stderr
    title, text = notifications(vdevice)[tag]
    assert title == "Support session ended" and "Support session with" not in title + text
    eventually(lambda: not live.host(session_id)["running"], what="host stopped")
    assert live.run("sysinfo").returncode == 12
    assert live.kinds(session_id)[-1] == "session.ended"


def test_presence_follows_the_device_and_the_page_is_mapped_again(live, vdevice, adb_server):
    session_id = live.start(vdevice.serial)
    host = eventually(lambda: (h := live.host(session_id))["mapping"] == "mapped" and h, what="page mapped")
    device_port, page_port = host["device_port"], host["page_port"]

    adb_server.adb("disconnect", vdevice.serial)
    gone = time.monotonic()
    eventually(lambda: live.session(session_id).status == "customer_absent", timeout=2.0, what="absent in 2 s")
    absent_after = time.monotonic() - gone

    adb_server.adb("connect", vdevice.serial)
    eventually(
        lambda: f"{vdevice.serial}\tdevice" in adb_server.adb("devices").stdout.decode(), what="device state again"
    )
    back = time.monotonic()
    eventually(lambda: live.session(session_id).status == "in_progress", timeout=2.0, what="in progress in 2 s")
    mapping = f"tcp:{device_port} tcp:{page_port}"
    eventually(
        lambda: mapping in adb_server.adb("-s", vdevice.serial, "reverse", "--list").stdout.decode(),
        timeout=2.0 - (time.monotonic() - back),
        what="reverse mapping back in 2 s",
    )
    statuses = [e for e in live.store.events(session_id) if e.kind == "session.status"]
    assert [(e.data["from"], e.data["to"]) for e in statuses] == [
        ("in_progress", "customer_absent"),
        ("customer_absent", "in_progress"),
    ]
    assert all(e.actor == "system" for e in statuses) and absent_after < 2.0

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium for the page check")
    from playwright.sync_api import expect, sync_playwright

    url = live.host(session_id)["page_url"]
    assert url.startswith(f"http://127.0.0.1:{device_port}/s/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=browser_args(vdevice))
        try:
            page = browser.new_page()
            page.goto(url)
            expect(page.locator("#tech-name")).to_have_text("Alice Martin")
        finally:
            browser.close()


def test_a_reverse_bind_the_device_refuses_is_reported(live, vdevice):
    session_id = live.start(vdevice.serial)
    eventually(lambda: live.host(session_id)["mapping"] == "mapped", what="page mapped")
    with socket.create_server((loopback_host(vdevice.port), 0)) as taken:  # an app on the device holds the port
        port = taken.getsockname()[1]
        served = live.run("chat", "serve", "--device-port", str(port), "--no-open")
    assert served.returncode == 8, served.stderr
    assert "could not be mapped" in served.stderr and "cannot bind" in served.stderr
    assert served.stderr.count("\n") == 1
    host = live.host(session_id)
    assert host["mapping"] == "failed" and host["device_port"] == port and "cannot bind" in host["mapping_error"]
    failed = [e for e in live.store.events(session_id) if e.kind == "chat.page_failed"]
    assert failed and "cannot bind" in failed[0].text
    status = live.run("session", "host-status", session_id)
    assert "not reachable on the device" in status.stderr


def test_an_indicator_android_9_cannot_show_is_reported_once_and_the_page_still_serves(live, vdevice_factory):
    phone = vdevice_factory(profile="android-9")  # `cmd notification post` arrived in Android 10
    session_id = live.start(phone.serial)
    host = eventually(lambda: (h := live.host(session_id))["indicator"] == "failed" and h, what="indicator failed")
    assert "Android 10" in host["indicator_error"]
    assert host["mapping"] == "mapped" and host["running"]  # the page, the reliable chat, is still there
    assert not phone.state.screen.notifications
    status = live.run("session", "host-status", session_id)
    assert "failed" in status.stdout and "Android 10" in status.stdout
    failed = [e for e in live.store.events(session_id) if e.kind == "session.indicator_failed"]
    assert len(failed) == 1 and "Android 10" in failed[0].text and failed[0].data["error"] == host["indicator_error"]
    assert "session.indicator" not in live.kinds(session_id)
    assert live.session(session_id).status == "in_progress"
    ended = live.run("session", "end")
    assert ended.returncode == 0, ended.stderr
    eventually(lambda: not live.host(session_id)["running"], what="host stopped")


def test_a_second_session_on_the_device_is_refused_unless_shared(live, vdevice):
    live.bt_env.env["BT_SESSION_HOST"] = "off"
    first = live.start(vdevice.serial)
    second = live.run("session", "start", "--device", vdevice.serial)
    assert second.returncode == 17
    assert first in second.stderr and "alice" in second.stderr and "--shared" in second.stderr
    assert second.stderr.count("\n") == 1
    assert live.start(vdevice.serial, "--shared") != first
    assert live.run("session", "end", first).returncode == 0


def test_customer_name_falls_back_to_the_device_name(live, vdevice):
    live.bt_env.env["BT_SESSION_HOST"] = "off"
    session_id = live.start(vdevice.serial)
    record = live.session(session_id)
    assert record.customer and record.customer == record.computer_name
    started = live.store.events(session_id, kinds=["session.started"])[0]
    assert started.data["customer_from"] == "device"


def test_a_transfer_in_flight_stops_at_the_end_with_nothing_after_it(live, vdevice_factory, tmp_path):
    live.bt_env.env["BT_SESSION_HOST"] = "off"
    slow = vdevice_factory(bandwidth_mbps=40)
    live.bt_env.policy_path.write_text(f"[files]\nlocal_paths = [{json.dumps(str(tmp_path))}]\n")
    session_id = live.start(slow.serial)
    src = tmp_path / "big.bin"
    src.write_bytes(os.urandom(40 * 1024 * 1024))  # ~8 s at 40 Mbit/s
    runner = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "files", "push", str(src), "/sdcard/big.bin"],
        env=live.env,
        cwd=str(live.bt_env.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        eventually(
            lambda: [t for t in live.store.list_transfers(session_id, ["running"]) if t.bytes_done > 0],
            timeout=30,
            what="transfer moving bytes",
        )
        ended = live.run("session", "end")
        assert ended.returncode == 0, ended.stderr
        stopped_at = time.monotonic()
        transfer = live.store.list_transfers(session_id)[0]
        assert transfer.state == "cancelled", transfer
        _out, err = runner.communicate(timeout=20)
        assert time.monotonic() - stopped_at < 20
    finally:
        runner.kill()
    assert runner.returncode in (12, 14), err
    assert not slow.state.fs.exists("/sdcard/big.bin")
    assert [n for n in slow.state.fs.listdir("/sdcard") if ".bt-" in n] == []
    kinds = live.kinds(session_id)
    assert kinds[-1] == "session.ended" and "transfer.cancelled" in kinds
    ended_event = live.store.events(session_id, kinds=["session.ended"])[0]
    assert ended_event.data["transfers_stopped"] == [transfer.id]
    assert live.run("files", "push", str(src), "/sdcard/again.bin").returncode == 12


def test_a_dead_host_is_restarted_by_the_next_command_and_keeps_its_page(live, vdevice):
    session_id = live.start(vdevice.serial)
    before = eventually(lambda: (h := live.host(session_id))["mapping"] == "mapped" and h, what="page mapped")
    os.kill(before["pid"], signal.SIGKILL)  # a crash: no cleanup at all
    eventually(lambda: not live.host(session_id)["running"], what="host seen dead")
    assert "not running" in live.run("session", "show", session_id).stdout  # show reads, it does not restart

    assert live.run("chat", "send", "still with you").returncode == 0
    after = eventually(
        lambda: (h := live.host(session_id))["running"] and h["mapping"] == "mapped" and h, what="host back"
    )
    assert after["pid"] != before["pid"]
    assert after["page_url"] == before["page_url"]  # the indicator's link stays valid


def test_a_screen_recording_in_flight_stops_at_the_end_and_saves_nothing(live, vdevice):
    live.bt_env.env["BT_SESSION_HOST"] = "off"
    session_id = live.start(vdevice.serial)
    assert live.run("screen", "grant", "view").returncode == 0
    out = live.bt_env.data_dir / "clip.mp4"
    recorder = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "screen", "record", "--seconds", "60", "--out", str(out)],
        env=live.env,
        cwd=str(live.bt_env.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        eventually(lambda: vdevice.stream_count > 0, timeout=30, what="screenrecord streaming")
        time.sleep(1.0)
        assert live.run("session", "end").returncode == 0
        ended_at = time.monotonic()
        _out, err = recorder.communicate(timeout=20)
        assert time.monotonic() - ended_at < 5
    finally:
        recorder.kill()
    assert recorder.returncode == 12 and "nothing was saved" in err
    assert not out.exists()
    assert live.kinds(session_id)[-1] == "session.ended"
