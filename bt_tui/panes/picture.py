"""Half-block pictures: a frame drawn as ▀ cells (top pixel in the foreground, bottom in the background).

Built for the live screen, where a frame comes 25+ times a second: the frame is scaled to the pane's cell
size once (libswscale, before it ever becomes a PIL image), the strips are built in the stream's thread
(one segment per run of identical colour pairs, `Style` objects cached per pair across frames, so Rich's
ANSI codes are computed once per colour pair), and the widget only swaps the strips and repaints. Layout
happens only when the picture's size in cells changes.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

HALF = "▀"
STYLE_CACHE_SIZE = 65536
"""Colour pairs kept (a Style with its ANSI codes is ~1 KB; a busy picture uses a few thousand pairs)."""


class StyleCache:
    """Style per (top, bottom) colour pair, least recently used dropped first; safe for one writer thread."""

    def __init__(self, size: int = STYLE_CACHE_SIZE) -> None:
        self.size = size
        self._styles: OrderedDict[tuple[int, int], Style] = OrderedDict()

    def get(self, top: int, bottom: int) -> Style:
        key = (top, bottom)
        style = self._styles.get(key)
        if style is None:
            style = Style.from_color(
                Color.from_rgb(top >> 16, (top >> 8) & 0xFF, top & 0xFF),
                Color.from_rgb(bottom >> 16, (bottom >> 8) & 0xFF, bottom & 0xFF),
            )
            self._styles[key] = style
            if len(self._styles) > self.size:
                self._styles.popitem(last=False)
        return style

    def __len__(self) -> int:
        return len(self._styles)


def fit(source: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest size with the source's aspect ratio that fits in the box (at least 1×1)."""
    scale = min(box[0] / source[0], box[1] / source[1])
    return max(1, int(source[0] * scale)), max(1, int(source[1] * scale))


def half_block_strips(rgb: bytes, width: int, height: int, styles: StyleCache) -> list[Strip]:
    """Strips for an RGB24 picture `width` × `height` pixels (height even: two pixel rows per line)."""
    stride = width * 3
    strips: list[Strip] = []
    get = styles.get
    for top_row in range(0, height - 1, 2):
        top = top_row * stride
        bottom = top + stride
        segments: list[Segment] = []
        run_key: tuple[int, int] | None = None
        run = 0
        for x in range(0, stride, 3):
            t = (rgb[top + x] << 16) | (rgb[top + x + 1] << 8) | rgb[top + x + 2]
            b = (rgb[bottom + x] << 16) | (rgb[bottom + x + 1] << 8) | rgb[bottom + x + 2]
            if run_key is not None and run_key == (t, b):
                run += 1
                continue
            if run_key is not None:
                segments.append(Segment(HALF * run, get(*run_key)))
            run_key, run = (t, b), 1
        if run_key is not None:
            segments.append(Segment(HALF * run, get(*run_key)))
        strips.append(Strip(segments, width))
    return strips


class StripPicture(Widget):
    """A picture made of prepared lines (`_strips`), `_cells` wide and high: its size is the picture's,
    and each line is cropped to the width the layout gives it."""

    DEFAULT_CSS = """
    StripPicture {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._strips: list[Strip] = []
        self._cells = (0, 0)

    @property
    def cells(self) -> tuple[int, int]:
        return self._cells

    def _swap(self, strips: list[Strip], cells: tuple[int, int]) -> None:
        """Show new lines: a repaint, and a new layout only when the picture's size changed."""
        self._strips = strips
        if cells != self._cells:
            self._cells = cells
            self.refresh(layout=True)
        else:
            self.refresh()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._cells[0]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._cells[1]

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._strips):
            return self._strips[y].crop(0, self.size.width)
        return Strip.blank(self.size.width)


class HalfBlockPicture(StripPicture):
    """Shows prepared strips; `show()` swaps them in and repaints (a new layout only on a new size)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.image: Any = None
        """The last picture shown (a PIL image or None), for callers that want to know one is there."""

    def show(self, strips: list[Strip], image: Any = None) -> None:
        self.image = image
        self._swap(strips, (strips[0].cell_length if strips else 0, len(strips)))
