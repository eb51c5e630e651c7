"""The screen model and renderer: what a user would see in a screenshot after each action."""

from __future__ import annotations

import asyncio
import time
from fractions import Fraction

import av
import pytest
from PIL import Image, ImageChops

from virtual_device.screen.layout import Layout
from virtual_device.screen.model import BROWSER, LAUNCHER, ScreenModel
from virtual_device.screen.timestamp import draw_timestamp, read_timestamp

W, H, DPI = 1080, 2400, 420


def differs(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels of `box` differ noticeably between two frames."""
    diff = ImageChops.difference(a.crop(box), b.crop(box)).convert("L").point(lambda v: 255 if v > 40 else 0)
    return diff.histogram()[255]


def dark_pixels(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    return sum(image.crop(box).convert("L").histogram()[:80])


def test_posted_notification_is_readable_right_after_posting():
    model = ScreenModel(W, H, DPI)
    home = model.render()
    card_box = (0, 0, W, Layout(W, H, DPI).dp(160))
    model.post_notification("t1", "Delivery", "Your parcel is at the door")
    shown = model.render()
    assert shown.size == (W, H)
    assert differs(home, shown, card_box) > 20_000  # a card covers the top of the home screen
    assert dark_pixels(shown, card_box) > 2_000  # with dark text on it
    model.cancel_notification("t1")
    model.post_notification("t1", "Delivery", "Something else entirely, longer text")
    other = model.render()
    assert differs(shown, other, card_box) > 500  # the text itself is drawn, not just a box


def test_typed_text_appears_in_the_focused_field_and_del_removes_it():
    model = ScreenModel(W, H, DPI)
    model.open_activity("com.example.notes", "com.example.notes.MainActivity")
    field = Layout(W, H, DPI).app_field()
    empty = model.render()
    model.type_text("hello")
    hello = model.render()
    assert model.text_field == "hello"
    assert differs(empty, hello, field) > 300
    model.key(67)  # DEL
    assert model.text_field == "hell"
    assert differs(hello, model.render(), field) > 50


def test_power_turns_the_screen_black_and_back_on():
    model = ScreenModel(W, H, DPI)
    model.key(26)
    off = model.render()
    assert off.getextrema() == ((0, 0), (0, 0), (0, 0))
    model.key(26)
    assert model.render().convert("L").getextrema()[1] > 200


def test_url_home_back_and_recents_move_the_foreground():
    model = ScreenModel(W, H, DPI)
    assert model.foreground == LAUNCHER
    home = model.render()
    model.open_url("https://example.com/help/page")
    assert model.foreground == BROWSER
    page = model.render()
    assert differs(home, page, (0, 0, W, H)) > W * H // 2
    model.key(4)  # BACK
    assert model.foreground == LAUNCHER
    model.open_url("https://example.com/")
    model.key(3)  # HOME
    assert model.foreground == LAUNCHER
    model.key(187)  # APP_SWITCH
    assert model.foreground[1] == "com.android.quickstep.RecentsActivity"


def test_tapping_the_chrome_icon_opens_the_browser_and_shows_a_ripple():
    model = ScreenModel(W, H, DPI)
    lay = Layout(W, H, DPI)
    box = next(box for box, app in lay.app_cells() if app[0] == "Chrome")
    before = model.render()
    model.tap((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)
    assert model.foreground == BROWSER
    model.go_home()
    model.tap(100, 1000)  # on the wallpaper: only the ripple shows
    assert differs(before, model.render(), (40, 940, 160, 1060)) > 1000


def test_typing_into_the_launcher_search_and_enter_opens_a_search_page():
    model = ScreenModel(W, H, DPI)
    model.type_text("weather")
    model.key(66)  # ENTER
    assert model.foreground == BROWSER
    assert model.snapshot().page.url == "https://www.google.com/search?q=weather"


def test_show_image_reads_the_file_through_the_device():
    red = Image.new("RGB", (400, 300), (255, 0, 0))
    import io

    buf = io.BytesIO()
    red.save(buf, format="PNG")
    model = ScreenModel(W, H, DPI, read_file=lambda path: buf.getvalue() if path == "/sdcard/a.png" else b"")
    model.show_image("/sdcard/a.png")
    assert model.render().getpixel((W // 2, H // 2)) == (255, 0, 0)


async def test_wait_changed_wakes_on_a_change_and_times_out_otherwise():
    model = ScreenModel(W, H, DPI)
    version = model.version
    started = time.monotonic()
    assert await model.wait_changed(version, timeout=0.1) == version
    assert time.monotonic() - started >= 0.09
    waiter = asyncio.create_task(model.wait_changed(version, timeout=5))
    await asyncio.sleep(0.05)
    model.post_notification("x", "t", "b")
    assert await asyncio.wait_for(waiter, 1) > version


def test_the_camera_viewfinder_moves():
    model = ScreenModel(W, H, DPI)
    model.open_camera()
    assert model.animating()
    first = model.render()
    time.sleep(0.2)
    assert differs(first, model.render(), (0, 0, W, H)) > 10_000


def _h264_roundtrip(image: Image.Image) -> Image.Image:
    codec = av.CodecContext.create("libx264", "w")
    codec.width, codec.height, codec.pix_fmt = image.width, image.height, "yuv420p"
    codec.time_base = Fraction(1, 1000)
    codec.options = {"preset": "ultrafast", "tune": "zerolatency", "crf": "35"}
    frame = av.VideoFrame.from_image(image).reformat(format="yuv420p")
    frame.pts = 0
    packets = list(codec.encode(frame)) + list(codec.encode(None))
    decoder = av.CodecContext.create("h264", "r")
    frames = [f for p in packets for f in decoder.decode(p)] + list(decoder.decode(None))
    return frames[0].to_image()


@pytest.mark.parametrize("scale", [1, 4])
def test_timestamp_survives_h264_and_downscaling(scale: int):
    model = ScreenModel(W, H, DPI)
    model.post_notification("t", "A busy frame", "with a notification over the strip")
    frame = model.render()
    stamp = draw_timestamp(frame, 1_732_000_000_123)
    if scale != 1:
        frame = frame.resize((W // scale, H // scale), Image.Resampling.BILINEAR)
    assert read_timestamp(_h264_roundtrip(frame)) == stamp


def test_frames_carry_no_timestamp_unless_enabled():
    model = ScreenModel(W, H, DPI)
    assert read_timestamp(model.render()) is None
    model.frame_timestamps = True
    assert model.animating()
    before = int(time.time() * 1000)
    assert before <= read_timestamp(model.render()) <= int(time.time() * 1000)
