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
    services.grants.set(record.id, "control", by="customer")
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


def test_half_blocks_draw_top_and_bottom_pixels_and_merge_runs():
    """Each cell is ▀ with the upper pixel as foreground and the lower as background; equal cells share one run."""
    from bt_tui.panes.picture import StyleCache, half_block_strips

    red, blue, green = (255, 0, 0), (0, 0, 255), (0, 128, 0)
    rows = [[red, red, green], [blue, blue, green], [green, green, green], [green, green, green]]
    data = bytes(v for row in rows for pixel in row for v in pixel)
    styles = StyleCache()
    strips = half_block_strips(data, 3, 4, styles)
    assert len(strips) == 2 and all(strip.cell_length == 3 for strip in strips)
    first = list(strips[0])
    assert [s.text for s in first] == ["▀▀", "▀"]
    assert first[0].style.color.triplet == red and first[0].style.bgcolor.triplet == blue
    assert first[1].style.color.triplet == green and first[1].style.bgcolor.triplet == green
    assert [s.text for s in strips[1]] == ["▀▀▀"]
    again = half_block_strips(data, 3, 4, styles)
    assert list(again[0])[0].style is first[0].style  # one Style per colour pair, reused across frames
