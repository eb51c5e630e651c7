"""The customer page in a real headless Chromium, reached the way the device reaches it: through the
virtual device's own localhost (its `adb reverse` listener), the stock adb server, and the session host
(`bt chat serve` restarts the host's page and opens it on the device)."""

from __future__ import annotations

import http.client
import json
import os
import signal

import pytest

from tests.browser import CHROMIUM, browser_args, eventually
from tests.conftest import free_port
from tests.e2e.test_foundation import start_session
from virtual_device.services.reverse import loopback_host

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


def launch(playwright, vdevice=None):
    """Chromium; with a virtual device, as the device's browser (its 127.0.0.1 is the device's own)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=browser_args(vdevice))


class Served:
    def __init__(self, bt_env, vdevice, session_id: str, url: str, device_port: int) -> None:
        self.bt_env, self.vdevice, self.session_id = bt_env, vdevice, session_id
        self.url, self.device_port = url, device_port

    def session(self) -> dict:
        return json.loads(self.bt_env.run("session", "show", self.session_id, "--json").stdout)

    def host(self) -> dict:
        return json.loads(self.bt_env.run("session", "host-status", self.session_id, "--json").stdout)

    def events(self, kind: str) -> list[dict]:
        log = json.loads(self.bt_env.run("log", "--json", "--session", self.session_id).stdout)
        return [e for e in log if e["kind"] == kind]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """An HTTP request from "on the device" (its own 127.0.0.1) to the page."""
        origin = f"http://127.0.0.1:{self.device_port}"
        conn = http.client.HTTPConnection(loopback_host(self.vdevice.port), self.device_port, timeout=10)
        base = {"Host": f"127.0.0.1:{self.device_port}", "Origin": origin, "Content-Type": "application/json"}
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
    bt_env.env["BT_SESSION_HOST"] = "on"
    session_id = start_session(bt_env, vdevice.serial, "--customer", "Dana")["id"]
    device_port = free_port()
    out = bt_env.run("chat", "serve", "--device-port", str(device_port), "--json")
    assert out.returncode == 0, out.stderr
    line = json.loads(out.stdout)
    served = Served(bt_env, vdevice, session_id, line["device_url"], device_port)
    yield served
    pid = served.host().get("pid")
    if pid and served.host()["running"]:
        os.kill(pid, signal.SIGTERM)


def test_two_way_chat_presence_and_end_session(served, vdevice, adb_server):
    from playwright.sync_api import expect, sync_playwright

    assert served.url.startswith(f"http://127.0.0.1:{served.device_port}/s/")
    assert vdevice.state.screen.snapshot().page.url == served.url  # opened on the device by `bt chat serve`
    listed = adb_server.adb("-s", vdevice.serial, "reverse", "--list").stdout.decode()
    assert f"tcp:{served.device_port}" in listed
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = launch(p, served.vdevice)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(served.url)
            expect(page.locator("#tech-name")).to_have_text("Alice Martin")
            assert page.locator("#avatar").evaluate("i => i.complete && i.naturalWidth > 0")

            sent = served.bt_env.run("chat", "send", "Hello [b]Dana[/b], see [url]https://x.org[/url] <b>hi</b>")
            assert sent.returncode == 0, sent.stderr
            last = page.locator(".msg.from-technician .text").last
            expect(last).to_have_text("Hello Dana, see https://x.org <b>hi</b>")  # BBCode as HTML, HTML as text
            assert last.locator("strong").inner_text() == "Dana"
            assert last.locator("a").get_attribute("href") == "https://x.org"
            assert last.locator("b").count() == 0

            hostile = "Thanks! <script>alert(1)</script><img src=x onerror=alert(2)>"
            page.fill("#text", hostile)
            page.press("#text", "Enter")
            expect(page.locator(".msg.from-customer .text")).to_have_text(hostile)
            assert page.locator("#messages script, #messages img").count() == 0
            received = eventually(lambda: served.events("chat.received"), what="chat.received")
            assert received[0]["actor"] == "customer" and received[0]["text"] == hostile
            log = served.bt_env.run("log", "--session", served.session_id).stdout
            assert "customer › Thanks! <script>" in log

            eventually(lambda: served.host()["page_connected"] == 1, what="page counted open")
            page.close()
            eventually(lambda: served.host()["page_connected"] == 0, what="page counted closed")
            assert served.session()["status"] == "in_progress"  # presence is the device's, not the tab's
            page = browser.new_page()
            page.goto(served.url)
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
    eventually(lambda: not served.host()["running"], what="the host stops once the session ends")
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
        browser = launch(p, served.vdevice)
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
        browser = launch(p, served.vdevice)
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
    assert served.host()["running"], "the page server must survive hostile input"
    assert served.session()["status"] != "ended"

    # The end stops the host and removes the device's port mapping.
    assert served.bt_env.run("session", "end").returncode == 0
    eventually(lambda: not served.host()["running"], what="host stopped")
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


def test_the_customer_starts_the_camera_from_the_page(served):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = launch(p, served.vdevice)
        try:
            page = browser.new_page()
            page.goto(served.url)
            expect(page.locator("#camera-button")).to_be_visible()
            asked = served.bt_env.run("camera", "request")
            assert asked.returncode == 0, asked.stderr
            expect(page.locator("#camera-request")).to_be_visible()
            page.click("#camera-start")
            expect(page.locator("#camera-request")).to_be_hidden()
            expect(page.locator(".msg.kind-camera .text").last).to_have_text("You started the camera.")
        finally:
            browser.close()
    assert served.vdevice.state.screen.snapshot().page.kind == "camera"
    [opened] = served.events("camera.opened")
    assert opened["actor"] == "customer" and served.session()["grant"] == "none"  # no grant was needed


def test_files_moved_to_and_from_the_device_are_noticed_on_the_page(served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    served.bt_env.policy_path.write_text(f"[files]\nlocal_paths = [{json.dumps(str(tmp_path))}]\n")
    src = tmp_path / "router [notes].txt"
    src.write_text("reset the router")
    with sync_playwright() as p:
        browser = launch(p, served.vdevice)
        try:
            page = browser.new_page()
            page.goto(served.url)
            pushed = served.bt_env.run("files", "push", str(src), "/sdcard/Download/")
            assert pushed.returncode == 0, pushed.stderr
            notice = page.locator(".msg.kind-file .text")
            expect(notice.last).to_have_text(
                "Alice Martin sent you router [notes].txt (/sdcard/Download/router [notes].txt)."
            )
            pulled = served.bt_env.run(
                "files", "pull", "/sdcard/Download/router [notes].txt", str(tmp_path / "back.txt")
            )
            assert pulled.returncode == 0, pulled.stderr
            expect(notice.last).to_have_text(
                "Alice Martin copied router [notes].txt from your device (/sdcard/Download/router [notes].txt)."
            )
        finally:
            browser.close()
