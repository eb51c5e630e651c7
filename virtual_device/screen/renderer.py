"""Pillow renderer: a believable phone UI drawn from a ScreenSnapshot.

Speed matters (screenrecord renders up to 60 fps), so everything static (wallpaper with icons, browser
pages, keyboard, status-bar variants, notification cards, the camera scene) is drawn once and cached;
a frame is one copy of a cached base plus a few small pastes and shapes.
"""

from __future__ import annotations

import math
import threading
import time
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from PIL import Image, ImageDraw, ImageFont

from virtual_device.screen import layout as lay_mod
from virtual_device.screen.layout import Layout, app_colour, app_label
from virtual_device.screen.model import HEADS_UP_SECONDS, TOUCH_SECONDS, Page, ScreenSnapshot
from virtual_device.screen.timestamp import draw_timestamp

_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF")

WHITE = (255, 255, 255)
INK = (32, 33, 36)
MUTED = (95, 99, 104)
SURFACE = (248, 249, 250)
ACCENT = (26, 115, 232)


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu if the system has it, else Pillow's bundled TrueType font (Pillow >= 10.1)."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in _FONT_DIRS:
        try:
            return ImageFont.truetype(f"{folder}/{name}", size)
        except OSError:
            continue
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # very old Pillow: bitmap font, small but legible
        return ImageFont.load_default()


def _fit(draw: ImageDraw.ImageDraw, text: str, fnt, max_w: int) -> str:
    """Ellipsize text that would overflow max_w pixels."""
    if draw.textlength(text, font=fnt) <= max_w:
        return text
    while text and draw.textlength(text + "…", font=fnt) > max_w:
        text = text[:-1]
    return text + "…"


def _wrap(draw: ImageDraw.ImageDraw, text: str, fnt, max_w: int, max_lines: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=fnt) <= max_w or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit(draw, lines[-1] + " …", fnt, max_w)
    return [_fit(draw, ln, fnt, max_w) for ln in lines]


class Renderer:
    """Draws frames for one screen size; caches are per instance and thread-safe."""

    def __init__(self, width: int, height: int, density: int) -> None:
        self.lay = Layout(width, height, density)
        self.width, self.height = width, height
        self._lock = threading.Lock()
        self._cache: dict[tuple, Image.Image] = {}

    # -- public ------------------------------------------------------------------------------------
    def render(self, snap: ScreenSnapshot, now: float | None = None, timestamps: bool | None = None) -> Image.Image:
        """An RGB frame of what the screen shows at monotonic time `now`."""
        now = time.monotonic() if now is None else now
        if (snap.width, snap.height, snap.density) != (self.width, self.height, self.lay.density):
            return Renderer(snap.width, snap.height, snap.density).render(snap, now, timestamps)
        if not snap.screen_on:
            frame = self._cached(("off",), lambda: Image.new("RGB", (self.width, self.height), (0, 0, 0))).copy()
        else:
            frame = self._page(snap, now)
            dark = snap.page.kind in ("camera", "image")
            home = snap.page.kind == "home" and not snap.page.focused
            self._status_bar(frame, snap, dark=dark or home)
            if snap.page.focused:
                self._keyboard(frame)
            self._nav_bar(frame, dark=dark or home)
            if snap.shade_open:
                self._shade(frame, snap)
            else:
                self._heads_up(frame, snap, now)
            self._touches(frame, snap, now)
        if timestamps if timestamps is not None else snap.extra.get("frame_timestamps"):
            draw_timestamp(frame)
        return frame

    # -- caching -----------------------------------------------------------------------------------
    def _cached(self, key: tuple, build) -> Image.Image:
        with self._lock:
            image = self._cache.get(key)
        if image is None:
            image = build()
            with self._lock:
                if len(self._cache) > 48:  # pages per URL, cards per notification: keep it bounded
                    for old in list(self._cache)[:16]:
                        del self._cache[old]
                self._cache[key] = image
        return image

    # -- pages -------------------------------------------------------------------------------------
    def _page(self, snap: ScreenSnapshot, now: float) -> Image.Image:
        page = snap.page
        if page.kind == "home":
            frame = self._cached(("home",), self._build_home).copy()
            self._home_search(frame, page)
            if not page.focused:
                self._glance(frame, snap)
            return frame
        if page.kind == "browser":
            frame = self._cached(("browser", page.url), lambda: self._build_browser(page.url)).copy()
            self._address_bar(frame, page)
            return frame
        if page.kind == "camera":
            return self._camera(now)
        if page.kind == "image":
            return self._image_viewer(page, snap.image)
        if page.kind == "recents":
            return self._recents(snap)
        frame = self._cached(("app", page.package, page.activity), lambda: self._build_app(page)).copy()
        self._app_field(frame, page)
        return frame

    def _build_home(self) -> Image.Image:
        w, h, lay = self.width, self.height, self.lay
        top = Image.new("RGB", (w, h), (32, 60, 120))
        bottom = Image.new("RGB", (w, h), (222, 132, 96))
        mask = Image.linear_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
        frame = Image.composite(bottom, top, mask)
        draw = ImageDraw.Draw(frame)
        # soft hills, a cheap wallpaper motif
        for i, colour in enumerate(((74, 86, 140), (96, 98, 150), (130, 104, 140))):
            cy = int(h * (0.72 + 0.06 * i))
            draw.ellipse((-w // 2 + i * w // 3, cy, w + w // 2 - i * w // 5, cy + h), fill=colour)
        label_font = font(lay.dp(13))
        for box, (label, _pkg, _act, colour) in lay.app_cells():
            self._icon(draw, box, colour, label[0])
            if box[1] < lay.dock_row_y():  # the dock has no labels, like the Pixel launcher
                cx = (box[0] + box[2]) // 2
                draw.text((cx, box[3] + lay.dp(8)), label, font=label_font, fill=WHITE, anchor="mt")
        return frame

    def _icon(self, draw: ImageDraw.ImageDraw, box, colour, letter: str) -> None:
        draw.ellipse(box, fill=colour)
        inner = (box[2] - box[0]) // 2
        draw.text(
            ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2),
            letter,
            font=font(inner, bold=True),
            fill=WHITE,
            anchor="mm",
        )

    def _glance(self, frame: Image.Image, snap: ScreenSnapshot) -> None:
        lay = self.lay
        when = datetime.fromtimestamp(snap.clock)
        date = when.strftime("%A, %b ") + str(when.day)
        draw = ImageDraw.Draw(frame)
        draw.text((lay.dp(24), lay.status_h + lay.dp(32)), date, font=font(lay.dp(22)), fill=WHITE)

    def _home_search(self, frame: Image.Image, page: Page) -> None:
        lay = self.lay
        box = lay.search_bar(page.focused)
        draw = ImageDraw.Draw(frame)
        if page.focused:  # the search overlay covers the launcher
            draw.rectangle((0, 0, self.width, self.height), fill=(241, 243, 244))
        draw.rounded_rectangle(box, radius=(box[3] - box[1]) // 2, fill=WHITE if page.focused else (235, 238, 244))
        cy = (box[1] + box[3]) // 2
        draw.text((box[0] + lay.dp(28), cy), "G", font=font(lay.dp(24), bold=True), fill=(66, 133, 244), anchor="mm")
        self._field_text(draw, page, (box[0] + lay.dp(52), box[1], box[2] - lay.dp(20), box[3]), "Search")

    def _field_text(self, draw: ImageDraw.ImageDraw, page: Page, box, placeholder: str) -> None:
        lay = self.lay
        fnt = font(lay.dp(18))
        cy = (box[1] + box[3]) // 2
        max_w = box[2] - box[0] - lay.dp(8)
        if page.text:
            shown = page.text
            while shown and draw.textlength(shown, font=fnt) > max_w:  # keep the end, like a real field
                shown = shown[1:]
            draw.text((box[0], cy), shown, font=fnt, fill=INK, anchor="lm")
            end = box[0] + draw.textlength(shown, font=fnt)
        else:
            draw.text((box[0], cy), placeholder, font=fnt, fill=MUTED, anchor="lm")
            end = box[0]
        if page.focused:
            draw.line((end + 3, cy - lay.dp(12), end + 3, cy + lay.dp(12)), fill=ACCENT, width=max(2, lay.dp(2)))

    def _build_browser(self, url: str) -> Image.Image:
        w, h, lay = self.width, self.height, self.lay
        frame = Image.new("RGB", (w, h), WHITE)
        draw = ImageDraw.Draw(frame)
        draw.rectangle((0, 0, w, lay.status_h + lay.toolbar_h), fill=(241, 243, 244))
        ty = lay.status_h + lay.toolbar_h // 2
        draw.text((lay.dp(28), ty), "⌂", font=font(lay.dp(26)), fill=MUTED, anchor="mm")
        draw.rounded_rectangle(
            (w - lay.dp(44), ty - lay.dp(12), w - lay.dp(20), ty + lay.dp(12)),
            radius=lay.dp(4),
            outline=MUTED,
            width=lay.dp(2),
        )
        draw.text((w - lay.dp(32), ty), "1", font=font(lay.dp(13), bold=True), fill=MUTED, anchor="mm")
        parts = urlsplit(url if "://" in url else f"http://{url}")
        host = parts.hostname or url
        path = parts.path or "/"
        body_top = lay.status_h + lay.toolbar_h
        margin = lay.dp(24)
        draw.rectangle((0, body_top, w, body_top + lay.dp(200)), fill=app_colour(host))
        draw.text(
            (margin, body_top + lay.dp(100)),
            _fit(draw, host, font(lay.dp(30), True), w - 2 * margin),
            font=font(lay.dp(30), bold=True),
            fill=WHITE,
            anchor="lm",
        )
        y = body_top + lay.dp(232)
        for line in _wrap(draw, path + (f"?{parts.query}" if parts.query else ""), font(lay.dp(22)), w - 2 * margin, 3):
            draw.text((margin, y), line, font=font(lay.dp(22)), fill=INK)
            y += lay.dp(32)
        y += lay.dp(24)
        for i in range(8):  # placeholder paragraphs
            width = w - 2 * margin - (i * 97 % 5) * lay.dp(30)
            draw.rounded_rectangle((margin, y, margin + width, y + lay.dp(14)), radius=lay.dp(7), fill=(232, 234, 237))
            y += lay.dp(30)
        return frame

    def _address_bar(self, frame: Image.Image, page: Page) -> None:
        lay = self.lay
        box = lay.address_bar()
        draw = ImageDraw.Draw(frame)
        draw.rounded_rectangle(box, radius=(box[3] - box[1]) // 2, fill=WHITE if page.focused else (226, 230, 234))
        inner = (box[0] + lay.dp(16), box[1], box[2] - lay.dp(12), box[3])
        if page.focused:
            self._field_text(draw, page, inner, "Search or type URL")
        else:
            fnt = font(lay.dp(17))
            shown = page.url.split("://", 1)[-1]
            draw.text(
                (inner[0], (box[1] + box[3]) // 2),
                _fit(draw, shown, fnt, inner[2] - inner[0]),
                font=fnt,
                fill=INK,
                anchor="lm",
            )

    def _build_app(self, page: Page) -> Image.Image:
        w, h, lay = self.width, self.height, self.lay
        colour = app_colour(page.package)
        frame = Image.new("RGB", (w, h), SURFACE)
        draw = ImageDraw.Draw(frame)
        draw.rectangle((0, 0, w, lay.status_h + lay.dp(64)), fill=colour)
        draw.text(
            (lay.dp(24), lay.status_h + lay.dp(32)),
            app_label(page.package),
            font=font(lay.dp(24), bold=True),
            fill=WHITE,
            anchor="lm",
        )
        short = page.activity.rsplit(".", 1)[-1] if page.activity else page.package
        y = lay.status_h + lay.dp(88)
        draw.text(
            (lay.dp(24), y), _fit(draw, short, font(lay.dp(18)), w - lay.dp(48)), font=font(lay.dp(18)), fill=MUTED
        )
        draw.text(
            (lay.dp(24), y + lay.dp(32)),
            _fit(draw, page.package, font(lay.dp(14)), w - lay.dp(48)),
            font=font(lay.dp(14)),
            fill=MUTED,
        )
        y = lay.app_field()[3] + lay.dp(32)
        for i in range(6):  # list rows
            draw.ellipse((lay.dp(24), y, lay.dp(64), y + lay.dp(40)), fill=colour)
            draw.rounded_rectangle(
                (lay.dp(80), y + lay.dp(6), w - lay.dp(24) - i * lay.dp(20), y + lay.dp(18)),
                radius=lay.dp(6),
                fill=(218, 220, 224),
            )
            draw.rounded_rectangle(
                (lay.dp(80), y + lay.dp(26), w - lay.dp(120), y + lay.dp(34)), radius=lay.dp(4), fill=(232, 234, 237)
            )
            y += lay.dp(64)
        return frame

    def _app_field(self, frame: Image.Image, page: Page) -> None:
        lay = self.lay
        box = lay.app_field()
        draw = ImageDraw.Draw(frame)
        draw.rounded_rectangle(
            box, radius=lay.dp(8), fill=WHITE, outline=ACCENT if page.focused else MUTED, width=lay.dp(2)
        )
        self._field_text(draw, page, (box[0] + lay.dp(16), box[1], box[2] - lay.dp(16), box[3]), "Type here")

    def _build_camera_scene(self) -> Image.Image:
        w, h = self.width, self.height
        scene_w = w * 3 // 2
        sky = Image.new("RGB", (scene_w, h), (110, 170, 230))
        ground = Image.new("RGB", (scene_w, h), (70, 110, 60))
        mask = Image.linear_gradient("L").resize((scene_w, h)).point(lambda v: 255 if v > 140 else 0)
        scene = Image.composite(ground, sky, mask)
        draw = ImageDraw.Draw(scene)
        for i in range(9):  # houses and trees along the horizon
            x = i * scene_w // 9 + 20
            base = int(h * 0.55)
            if i % 2:
                draw.rectangle((x, base - 260, x + 220, base), fill=(200 - i * 9, 120 + i * 7, 90))
                draw.polygon(((x - 20, base - 260), (x + 110, base - 380), (x + 240, base - 260)), fill=(120, 50, 40))
            else:
                draw.rectangle((x + 90, base - 120, x + 130, base), fill=(90, 60, 30))
                draw.ellipse((x, base - 420, x + 220, base - 100), fill=(40, 120 + i * 8, 50))
        draw.ellipse((scene_w * 3 // 4, h // 10, scene_w * 3 // 4 + 220, h // 10 + 220), fill=(255, 230, 120))
        return scene

    def _camera(self, now: float) -> Image.Image:
        w, h, lay = self.width, self.height, self.lay
        scene = self._cached(("camera",), self._build_camera_scene)
        offset = int((math.sin(now * 0.7) + 1) / 2 * (scene.width - w))
        frame = scene.crop((offset, 0, offset + w, h))
        draw = ImageDraw.Draw(frame)
        bx = int((math.sin(now * 2.1) + 1) / 2 * (w - lay.dp(80)))
        by = int(h * 0.62 + math.cos(now * 3.3) * h * 0.05)
        draw.ellipse((bx, by, bx + lay.dp(80), by + lay.dp(80)), fill=(230, 60, 60))
        draw.rectangle((0, 0, w, lay.status_h + lay.dp(40)), fill=(0, 0, 0))
        bottom = h - lay.nav_h - lay.dp(150)
        draw.rectangle((0, bottom, w, h), fill=(0, 0, 0))
        cx, cy, r = w // 2, bottom + lay.dp(70), lay.dp(36)
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE, outline=(180, 180, 180), width=lay.dp(4))
        draw.ellipse((lay.dp(40), cy - lay.dp(22), lay.dp(84), cy + lay.dp(22)), fill=(60, 60, 60))
        third = w // 3
        for x in (third, 2 * third):  # rule-of-thirds grid
            draw.line((x, lay.status_h + lay.dp(40), x, bottom), fill=(255, 255, 255), width=1)
        for y in (h // 3, 2 * h // 3):
            draw.line((0, y, w, y), fill=(255, 255, 255), width=1)
        return frame

    def _image_viewer(self, page: Page, image) -> Image.Image:
        def build() -> Image.Image:
            frame = Image.new("RGB", (self.width, self.height), (0, 0, 0))
            if image is None:
                draw = ImageDraw.Draw(frame)
                draw.text(
                    (self.width // 2, self.height // 2),
                    "Can't load image",
                    font=font(self.lay.dp(20)),
                    fill=WHITE,
                    anchor="mm",
                )
                return frame
            fitted = image.copy()
            fitted.thumbnail((self.width, self.height - 2 * self.lay.status_h), Image.Resampling.BILINEAR)
            if fitted.width < self.width and fitted.height < self.height - 2 * self.lay.status_h:
                scale = min(self.width / fitted.width, (self.height - 2 * self.lay.status_h) / fitted.height)
                fitted = image.resize((int(image.width * scale), int(image.height * scale)))
            frame.paste(fitted, ((self.width - fitted.width) // 2, (self.height - fitted.height) // 2))
            return frame

        return self._cached(("image", page.image_path, id(image)), build).copy()

    def _recents(self, snap: ScreenSnapshot) -> Image.Image:
        w, h, lay = self.width, self.height, self.lay
        frame = Image.new("RGB", (w, h), (40, 42, 46))
        draw = ImageDraw.Draw(frame)
        if not snap.recents:
            draw.text((w // 2, h // 2), "No recent items", font=font(lay.dp(20)), fill=WHITE, anchor="mm")
            return frame
        card_w, card_h = int(w * 0.7), int(h * 0.6)
        top = (h - card_h) // 2
        for i, page in enumerate(reversed(snap.recents[-3:])):
            x = (w - card_w) // 2 - i * (card_w + lay.dp(16))
            if x + card_w < 0:
                break
            draw.rounded_rectangle((x, top, x + card_w, top + card_h), radius=lay.dp(20), fill=SURFACE)
            draw.rounded_rectangle(
                (x, top, x + card_w, top + lay.dp(64)), radius=lay.dp(20), fill=app_colour(page.package)
            )
            self._icon(
                draw,
                (x + card_w // 2 - lay.dp(20), top - lay.dp(56), x + card_w // 2 + lay.dp(20), top - lay.dp(16)),
                app_colour(page.package),
                app_label(page.package)[0],
            )
            draw.text(
                (x + lay.dp(20), top + lay.dp(32)),
                app_label(page.package),
                font=font(lay.dp(18), True),
                fill=WHITE,
                anchor="lm",
            )
        return frame

    # -- overlays ----------------------------------------------------------------------------------
    def _status_bar(self, frame: Image.Image, snap: ScreenSnapshot, dark: bool) -> None:
        clock = datetime.fromtimestamp(snap.clock).strftime("%H:%M")
        packages = tuple(dict.fromkeys(n.package for n in snap.notifications))[:4]
        key = ("status", clock, snap.battery_level, snap.charging, snap.wifi, packages, dark)
        bar = self._cached(
            key, lambda: self._build_status(clock, snap.battery_level, snap.charging, snap.wifi, packages, dark)
        )
        frame.paste(bar, (0, 0), bar)

    def _build_status(self, clock: str, level: int, charging: bool, wifi: bool, packages, dark: bool):
        w, lay = self.width, self.lay
        bar = Image.new("RGBA", (w, lay.status_h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(bar)
        ink = WHITE if dark else INK
        cy = lay.status_h // 2
        fnt = font(lay.dp(15))
        draw.text((lay.dp(20), cy), clock, font=fnt, fill=ink, anchor="lm")
        x = lay.dp(20) + int(draw.textlength(clock, font=fnt)) + lay.dp(10)
        for package in packages:  # notification icons
            draw.ellipse((x, cy - lay.dp(7), x + lay.dp(14), cy + lay.dp(7)), fill=app_colour(package))
            x += lay.dp(20)
        # battery: outline, fill by level, bolt when charging, percentage
        bw, bh = lay.dp(12), lay.dp(20)
        bx = w - lay.dp(20) - bw - lay.dp(40)
        draw.rectangle((bx + bw // 3, cy - bh // 2 - lay.dp(2), bx + bw - bw // 3, cy - bh // 2), fill=ink)
        draw.rectangle((bx, cy - bh // 2, bx + bw, cy + bh // 2), outline=ink, width=max(1, lay.dp(1.5)))
        fill_h = int((bh - 4) * max(0, min(100, level)) / 100)
        colour = (52, 168, 83) if charging else ((234, 67, 53) if level <= 15 else ink)
        draw.rectangle((bx + 2, cy + bh // 2 - 2 - fill_h, bx + bw - 2, cy + bh // 2 - 2), fill=colour)
        if charging:
            s = lay.dp(1)
            draw.polygon(
                (
                    (bx + bw // 2 + s, cy - 7 * s),
                    (bx + 2 * s, cy + s),
                    (bx + bw // 2, cy + s),
                    (bx + bw // 2 - s, cy + 7 * s),
                    (bx + bw - 2 * s, cy - s),
                    (bx + bw // 2, cy - s),
                ),
                fill=WHITE if not dark else INK,
            )
        draw.text((w - lay.dp(16), cy), f"{level}%", font=font(lay.dp(13)), fill=ink, anchor="rm")
        if wifi:  # a wedge of arcs, like the Wi-Fi glyph
            wx, r = bx - lay.dp(30), lay.dp(14)
            for i, radius in enumerate((r, r * 2 // 3, r // 3)):
                draw.pieslice(
                    (wx - radius, cy + lay.dp(6) - radius, wx + radius, cy + lay.dp(6) + radius),
                    225,
                    315,
                    fill=ink if i % 2 == 0 else (0, 0, 0, 0),
                )
        return bar

    def _nav_bar(self, frame: Image.Image, dark: bool) -> None:
        lay = self.lay
        draw = ImageDraw.Draw(frame)
        cy = self.height - lay.nav_h // 2
        half = lay.dp(54)
        draw.rounded_rectangle(
            (self.width // 2 - half, cy - lay.dp(2), self.width // 2 + half, cy + lay.dp(2)),
            radius=lay.dp(2),
            fill=WHITE if dark else INK,
        )

    def _keyboard(self, frame: Image.Image) -> None:
        keyboard = self._cached(("keyboard",), self._build_keyboard)
        frame.paste(keyboard, (0, self.height - self.lay.nav_h - keyboard.height))

    def _build_keyboard(self) -> Image.Image:
        w, lay = self.width, self.lay
        kb = Image.new("RGB", (w, lay.keyboard_h + lay.nav_h), (232, 234, 237))
        draw = ImageDraw.Draw(kb)
        rows = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
        key_w, key_h, gap = w // 10, lay.dp(52), lay.dp(6)
        for r, row in enumerate(rows):
            x0 = (w - len(row) * key_w) // 2
            y = lay.dp(12) + r * (key_h + gap)
            for i, ch in enumerate(row):
                box = (x0 + i * key_w + gap // 2, y, x0 + (i + 1) * key_w - gap // 2, y + key_h)
                draw.rounded_rectangle(box, radius=lay.dp(6), fill=WHITE)
                draw.text(
                    ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2), ch, font=font(lay.dp(20)), fill=INK, anchor="mm"
                )
        y = lay.dp(12) + 3 * (key_h + gap)
        draw.rounded_rectangle((w // 4, y, 3 * w // 4, y + key_h), radius=lay.dp(6), fill=WHITE)
        draw.rounded_rectangle((3 * w // 4 + gap, y, w - gap, y + key_h), radius=lay.dp(6), fill=ACCENT)
        draw.text(((7 * w // 8), y + key_h // 2), "↵", font=font(lay.dp(22)), fill=WHITE, anchor="mm")
        return kb

    def _card(self, notification) -> Image.Image:
        def build() -> Image.Image:
            lay = self.lay
            w = self.width - 2 * lay.dp(8)
            card = Image.new("RGBA", (w, lay.dp(112)), (0, 0, 0, 0))
            draw = ImageDraw.Draw(card)
            draw.rounded_rectangle(
                (0, 0, w - 1, card.height - 1),
                radius=lay.dp(24),
                fill=(250, 250, 252, 255),
                outline=(200, 200, 205, 255),
                width=2,
            )
            colour = app_colour(notification.package)
            draw.ellipse((lay.dp(16), lay.dp(16), lay.dp(40), lay.dp(40)), fill=colour)
            when = datetime.fromtimestamp(notification.when).strftime("%H:%M")
            head = f"{app_label(notification.package)} • {when}"
            draw.text((lay.dp(52), lay.dp(28)), head, font=font(lay.dp(13)), fill=MUTED, anchor="lm")
            text_w = w - lay.dp(68)
            draw.text(
                (lay.dp(52), lay.dp(50)),
                _fit(draw, notification.title, font(lay.dp(18), True), text_w),
                font=font(lay.dp(18), bold=True),
                fill=INK,
                anchor="lm",
            )
            draw.text(
                (lay.dp(52), lay.dp(80)),
                _fit(draw, notification.text, font(lay.dp(16)), text_w),
                font=font(lay.dp(16)),
                fill=INK,
                anchor="lm",
            )
            return card

        key = ("card", notification.tag, notification.posted_at, notification.title, notification.text)
        return self._cached(key, build)

    def _heads_up(self, frame: Image.Image, snap: ScreenSnapshot, now: float) -> None:
        showing = [
            n
            for n in snap.notifications
            if n.importance >= 4 and 0 <= now - n.posted_at < HEADS_UP_SECONDS + 0.3  # heads-up: HIGH only
        ]
        if not showing:
            return
        n = showing[0]  # the newest
        age = now - n.posted_at
        card = self._card(n)
        rest = self.lay.status_h // 2
        if age < 0.2:  # slide in, but stay readable from the first frame
            y = int(rest - (1 - age / 0.2) * card.height * 0.25)
        elif age > HEADS_UP_SECONDS:  # slide out upwards
            y = int(rest - (age - HEADS_UP_SECONDS) / 0.3 * (card.height + rest))
        else:
            y = rest
        frame.paste(card, (self.lay.dp(8), y), card)

    def _shade(self, frame: Image.Image, snap: ScreenSnapshot) -> None:
        lay, w = self.lay, self.width
        draw = ImageDraw.Draw(frame)
        tiles_h = lay.dp(120)
        cards = [self._card(n) for n in snap.notifications[:8]]
        height = lay.status_h + tiles_h + sum(c.height + lay.dp(8) for c in cards) + lay.dp(48)
        draw.rounded_rectangle((0, -lay.dp(24), w, height), radius=lay.dp(24), fill=(32, 33, 36))
        clock = datetime.fromtimestamp(snap.clock).strftime("%H:%M")
        draw.text((lay.dp(20), lay.status_h // 2), clock, font=font(lay.dp(15)), fill=WHITE, anchor="lm")
        tile_w = (w - 5 * lay.dp(12)) // 4
        for i, name in enumerate(("Internet", "Bluetooth", "Flashlight", "Do Not Disturb")):
            x = lay.dp(12) + i * (tile_w + lay.dp(12))
            y = lay.status_h + lay.dp(16)
            on = i == 0 and snap.wifi
            draw.rounded_rectangle(
                (x, y, x + tile_w, y + lay.dp(72)), radius=lay.dp(20), fill=(168, 199, 250) if on else (60, 64, 67)
            )
            draw.text(
                (x + tile_w // 2, y + lay.dp(36)),
                _fit(draw, name, font(lay.dp(12)), tile_w - lay.dp(8)),
                font=font(lay.dp(12)),
                fill=INK if on else WHITE,
                anchor="mm",
            )
        y = lay.status_h + tiles_h
        for card in cards:
            frame.paste(card, (lay.dp(8), y), card)
            y += card.height + lay.dp(8)
        if not cards:
            draw.text((w // 2, y + lay.dp(16)), "No notifications", font=font(lay.dp(16)), fill=WHITE, anchor="mm")

    def _touches(self, frame: Image.Image, snap: ScreenSnapshot, now: float) -> None:
        lay = self.lay
        draw = ImageDraw.Draw(frame)
        for touch in snap.touches:
            age = now - touch.at
            if age < 0:
                continue
            if len(touch.points) == 1:
                if age > TOUCH_SECONDS:
                    continue
                (x, y) = touch.points[0]
                r = lay.dp(24) + int(lay.dp(16) * age / TOUCH_SECONDS)
                draw.ellipse((x - r, y - r, x + r, y + r), fill=(210, 214, 220), outline=(90, 90, 100), width=lay.dp(3))
            else:
                if age > touch.duration + TOUCH_SECONDS:
                    continue
                (x1, y1), (x2, y2) = touch.points
                f = min(1.0, age / touch.duration) if touch.duration > 0 else 1.0
                fx, fy = int(x1 + (x2 - x1) * f), int(y1 + (y2 - y1) * f)
                draw.line((x1, y1, fx, fy), fill=(210, 214, 220), width=lay.dp(10))
                r = lay.dp(20)
                draw.ellipse(
                    (fx - r, fy - r, fx + r, fy + r), fill=(210, 214, 220), outline=(90, 90, 100), width=lay.dp(3)
                )


def hit_test(*args, **kwargs):  # re-export for callers that only import the renderer
    return lay_mod.hit_test(*args, **kwargs)
