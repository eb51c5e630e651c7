"""Screen tab: the live stream drawn, a screenshot, control (keys and clicks reach the device), privacy pause."""

from __future__ import annotations

from pathlib import Path

from bt_tui.app import make_app
from tests.tui.conftest import settle


async def wait_until(pilot, condition, rounds: int = 100) -> bool:
    for _ in range(rounds):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def test_live_screen_screenshot_and_control(services, vdevice):
    record = services.sessions.start(vdevice.serial, customer="Eve")
    services.area("grants").set(record.id, "control", by="customer")
    app = make_app(services, session_id=record.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        pane = app.screen.query_one("#screen-pane")
        assert await wait_until(pilot, lambda: pane.frames_drawn >= 2), "no frame was drawn"
        assert app.screen.query_one("#screen-image").image is not None

        await pilot.press("s")
        assert await wait_until(pilot, lambda: services.store.events(record.id, kinds=["screen.shot"]))
        shot = services.store.events(record.id, kinds=["screen.shot"])[0]
        assert Path(shot.data["path"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

        await pilot.press("ctrl+o")
        assert pane.control
        before = vdevice.state.screen.version
        await pilot.press("escape")  # BACK on the device, not "back to the queue"
        assert await wait_until(pilot, lambda: services.store.events(record.id, kinds=["input.key"]))
        assert type(app.screen).__name__ == "SessionScreen"
        assert services.store.events(record.id, kinds=["input.key"])[0].data["key"] == "BACK"
        image = app.screen.query_one("#screen-image")
        await pilot.click("#screen-image", offset=(image.size.width // 2, image.size.height // 2))
        assert await wait_until(pilot, lambda: services.store.events(record.id, kinds=["input.tap"]))
        tap = services.store.events(record.id, kinds=["input.tap"])[0].data
        width, height = vdevice.state.screen.size
        assert abs(tap["x"] - width / 2) < width / 10 and abs(tap["y"] - height / 2) < height / 10
        assert vdevice.state.screen.version > before
        await pilot.press("ctrl+o")

        await pilot.press("p")
        await settle(app, pilot)
        assert services.store.get_session(record.id).paused
        await pilot.press("p")
        await settle(app, pilot)
        assert not services.store.get_session(record.id).paused
        pane.stop_stream()
        await settle(app, pilot)
