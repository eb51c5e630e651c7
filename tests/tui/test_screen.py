"""Screen tab: the live stream drawn, a screenshot, control (keys and clicks reach the device), privacy pause."""

from __future__ import annotations

from pathlib import Path

from bt_tui.app import make_app
from tests.tui.conftest import settle, wait_until


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


async def test_control_mode_typing_is_one_transcript_event_per_burst(services, vdevice):
    """Every key reaches the device at once; the transcript gets one input.text per burst, not per key."""
    from virtual_device.screen.layout import Layout

    record = services.sessions.start(vdevice.serial, customer="Tess")
    services.grants.set(record.id, "control", by="customer")
    screen = vdevice.state.screen
    x0, y0, x1, y1 = Layout(*screen.size, screen.density).search_bar(False)
    services.control.tap(record.id, (x0 + x1) // 2, (y0 + y1) // 2)  # focus the search field
    app = make_app(services, session_id=record.id)

    def typing() -> list:
        return services.store.events(record.id, kinds=["input.text"])

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        pane = app.screen.query_one("#screen-pane")
        pane.keyboard.idle_seconds = 600  # no pause ends this burst, however slow the machine
        await pilot.press("ctrl+o")
        assert pane.control
        await pilot.press(*"hello", "space", *"wx", "backspace", *"orld")
        assert await wait_until(pilot, lambda: screen.text_field == "hello world"), screen.text_field
        assert typing() == []  # still typing: nothing logged yet
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: typing())
        burst = typing()
        assert len(burst) == 1 and burst[0].data == {"length": 12, "erased": 1, "enter": True}
        assert burst[0].text == "Typed 12 characters, erased 1, then pressed ENTER"
        assert services.store.events(record.id, kinds=["input.key"]) == []  # ENTER is part of the burst
        assert screen.foreground[0] == "com.android.chrome"  # ...and it reached the device: Chrome searched

        await pilot.press(*"abc")
        assert await wait_until(pilot, lambda: screen.text_field.endswith("abc")), screen.text_field
        pane.keyboard.idle_seconds = 0.2  # a pause ends a burst too
        assert await wait_until(pilot, lambda: len(typing()) == 2)
        assert typing()[1].data == {"length": 3}
        pane.keyboard.idle_seconds = 600
        await pilot.press(*"de", "escape")  # another key ends the burst first, then is logged itself
        assert await wait_until(pilot, lambda: services.store.events(record.id, kinds=["input.key"]))
        kinds = [e.kind for e in services.store.events(record.id, kinds=["input.text", "input.key"])]
        assert kinds == ["input.text", "input.text", "input.text", "input.key"]
        await pilot.press("ctrl+o")
        pane.stop_stream()
        await settle(app, pilot)


async def test_kitty_pictures_stream_while_typed_keys_arrive_in_order(services, vdevice, monkeypatch):
    """Kitty graphics: each frame reaches the terminal as a whole picture under a new id and the pane shows its
    placeholder cells; keys typed meanwhile arrive in order; old pictures are freed; another tab stops it."""
    import base64
    import re
    import zlib

    from textual.drivers.headless_driver import HeadlessDriver

    from bt_tui.panes import screen as screen_pane
    from bt_tui.panes.kitty import PLACEHOLDER, KittyPicture
    from virtual_device.screen.layout import Layout

    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))  # the terminal's bytes
    monkeypatch.setattr(screen_pane.ScreenPane, "graphics_class", KittyPicture)
    record = services.sessions.start(vdevice.serial, customer="Kit")
    services.grants.set(record.id, "control", by="customer")
    screen = vdevice.state.screen
    screen.frame_timestamps = True  # every frame differs from the one before
    x0, y0, x1, y1 = Layout(*screen.size, screen.density).search_bar(False)
    services.control.tap(record.id, (x0 + x1) // 2, (y0 + y1) // 2)  # focus the search field
    app = make_app(services, session_id=record.id)

    def sent() -> dict[int, tuple[int, int]]:
        """Pictures transmitted so far: id -> (width, height)."""
        found = re.findall(r"\x1b_Ga=t,f=24,s=(\d+),v=(\d+),o=z,i=(\d+)", "".join(written))
        return {int(i): (int(w), int(h)) for w, h, i in found}

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        pane = app.screen.query_one("#screen-pane")
        picture = app.screen.query_one("#screen-image")
        assert isinstance(picture, KittyPicture) and "graphics" in str(pane.query_one("#screen-status").render())
        assert await wait_until(pilot, lambda: pane.frames_drawn >= 3 and len(sent()) >= 3), "no pictures sent"

        # a whole picture: its chunks decompress to width x height RGB pixels, placed in the pane's cells
        output = "".join(written)
        image_id = picture.image_id
        width, height = sent()[image_id]
        start = output.index(f"o=z,i={image_id},")
        end = output.index(f"a=p,U=1,i={image_id},c={picture.cells[0]},r={picture.cells[1]}", start)
        chunks = re.findall(r"\x1b_G[^;\x1b]*;([^\x1b]*)\x1b\\", output[start - 30 : end])
        assert len(zlib.decompress(base64.b64decode("".join(chunks)))) == width * height * 3
        assert 10 <= picture.cells[1] <= 40 and picture.size.height == picture.cells[1]
        line = "".join(segment.text for segment in picture.render_line(0))
        assert line.startswith(PLACEHOLDER) and line.count(PLACEHOLDER) == picture.cells[0]

        # typing while frames keep coming: every key arrives, in order
        await pilot.press("ctrl+o")
        drawn = pane.frames_drawn
        await pilot.press(*"hello", "space", *"world")
        assert await wait_until(pilot, lambda: screen.text_field == "hello world"), screen.text_field
        assert await wait_until(pilot, lambda: pane.frames_drawn > drawn + 2), "frames stopped while typing"
        await pilot.press("ctrl+o")

        # pictures no longer shown are freed in the terminal (at most the newest two are kept)
        await settle(app, pilot)
        freed = set(map(int, re.findall(r"\x1b_Ga=d,d=I,i=(\d+)", "".join(written))))
        assert len(set(sent()) - freed) <= 2 and picture.image_id not in freed

        await pilot.press("f1")  # another tab: the stream stops
        assert await wait_until(pilot, lambda: services.store.events(record.id, kinds=["screen.stream_closed"]))
        assert not pane.running
        count = len(sent())
        await pilot.pause(0.5)
        assert len(sent()) == count  # nothing more is sent to the terminal
