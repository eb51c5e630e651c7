"""The customer page in a real headless Chromium, reached the way the device reaches it: through the
virtual device's `adb reverse` listener (the device's localhost), the stock adb server, and
`bt chat serve` running as its own process."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.e2e.test_foundation import start_session

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def eventually(check, timeout: float = 8.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class Served:
    def __init__(self, bt_env, session_id: str, proc: subprocess.Popen, url: str, device_port: int) -> None:
        self.bt_env, self.session_id, self.proc, self.url, self.device_port = bt_env, session_id, proc, url, device_port

    def session(self) -> dict:
        return json.loads(self.bt_env.run("session", "show", self.session_id, "--json").stdout)

    def events(self, kind: str) -> list[dict]:
        log = json.loads(self.bt_env.run("log", "--json", "--session", self.session_id).stdout)
        return [e for e in log if e["kind"] == kind]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        origin = f"http://127.0.0.1:{self.device_port}"
        conn = http.client.HTTPConnection("127.0.0.1", self.device_port, timeout=10)
        base = {"Origin": origin, "Content-Type": "application/json"}
        conn.request(method, path, body=body, headers={**base, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, dict(response.getheaders()), data

    @property
    def path(self) -> str:
        return self.url.split(f":{self.device_port}", 1)[1]


@pytest.fixture
def served(bt_env, vdevice):
    bt_env.env["BT_DISPLAY_NAME"] = "Alice Martin"
    session_id = start_session(bt_env, vdevice.serial, "--customer", "Dana")["id"]
    device_port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bt_cli", "chat", "serve", "--port", "0", "--device-port", str(device_port)],
        env=bt_env.env,
        cwd=str(bt_env.data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(30)
    if not line or not line[0].strip():
        proc.kill()
        raise AssertionError(f"bt chat serve printed no URL: {proc.stderr.read()}")
    served = Served(bt_env, session_id, proc, line[0].strip(), device_port)
    yield served
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_two_way_chat_presence_and_end_session(served, vdevice, adb_server):
    from playwright.sync_api import expect, sync_playwright

    assert served.url.startswith(f"http://127.0.0.1:{served.device_port}/s/")
    assert vdevice.state.screen.snapshot().page.url == served.url  # opened on the device
    listed = adb_server.adb("-s", vdevice.serial, "reverse", "--list").stdout.decode()
    assert f"tcp:{served.device_port}" in listed
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(served.url)
            expect(page.locator("#tech-name")).to_have_text("Alice Martin")
            assert page.locator("#avatar").evaluate("i => i.complete && i.naturalWidth > 0")

            assert served.bt_env.run("chat", "send", "Hello [b]Dana[/b], I'm here").returncode == 0
            expect(page.locator(".msg.from-technician .text").last).to_have_text("Hello Dana, I'm here")

            hostile = "Thanks! <script>alert(1)</script><img src=x onerror=alert(2)>"
            page.fill("#text", hostile)
            page.press("#text", "Enter")
            expect(page.locator(".msg.from-customer .text")).to_have_text(hostile)
            assert page.locator("#messages script, #messages img").count() == 0
            received = eventually(lambda: served.events("chat.received"), what="chat.received")
            assert received[0]["actor"] == "customer" and received[0]["text"] == hostile
            log = served.bt_env.run("log", "--session", served.session_id).stdout
            assert "customer › Thanks! <script>" in log

            page.close()
            eventually(lambda: served.session()["status"] == "customer_absent", what="customer absent")
            page = browser.new_page()
            page.goto(served.url)
            eventually(lambda: served.session()["status"] == "in_progress", what="customer back")
            expect(page.locator(".msg.from-customer .text")).to_have_text(hostile)  # history is shown again

            page.click("#end-button")
            expect(page.locator("#confirm-end")).to_be_visible()
            page.click("#confirm-yes")
            expect(page.locator("#ended")).to_be_visible()
            eventually(lambda: served.session()["status"] == "ended", what="ended")
        finally:
            browser.close()
    assert dialogs == []
    ended = served.events("session.ended")
    assert ended[0]["actor"] == "customer"
    late = served.bt_env.run("chat", "send", "are you there?")
    assert late.returncode == 12  # bt's device access for the session has stopped
    assert served.proc.wait(15) == 0  # the page server stops by itself once the session ends
    listed = adb_server.adb("-s", vdevice.serial, "reverse", "--list").stdout.decode()
    assert f"tcp:{served.device_port}" not in listed


def test_grant_answers_set_what_bt_may_do(served, bt_env, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    for key in ("BT_DATA_DIR", "BT_CONFIG_DIR", "BT_POLICY", "BT_TECHNICIAN", "ANDROID_ADB_SERVER_PORT"):
        monkeypatch.setenv(key, bt_env.env[key])
    from bt_core.services import Services
    from bt_core.settings import load_settings

    services = Services(load_settings())
    try:
        grants = services.grants
    except ModuleNotFoundError:
        grants = None

    def request(level: str) -> None:
        if grants is not None:
            grants.request(served.session_id, level)
        else:  # the technician's side of the contract: a grant.requested event with its level
            services.store.append_event(
                served.session_id, "alice", "grant.requested", f"alice asks for {level}", {"level": level}
            )

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.goto(served.url)
            expect(page.locator("#access-level")).to_have_text("no access")
            request("control")
            expect(page.locator("#request")).to_be_visible()
            expect(page.locator("#request-text")).to_contain_text("view and control")
            page.click("#allow-view")
            expect(page.locator("#request")).to_be_hidden()
            expect(page.locator("#access-level")).to_have_text("view-only")
            assert served.session()["grant"] == "view"
            if grants is not None:
                grants.require(served.session_id, "view")
                with pytest.raises(Exception):  # noqa: B017 - whichever BtError the grants service raises
                    grants.require(served.session_id, "control")

            request("control")
            expect(page.locator("#request")).to_be_visible()
            page.click("#allow-control")
            expect(page.locator("#access-level")).to_have_text("view and control")
            assert served.session()["grant"] == "control"

            request("view")
            page.click("#deny")
            expect(page.locator("#access-level")).to_have_text("no access")
            assert served.session()["grant"] == "none"
        finally:
            browser.close()
    changes = served.events("grant.changed")
    assert [e["data"]["to"] for e in changes] == ["view", "control", "none"]
    services.close()


def test_hostile_requests_do_no_harm(served, bt_env, vdevice, adb_server):
    from playwright.sync_api import sync_playwright

    status, headers, body = served.request("GET", served.path)
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
    assert b'<script src="/static/page.js"' in body and b"onclick" not in body

    say = served.path + "/api/say"
    assert served.request("POST", say, b"{not json")[0] == 400
    assert served.request("POST", say, b"\xff\xfe")[0] == 400
    assert served.request("POST", say, json.dumps({"text": 5}).encode())[0] == 400
    assert served.request("POST", say, json.dumps({"text": "a", "extra": 1}).encode())[0] == 400
    assert served.request("POST", say, json.dumps(["text"]).encode())[0] == 400
    assert served.request("POST", say, b"[" * 10000)[0] == 400
    huge = json.dumps({"text": "A" * 1_000_000}).encode()
    assert served.request("POST", say, huge)[0] == 413
    assert served.request("POST", say, json.dumps({"text": "B" * 5000}).encode())[0] == 400
    assert served.request("POST", served.path + "/api/grant", json.dumps({"level": "root"}).encode())[0] == 400
    assert served.request("POST", served.path + "/api/end", json.dumps({"confirm": "yes"}).encode())[0] == 400

    assert served.request("POST", say, b'{"text": "x"}', {"Origin": "http://evil.example"})[0] == 403
    assert served.request("GET", served.path, headers={"Host": "evil.example"})[0] == 403  # DNS rebinding
    assert served.request("GET", served.path[:-3] + "abc")[0] == 404  # wrong token
    assert served.request("GET", "/static/../../etc/passwd")[0] in (403, 404)

    # A 1 MB message typed into the page itself is refused, and the page keeps working.
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.goto(served.url)
            page.evaluate(
                "t => { const a = document.getElementById('text'); a.removeAttribute('maxlength'); a.value = t; }",
                "C" * 1_000_000,
            )
            page.click("#send")
            page.wait_for_selector("#error:not([hidden])")
            page.fill("#text", "still here")
            page.click("#send")
            page.wait_for_selector(".msg.from-customer")
        finally:
            browser.close()
    assert [e["text"] for e in served.events("chat.received")] == ["still here"]
    assert served.proc.poll() is None, "the page server must survive hostile input"
    assert served.session()["status"] != "ended"

    # Ctrl-C stops the server and removes the device's port mapping.
    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(15) == 0
    listed = adb_server.adb("-s", vdevice.serial, "reverse", "--list").stdout.decode()
    assert f"tcp:{served.device_port}" not in listed
    with pytest.raises(OSError):
        served.request("GET", served.path)


def test_serve_refuses_a_busy_port_and_needs_a_session(bt_env, vdevice):
    import socket

    none = bt_env.run("chat", "serve", "--no-open")
    assert none.returncode == 11 and "no current session" in none.stderr
    start_session(bt_env, vdevice.serial)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = bt_env.run("chat", "serve", "--port", str(port), "--no-open", timeout=30)
    assert result.returncode == 2
    assert result.stderr.startswith(f"bt: error: cannot listen on 127.0.0.1:{port}")
