"""The technician sees, above the chat, when the customer page is not reachable on the device (the
session host could not map it), and sees it go once the page is back."""

from __future__ import annotations

from textual.widgets import Label

from bt_core.events import EventKind
from bt_tui.app import make_app
from tests.tui.conftest import settle, wait_until


async def test_a_failed_page_mapping_shows_a_banner_until_the_page_is_back(services, vdevice):
    record = services.sessions.start(vdevice.serial, customer="Ida")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        banner = app.screen.query_one("#page-banner", Label)
        assert not banner.display

        # what the session host writes when adb reverse fails on the device (a hostile reason text too)
        reason = "cannot bind listener: Address already in use\x1b[2J"
        services.sessions.log(
            record,
            EventKind.CHAT_PAGE_FAILED,
            f"The customer page could not be mapped onto the device: {reason}",
            {"device_port": 8080, "error": reason},
            actor="system",
        )
        assert await wait_until(pilot, rounds=200, condition=lambda: banner.display)
        shown = str(banner.render())
        assert "Customer page not reachable" in shown and "Address already in use" in shown
        assert "\x1b" not in shown and "notifications only" in shown

        services.sessions.log(
            record,
            EventKind.CHAT_PAGE,
            "Customer page ready on the device",
            {"port": 1, "device_port": 8081, "opened": False},
            actor="system",
        )
        assert await wait_until(pilot, rounds=200, condition=lambda: not banner.display)
