"""`bt report` on a real session (chat, URL push, notes, end), in every format, and the HTML rendered by
headless Chromium to a PNG with its sections checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.test_customer_page import CHROMIUM, launch
from tests.e2e.test_foundation import start_session


def test_report_formats_and_chromium_render(bt_env, vdevice, tmp_path):
    session_id = start_session(bt_env, vdevice.serial, "--customer", "Dana <b>Ruiz</b>")["id"]
    assert bt_env.run("chat", "send", "Please [b]restart[/b] the phone").returncode == 0
    assert bt_env.run("chat", "send", "https://example.com/guide").returncode == 0
    assert bt_env.run("notes", "add", "Suspect the router firmware").returncode == 0
    assert bt_env.run("session", "end").returncode == 0

    written = bt_env.run("report", "--format", "html")
    assert written.returncode == 0, written.stderr
    html_path = Path(written.stdout.strip())
    assert html_path == bt_env.data_dir / "reports" / f"session-{session_id}.html"
    html = html_path.read_text(encoding="utf-8")
    assert "<strong>restart</strong>" in html and "https://example.com/guide" in html
    assert "Dana <b>Ruiz</b>" not in html  # customer text is escaped

    md = tmp_path / "r.md"
    assert bt_env.run("report", session_id, "--format", "md", "--out", str(md)).returncode == 0
    assert "Suspect the router firmware" in md.read_text()
    data = json.loads(bt_env.run("report", "--format", "json", "--out", "-").stdout)
    assert data["session"]["id"] == session_id and data["session"]["status"] == "ended"
    assert [e["data"]["url"] for e in data["events"] if e["kind"] == "url.pushed"] == ["https://example.com/guide"]
    assert [n["text"] for n in data["notes"]] == ["Suspect the router firmware"]
    bad = bt_env.run("report", "--format", "pdf")
    assert bad.returncode == 2 and "html, md, json" in bad.stderr

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    png = tmp_path / "report.png"
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 800})
            page.goto(html_path.as_uri())
            for section in ("#info", "#transcript", "#notes"):
                assert page.locator(section).is_visible(), section
            assert page.locator("#transcript").inner_text().count("Please restart the phone") == 1
            assert "Suspect the router firmware" in page.locator("#notes").inner_text()
            assert page.locator("#transcript strong", has_text="restart").count() == 1
            page.screenshot(path=str(png), full_page=True)
        finally:
            browser.close()
    with Image.open(png) as shot:
        colours = shot.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50
        assert shot.height >= 800
