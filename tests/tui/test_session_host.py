"""The TUI starts the session's host; a screen request from the TUI reaches the customer: as a
notification while their page is closed, on the page once it is open, and the customer's answer there
sets the grant."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from bt_tui.app import make_app
from tests.browser import CHROMIUM, browser_args
from tests.tui.conftest import settle

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")


async def until(check, timeout: float = 15.0, what: str = "condition"):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (value := check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)
    return value


async def test_a_screen_request_from_the_tui_reaches_the_page_and_the_answer_sets_the_grant(
    services, vdevice, monkeypatch
):
    from playwright.async_api import async_playwright, expect

    record = services.sessions.start(vdevice.serial, customer="Dee")  # hosts off: none started yet
    host = services.host
    assert not host.status(record.id).running
    monkeypatch.setenv("BT_SESSION_HOST", "on")
    try:
        app = make_app(services, session_id=record.id, start_stream=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)  # the TUI's live view starts the session's host
            status = await until(lambda: (s := host.status(record.id)).mapping == "mapped" and s, what="mapped")
            await pilot.press("ctrl+g")  # the page is closed: a notification says where to answer
            await settle(app, pilot)
            tag = f"bt-request-{record.id}"
            notices = lambda: {n.tag: n.title for n in vdevice.state.screen.notifications}  # noqa: E731
            await until(lambda: tag in notices(), what="request notification")
            assert notices()[tag] == "alice asks to control your screen"

            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=browser_args(vdevice))
                try:
                    page = await browser.new_page()
                    await page.goto(status.page_url)
                    await expect(page.locator("#request")).to_be_visible()
                    await expect(page.locator("#request-text")).to_contain_text("view and control")
                    await page.click("#allow-control")
                    await expect(page.locator("#access-level")).to_have_text("view and control")
                finally:
                    await browser.close()
            await until(lambda: services.store.get_session(record.id).grant == "control", what="grant set")
    finally:
        pid = host.status(record.id).pid
        if pid and host.running(record.id):
            os.kill(pid, signal.SIGTERM)
