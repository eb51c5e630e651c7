"""`bt triage` on a virtual device: every file of the manifest exists with its sha256, the bugreport's
zip is in the bundle with bugreportz's progress to 100%, a missing bugreportz (Android 6)
is one named error, the run is logged in the session, and the HTML summary renders in
headless Chromium with device text escaped."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.e2e.test_customer_page import CHROMIUM, launch
from tests.e2e.test_foundation import start_session


def check_bundle(directory: Path, manifest: dict) -> None:
    assert json.loads((directory / "manifest.json").read_text()) == manifest
    for entry in manifest["files"]:
        data = (directory / entry["path"]).read_bytes()
        assert len(data) == entry["size"], entry
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]


def test_triage_bundle_manifest_summary_and_chromium(bt_env, vdevice, tmp_path):
    out = tmp_path / "bundle"
    done = bt_env.run("--device", vdevice.serial, "triage", "--out", str(out), "--bugreport", "--json")
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)
    check_bundle(out, manifest)
    paths = {f["path"] for f in manifest["files"]}
    for expected in (
        "sysinfo/overview.json",
        "sysinfo/overview.txt",
        "sysinfo/apps.json",
        "logcat.txt",
        "screenshot.png",
        "packages.json",
        "dumpsys/battery.txt",
        "summary.md",
        "summary.html",
    ):
        assert expected in paths, expected
    assert manifest["serial"] == vdevice.serial and manifest["android_version"] == "14"
    assert "beginning of main" in (out / "logcat.txt").read_text()
    assert (out / "screenshot.png").read_bytes().startswith(b"\x89PNG")
    packages = json.loads((out / "packages.json").read_text())
    assert any(p["package"] == "com.android.settings" and p["version_code"] for p in packages)
    assert "level: " in (out / "dumpsys/battery.txt").read_text()
    assert any(p.startswith("bugreport/") for p in paths) and manifest["complete"] is True

    taken = bt_env.run("--device", vdevice.serial, "triage", "--out", str(out))
    assert taken.returncode == 2 and "not an empty directory" in taken.stderr

    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            page.goto((out / "summary.html").as_uri())
            assert page.locator("#title").inner_text() == f"Triage of Pixel 8 {vdevice.serial}"
            assert "Android" in page.locator("#device").inner_text()
            assert page.locator("#files a", has_text="logcat.txt").count() == 1
            width = page.eval_on_selector("#screenshot", "img => img.complete ? img.naturalWidth : 0")
            assert width > 0  # the screenshot loads from the bundle
        finally:
            browser.close()


def test_triage_in_a_session_is_logged_and_text_escaped(bt_env, vdevice, tmp_path):
    vdevice.state.props["ro.product.model"] = "Pixel <script>alert(1)</script>"
    start_session(bt_env, vdevice.serial)
    out = tmp_path / "in-session"
    done = bt_env.run("triage", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)
    assert manifest["session_id"]
    html = (out / "summary.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;" in html
    # the screen is the customer's: no screenshot without their grant, the rest is collected
    assert "screenshot.png" not in {f["path"] for f in manifest["files"]}
    assert "has not granted" in manifest["errors"]["screenshot"]
    log = json.loads(bt_env.run("log", "--json").stdout)
    events = [e for e in log if e["kind"] == "triage.collected"]
    assert len(events) == 1 and events[0]["data"]["directory"] == str(out.resolve())
    assert events[0]["data"]["errors"] == {"screenshot": manifest["errors"]["screenshot"]}
    assert bt_env.run("screen", "grant", "view").returncode == 0
    granted = json.loads(bt_env.run("triage", "--out", str(tmp_path / "granted"), "--json").stdout)
    assert "screenshot.png" in {f["path"] for f in granted["files"]} and granted["complete"]


def test_triage_inside_claim_exec_finds_the_claimed_device(bt_env, adb_server, vdevice_factory, tmp_path):
    import sys

    from tests.e2e.test_lab_claims import start_lab

    for lab in start_lab(adb_server, vdevice_factory, 1, 1):
        serial = next(s for s in lab.devices if lab.server_of[s] == lab.servers[1])
        out = tmp_path / "claimed"
        ran = bt_env.run(
            *lab.flags,
            "claim",
            "--serial",
            serial,
            "--exec",
            "--",
            sys.executable,
            "-m",
            "bt_cli",
            "triage",
            "--out",
            str(out),
            "--json",
        )
        assert ran.returncode == 0, ran.stderr
        manifest = json.loads(ran.stdout)
        assert (manifest["serial"], manifest["adb_server"]) == (serial, lab.servers[1])
        check_bundle(out, manifest)


def test_triage_with_a_bugreport_bundles_the_zip_and_reports_progress_to_100(bt_env, vdevice, tmp_path):
    import zipfile

    from tests.e2e.test_screen import services_for

    out = tmp_path / "bundle"
    seen: list[tuple[str, int, int]] = []
    with services_for(bt_env) as services:
        manifest = services.triage.run(
            vdevice.serial, out, bugreport=True, progress=lambda step, done, total: seen.append((step, done, total))
        ).to_json()
    assert manifest["errors"] == {} and manifest["complete"] is True
    check_bundle(out, manifest)
    reports = [f for f in manifest["files"] if f["path"].startswith("bugreport/")]
    assert len(reports) == 1 and reports[0]["path"].endswith(".zip") and reports[0]["item"] == "bugreport"
    with zipfile.ZipFile(out / reports[0]["path"]) as archive:
        main = archive.read("main_entry.txt").decode().strip()
        assert "== dumpstate:" in archive.read(main).decode("utf-8", "replace")
    steps = [(done, total) for step, done, total in seen if step == "bugreport"]
    assert len(steps) >= 2 and steps[-1][0] == steps[-1][1]  # bugreportz's progress reached 100%
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)
    assert seen[-1][0] == "summary" and seen[-1][1] == seen[-1][2]  # and the run as a whole finished

    # the CLI: the same bundle with --json, and the zip's hash in manifest.json
    again = tmp_path / "again"
    done = bt_env.run("--device", vdevice.serial, "triage", "--out", str(again), "--bugreport", "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    check_bundle(again, printed)
    assert any(f["path"].startswith("bugreport/") and f["item"] == "bugreport" for f in printed["files"])


def test_triage_on_android_6_names_the_missing_bugreportz_and_collects_the_rest(bt_env, vdevice_factory, tmp_path):
    phone = vdevice_factory(profile="android-6")  # bugreportz arrived in Android 7
    out = tmp_path / "bundle"
    done = bt_env.run("--device", phone.serial, "triage", "--out", str(out), "--bugreport", "--json")
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)
    check_bundle(out, manifest)
    assert list(manifest["errors"]) == ["bugreport"] and manifest["complete"] is False
    assert "no bugreportz (Android 7 or later has it)" in manifest["errors"]["bugreport"]
    assert "bugreport: " in done.stderr and "Traceback" not in done.stderr
    assert not any(f["path"].startswith("bugreport/") for f in manifest["files"])
    assert {"logcat.txt", "screenshot.png", "packages.json"} <= {f["path"] for f in manifest["files"]}
    packages = json.loads((out / "packages.json").read_text())  # pm before Android 8 refuses -U: asked again
    assert any(p["package"] == "com.android.settings" for p in packages)
