"""Chat through the real stack: `bt chat` in a subprocess → adb server → virtual device (heads-up
notification, VIEW intent), and the transcript as `bt log` and the report show it."""

from __future__ import annotations

import io
import json

from PIL import Image, ImageChops

from tests.e2e.test_foundation import start_session

BBCODE = "Hello [b]Dana[/b], please [i]restart[/i] the [color=red]phone[/color] [u]now"
PLAIN = "Hello Dana, please restart the phone [u]now"


def screencap(adb_server, serial: str) -> Image.Image:
    png = adb_server.adb("-s", serial, "exec-out", "screencap", "-p").stdout
    return Image.open(io.BytesIO(png)).convert("RGB")


def chat_events(bt_env, *kinds: str) -> list[dict]:
    events = json.loads(bt_env.run("log", "--json").stdout)
    return [e for e in events if not kinds or e["kind"] in kinds]


def test_message_shows_on_device_in_transcript_and_bbcode_renders_three_ways(bt_env, vdevice, adb_server):
    start_session(bt_env, vdevice.serial)
    before = screencap(adb_server, vdevice.serial)
    sent = bt_env.run("chat", "send", BBCODE, "--json", env={"BT_DISPLAY_NAME": "Alice Support"})
    assert sent.returncode == 0, sent.stderr
    result = json.loads(sent.stdout)
    assert result["kind"] == "chat" and result["plain"] == PLAIN

    # On the device: a heads-up notification from the technician with the plain text, visible on screen.
    shown = [n for n in vdevice.state.screen.notifications if n.text == PLAIN]
    assert len(shown) == 1 and shown[0].title == "Alice Support (support)"
    after = screencap(adb_server, vdevice.serial)
    assert ImageChops.difference(before, after).getbbox() is not None, "the screenshot should show the message"

    # A second message is a second notification (fresh tag), not a replacement.
    assert bt_env.run("chat", "send", "Second message").returncode == 0
    texts = [n.text for n in vdevice.state.screen.notifications]
    assert PLAIN in texts and "Second message" in texts

    # Transcript keeps the BBCode as typed; the terminal renders it (no tags), the report as HTML.
    event = chat_events(bt_env, "chat.sent")[0]
    assert event["text"] == BBCODE and event["data"]["plain"] == PLAIN and event["actor"] == "alice"
    log = bt_env.run("log")
    assert "Hello Dana, please restart the phone" in log.stdout and "[b]Dana" not in log.stdout
    report = bt_env.run("report", "--format", "html", "--out", "-")
    assert report.returncode == 0, report.stderr
    assert "<strong>Dana</strong>" in report.stdout and "<em>restart</em>" in report.stdout


def test_canned_search_tree_and_send_by_name(bt_env, vdevice):
    by_body = json.loads(bt_env.run("chat", "canned", "--search", "gear password", "--json").stdout)
    assert [m["name"] for m in by_body] == ["wifi-forget"]  # both words are only in that body
    by_title = json.loads(bt_env.run("chat", "canned", "--search", "router", "--json").stdout)
    assert by_title[0]["name"] == "wifi-router"
    tree = bt_env.run("chat", "canned")
    assert tree.returncode == 0
    assert "Troubleshooting" in tree.stdout and "Turn Wi-Fi off and on  [wifi-toggle]" in tree.stdout

    start_session(bt_env, vdevice.serial)
    sent = bt_env.run("chat", "send", "--canned", "restart", "--json")
    assert sent.returncode == 0, sent.stderr
    assert any(
        n.text.startswith("Let's try a restart: hold the Power button") for n in vdevice.state.screen.notifications
    )
    event = chat_events(bt_env, "chat.sent")[-1]
    assert event["data"]["canned"] == "restart" and "[b]Power[/b]" in event["text"]
    missing = bt_env.run("chat", "send", "--canned", "restat")
    assert missing.returncode == 13 and "Did you mean restart" in missing.stderr


def test_spelling_warnings_ignore_list_and_no_spellcheck(bt_env, vdevice):
    session_id = start_session(bt_env, vdevice.serial)["id"]
    warned = bt_env.run("chat", "send", "Did you recieve the file?")
    assert warned.returncode == 0
    assert "'recieve' may be misspelled; did you mean" in warned.stderr and "receive" in warned.stderr
    assert "Did you recieve the file?" in [n.text for n in vdevice.state.screen.notifications]  # still sent
    assert bt_env.run("chat", "send", "recieve again", "--no-spellcheck").stderr.count("misspelled") == 0
    assert bt_env.run("chat", "ignore", "recieve").returncode == 0
    assert "misspelled" not in bt_env.run("chat", "send", "I recieve you").stderr
    # Another technician has their own list.
    as_bob = {"BT_TECHNICIAN": "bob", "BT_SESSION": session_id}
    assert "misspelled" in bt_env.run("chat", "send", "recieve", env=as_bob).stderr


def test_url_push_opens_the_page_and_refuses_javascript(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    url = "https://example.com/help?a=1&b=2;reboot"
    pushed = bt_env.run("chat", "send", url, "--json")
    assert pushed.returncode == 0, pushed.stderr
    assert json.loads(pushed.stdout)["kind"] == "url"
    snapshot = vdevice.state.screen.snapshot()
    assert snapshot.page.url == url and vdevice.state.screen.foreground[0] == "com.android.chrome"
    assert not any("reboot" == c.strip() for c in vdevice.counters.shell_commands)
    assert chat_events(bt_env, "url.pushed")[-1]["data"]["url"] == url

    refused = bt_env.run("chat", "send", "javascript:alert(1)")
    assert refused.returncode == 2
    assert refused.stderr == (
        "bt: error: Refused: javascript: links are never opened on the device; "
        "only http:// and https:// URLs can be pushed.\n"
    )
    assert vdevice.state.screen.snapshot().page.url == url  # nothing changed on the device
    assert chat_events(bt_env, "chat.refused")[-1]["data"]["scheme"] == "javascript"

    bt_env.policy_path.write_text("[chat]\nurl_push = false\n")
    denied = bt_env.run("chat", "send", "https://example.org/")
    assert denied.returncode == 10 and "open URLs on the device" in denied.stderr
    assert chat_events(bt_env)[-1]["kind"] == "permission.denied"
    assert bt_env.run("chat", "send", "plain chat still works").returncode == 0


def test_chat_refused_after_the_session_ended(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    assert bt_env.run("session", "end").returncode == 0
    late = bt_env.run("chat", "send", "hello?")
    assert late.returncode == 12 and "has ended" in late.stderr
