"""The session report: every section, hostile text kept inert, and a real headless Chromium reading it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bt_core.models import Event, Note, SessionRecord, Transfer
from bt_core.report import render_report
from tests.browser import CHROMIUM, CHROMIUM_ARGS

T0 = datetime(2024, 11, 5, 9, 0, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=2)
XSS = "<script>alert(1)</script>"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def make_screenshot(path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (540, 1200), "#1a73e8")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 540, 80), fill="#202124")
    draw.rectangle((40, 300, 500, 420), fill="#ffffff")
    draw.text((60, 340), "Wi-Fi settings", fill="#000000")
    image.save(path, format="PNG")
    return path


@pytest.fixture
def records(tmp_path: Path) -> dict:
    shot = make_screenshot(tmp_path / "shots" / "s1-0001.png") if (tmp_path / "shots").mkdir() is None else None
    session = SessionRecord(
        id="s1",
        serial="127.0.0.1:5555",
        status="ended",
        priority="high",
        queue="mobile",
        customer="Ann <Lee>",
        computer_name="Pixel 8",
        platform="Android 14 (API 34)",
        issue="Wi-Fi drops every few minutes",
        skills=("android", "networking"),
        attributes={"contract": "gold", "region": "EU"},
        external_key="TICKET-4711",
        ip_addresses=("192.168.1.23", "fe80::1"),
        public_site="support.example.com",
        technician="alice",
        owners=("alice",),
        grant="control",
        created_at=T0,
        queued_at=T0,
        started_at=at(5),
        ended_at=at(50),
    )
    ev = []

    def add(minutes: float, actor: str, kind: str, text: str, **data: object) -> None:
        ev.append(Event("s1", len(ev) + 1, at(minutes), actor, kind, text, dict(data)))

    add(5, "alice", "session.started", "alice started the session")
    add(6, "alice", "chat.sent", "Hi [b]Ann[/b], I'm looking at your [i]Wi-Fi[/i] problem now.")
    add(7, "customer", "chat.received", "Thanks! It keeps [dropping] out :( " + XSS)
    add(8, "alice", "grant.requested", "alice asked for full control")
    add(9, "customer", "grant.changed", "Customer allowed full control", to="control")
    add(10, "alice", "screen.shot", "Screenshot saved", path="shots/s1-0001.png")
    add(12, "alice", "sysinfo.pulled", "System info pulled (battery, network, storage)")
    add(14, "system", "session.status", "Customer absent", **{"from": "in_progress", "to": "customer_absent"})
    add(24, "system", "session.status", "Customer back", **{"from": "customer_absent", "to": "in_progress"})
    add(
        25,
        "alice",
        "url.pushed",
        "Opened https://support.example.com/wifi?a=1&b=2",
        url="https://support.example.com/wifi?a=1&b=2",
    )
    add(
        26,
        "alice",
        "file.pushed",
        "Sent wifi-fix.pdf",
        transfer_id=1,
        direction="push",
        origin="/home/alice/wifi-fix.pdf",
        destination="/sdcard/Download/wifi-fix.pdf",
        bytes=482133,
        bytes_total=482133,
        files=1,
        files_total=1,
    )
    add(
        27,
        "alice",
        "file.pulled",
        "Got logcat.txt",
        transfer_id=3,
        direction="pull",
        origin="/sdcard/Download/logcat.txt",
        destination="/home/alice/s1/logcat.txt",
        bytes=1048576,
        bytes_total=1048576,
    )
    add(
        28,
        "alice",
        "transfer.failed",
        "Could not get /data/data/app.db",
        transfer_id=2,
        direction="pull",
        origin="/data/data/app.db",
        destination="/home/alice/s1/",
        error="Permission denied",
    )
    add(30, "alice", "process.killed", "Killed com.example.wifimanager (pid 4242)")
    add(31, "alice", "process.kill_failed", "Could not end 4243: not allowed", target="4243", error="not allowed")
    add(32, "alice", "permission.denied", "Denied: policy forbids deleting files", action="file.delete")
    add(33, "alice", "note.added", "alice added a note")
    add(34, "alice", "chat.sent", "Steps:[list=1][*]Open [b]Settings[/b][*]Forget the network[/list]")
    add(35, "alice", "frobnicate.done", "Something new happened [x]")
    add(50, "alice", "session.ended", "alice ended the session")
    notes = [Note(1, "s1", "alice", at(33), "Router firmware is old: <b>advise update</b>.\nCustomer prefers email.")]
    transfers = [
        Transfer(
            1,
            "s1",
            "push",
            "/home/alice/wifi-fix.pdf",
            "/sdcard/Download/wifi-fix.pdf",
            "done",
            bytes_total=482133,
            bytes_done=482133,
            files_total=1,
            files_done=1,
            created_at=at(26),
        ),
        Transfer(
            2,
            "s1",
            "pull",
            "/data/data/app.db",
            "/home/alice/s1/",
            "failed",
            error="Permission denied",
            created_at=at(28),
        ),
    ]
    return {"session": session, "events": ev, "notes": notes, "transfers": transfers, "base": tmp_path, "shot": shot}


def render(records: dict, fmt: str) -> str:
    return render_report(
        records["session"],
        records["events"],
        records["notes"],
        records["transfers"],
        fmt,
        screenshots_base=records["base"],
        now=NOW,
    )


def test_json_report_shape_and_durations(records: dict) -> None:
    doc = json.loads(render(records, "json"))
    assert set(doc) >= {"session", "events", "notes", "transfers", "durations"}
    assert doc["session"]["external_key"] == "TICKET-4711"
    assert [e["seq"] for e in doc["events"]] == list(range(1, 21))
    assert doc["durations"] == {
        "time_in_system_s": 50 * 60.0,
        "time_waiting_s": 5 * 60.0,
        "time_in_progress_s": 35 * 60.0,  # 45 min minus the 10 the customer was away
        "session_length_s": 45 * 60.0,
    }


def test_html_holds_every_part_and_escapes_text(records: dict) -> None:
    page = render(records, "html")
    for label in (
        "Session type",
        "Priority",
        "Queue",
        "Status",
        "Customer",
        "Computer name",
        "Platform",
        "Support issue",
        "Time in system",
        "Public site",
        "Required skills",
        "IP addresses",
        "Custom attributes",
        "External key",
    ):
        assert f"<dt>{label}</dt>" in page
    assert "Ann &lt;Lee&gt;" in page and "contract=gold, region=EU" in page and "TICKET-4711" in page
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<strong>Ann</strong>" in page  # chat BBCode rendered
    assert "<ol><li>Open <strong>Settings</strong></li><li>Forget the network</li></ol>" in page
    assert "<dt>From</dt><dd>/sdcard/Download/logcat.txt</dd>" in page  # a pull comes from the device
    assert "470.8 KB" in page and "1.0 MB" in page and "Permission denied" in page
    assert 'src="data:image/png;base64,' in page
    assert (records["base"] / "shots" / "s1-0001.png").as_uri() in page
    assert "Something new happened [x]" in page  # unknown kind still shown

    def classes(kind: str) -> str:
        found = re.search(rf'<div class="([^"]+)" data-seq="\d+" data-kind="{re.escape(kind)}">', page)
        assert found, kind
        return found.group(1)

    # colours follow the registry's severity: a kill that worked is a success, one that failed a failure
    assert classes("process.killed") == "activity success"
    assert classes("process.kill_failed") == "activity failure"
    assert classes("permission.denied") == "activity failure" and classes("transfer.failed") == "activity failure"
    assert classes("frobnicate.done") == "activity info"
    assert classes("note.added") == "activity info private"
    assert "&lt;b&gt;advise update&lt;/b&gt;" in page
    assert "<script" not in page.lower() and "http://" not in page.replace("http-equiv", "")
    assert re.search(r"Time in progress</span>", page)


def test_missing_screenshot_is_a_link_not_an_error(records: dict) -> None:
    records["events"][5] = Event("s1", 6, at(10), "alice", "screen.shot", "Screenshot", {"path": "/nope/x.png"})
    page = render(records, "html")
    assert 'class="shot missing" href="file:///nope/x.png"' in page


def test_markdown_report_reads_as_a_document(records: dict) -> None:
    text = render(records, "md")
    assert text.startswith("# Support session s1\n")
    for heading in (
        "## Session information",
        "### Durations",
        "## Transcript (20 events)",
        "## Notes (private: technicians only)",
        "## File transfers",
    ):
        assert heading in text
    assert "| External key | TICKET\\-4711 |" not in text and "| External key | TICKET-4711 |" in text
    assert "> Hi Ann, I'm looking at your Wi-Fi problem now." in text
    assert "\\<script\\>alert(1)\\</script\\>" in text and XSS not in text
    assert "> Steps:\n> 1. Open Settings\n> 2. Forget the network" in text
    assert "<https://support.example.com/wifi?a=1&b=2>" in text
    assert "- Time in progress: 35m 0s" in text


def test_unknown_format_is_refused(records: dict) -> None:
    with pytest.raises(ValueError, match="html, md, json"):
        render(records, "pdf")


@pytest.mark.chromium
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt install chromium)")
def test_chromium_renders_every_section(records: dict, tmp_path: Path) -> None:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    report = tmp_path / "report.html"
    report.write_text(render(records, "html"), encoding="utf-8")
    png = tmp_path / "report.png"
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(report.as_uri())
            for section in ("#info", "#transcript", "#notes", "#transfers"):
                assert page.locator(section).is_visible(), section
            assert page.locator("#info dl.info dt").count() >= 14
            bubbles = page.locator(".msg .bubble")
            assert bubbles.count() == 3
            assert XSS in bubbles.nth(1).inner_text()
            assert page.locator("script").count() == 0
            assert (
                page.locator(".msg.technician").first.bounding_box()["x"]
                > page.locator(".msg.customer").first.bounding_box()["x"]
            )
            assert page.locator("#notes .note").inner_text().count("advise update") == 1
            assert page.locator("#transfers tbody tr").count() == 2
            img = page.locator(".shot img")
            assert img.evaluate("i => i.complete && i.naturalWidth > 0")
            page.screenshot(path=str(png), full_page=True)
            page.emulate_media(media="print")
            assert page.locator("#transcript").is_visible()
        finally:
            browser.close()
    assert dialogs == []
    assert all(url.startswith(("file://", "data:")) for url in requests), requests
    with Image.open(png) as shot:
        colours = shot.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50, "the screenshot is (nearly) a single colour"
        assert shot.height > 800
