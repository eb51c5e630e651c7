"""Kitty graphics pictures for the live screen, encoded off the UI thread.

textual-image's Kitty widget encodes each picture (a PNG, base64) while Textual renders it, on the event
loop, so a key pressed during a frame waited 30–60 ms behind it. Here the stream's thread builds everything
a frame needs: the zlib-compressed RGB data in Kitty's chunked escapes with a virtual placement, and the
lines of Unicode placeholders that show it (Kitty's `U=1` placements: the picture sits in ordinary cells,
so Textual lays it out, clips and scrolls it like text). The UI thread only queues the escapes on Textual's
own output stream (ordered before the lines that show them) and swaps the lines in.
"""

from __future__ import annotations

import base64
import itertools
import random
import zlib
from collections.abc import Callable
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

ESCAPE_START = "\x1b_G"
ESCAPE_END = "\x1b\\"
PLACEHOLDER = chr(0x10EEEE)
CHUNK = 4096
"""Kitty takes the base64 data in chunks of at most 4096 bytes."""
# fmt: off
DIACRITICS = (
    0x00305, 0x0030d, 0x0030e, 0x00310, 0x00312, 0x0033d, 0x0033e, 0x0033f, 0x00346, 0x0034a, 0x0034b, 0x0034c,
    0x00350, 0x00351, 0x00352, 0x00357, 0x0035b, 0x00363, 0x00364, 0x00365, 0x00366, 0x00367, 0x00368, 0x00369,
    0x0036a, 0x0036b, 0x0036c, 0x0036d, 0x0036e, 0x0036f, 0x00483, 0x00484, 0x00485, 0x00486, 0x00487, 0x00592,
    0x00593, 0x00594, 0x00595, 0x00597, 0x00598, 0x00599, 0x0059c, 0x0059d, 0x0059e, 0x0059f, 0x005a0, 0x005a1,
    0x005a8, 0x005a9, 0x005ab, 0x005ac, 0x005af, 0x005c4, 0x00610, 0x00611, 0x00612, 0x00613, 0x00614, 0x00615,
    0x00616, 0x00617, 0x00657, 0x00658, 0x00659, 0x0065a, 0x0065b, 0x0065d, 0x0065e, 0x006d6, 0x006d7, 0x006d8,
    0x006d9, 0x006da, 0x006db, 0x006dc, 0x006df, 0x006e0, 0x006e1, 0x006e2, 0x006e4, 0x006e7, 0x006e8, 0x006eb,
    0x006ec, 0x00730, 0x00732, 0x00733, 0x00735, 0x00736, 0x0073a, 0x0073d, 0x0073f, 0x00740, 0x00741, 0x00743,
    0x00745, 0x00747, 0x00749, 0x0074a, 0x007eb, 0x007ec, 0x007ed, 0x007ee, 0x007ef, 0x007f0, 0x007f1, 0x007f3,
    0x00816, 0x00817, 0x00818, 0x00819, 0x0081b, 0x0081c, 0x0081d, 0x0081e, 0x0081f, 0x00820, 0x00821, 0x00822,
    0x00823, 0x00825, 0x00826, 0x00827, 0x00829, 0x0082a, 0x0082b, 0x0082c, 0x0082d, 0x00951, 0x00953, 0x00954,
    0x00f82, 0x00f83, 0x00f86, 0x00f87, 0x0135d, 0x0135e, 0x0135f, 0x017dd, 0x0193a, 0x01a17, 0x01a75, 0x01a76,
    0x01a77, 0x01a78, 0x01a79, 0x01a7a, 0x01a7b, 0x01a7c, 0x01b6b, 0x01b6d, 0x01b6e, 0x01b6f, 0x01b70, 0x01b71,
    0x01b72, 0x01b73, 0x01cd0, 0x01cd1, 0x01cd2, 0x01cda, 0x01cdb, 0x01ce0, 0x01dc0, 0x01dc1, 0x01dc3, 0x01dc4,
    0x01dc5, 0x01dc6, 0x01dc7, 0x01dc8, 0x01dc9, 0x01dcb, 0x01dcc, 0x01dd1, 0x01dd2, 0x01dd3, 0x01dd4, 0x01dd5,
    0x01dd6, 0x01dd7, 0x01dd8, 0x01dd9, 0x01dda, 0x01ddb, 0x01ddc, 0x01ddd, 0x01dde, 0x01ddf, 0x01de0, 0x01de1,
    0x01de2, 0x01de3, 0x01de4, 0x01de5, 0x01de6, 0x01dfe, 0x020d0, 0x020d1, 0x020d4, 0x020d5, 0x020d6, 0x020d7,
    0x020db, 0x020dc, 0x020e1, 0x020e7, 0x020e9, 0x020f0, 0x02cef, 0x02cf0, 0x02cf1, 0x02de0, 0x02de1, 0x02de2,
    0x02de3, 0x02de4, 0x02de5, 0x02de6, 0x02de7, 0x02de8, 0x02de9, 0x02dea, 0x02deb, 0x02dec, 0x02ded, 0x02dee,
    0x02def, 0x02df0, 0x02df1, 0x02df2, 0x02df3, 0x02df4, 0x02df5, 0x02df6, 0x02df7, 0x02df8, 0x02df9, 0x02dfa,
    0x02dfb, 0x02dfc, 0x02dfd, 0x02dfe, 0x02dff, 0x0a66f, 0x0a67c, 0x0a67d, 0x0a6f0, 0x0a6f1, 0x0a8e0, 0x0a8e1,
    0x0a8e2, 0x0a8e3, 0x0a8e4, 0x0a8e5, 0x0a8e6, 0x0a8e7, 0x0a8e8, 0x0a8e9, 0x0a8ea, 0x0a8eb, 0x0a8ec, 0x0a8ed,
    0x0a8ee, 0x0a8ef, 0x0a8f0, 0x0a8f1, 0x0aab0, 0x0aab2, 0x0aab3, 0x0aab7, 0x0aab8, 0x0aabe, 0x0aabf, 0x0aac1,
    0x0fe20, 0x0fe21, 0x0fe22, 0x0fe23, 0x0fe24, 0x0fe25, 0x0fe26, 0x10a0f, 0x10a38, 0x1d185, 0x1d186, 0x1d187,
    0x1d188, 0x1d189, 0x1d1aa, 0x1d1ab, 0x1d1ac, 0x1d1ad, 0x1d242, 0x1d243, 0x1d244,
)
"""Kitty's row/column diacritics for Unicode placeholders (rowcolumn-diacritics.txt), in order."""
# fmt: on
MAX_CELLS = len(DIACRITICS)

_ids = itertools.count(random.randint(1, 2**31))
"""Image ids: from a random start, so two bt windows in one terminal rarely clash (the terminal never tells
a Textual app which ids are free: its input thread owns stdin)."""


def next_image_id() -> int:
    """A 32-bit image id whose low 24 bits (the placeholder's colour) are not zero."""
    while True:
        image_id = next(_ids) % 2**32
        if image_id & 0xFFFFFF:
            return image_id


def escape(payload: str = "", **keys: int | str) -> str:
    return (
        f"{ESCAPE_START}{','.join(f'{k}={v}' for k, v in keys.items())}{';' + payload if payload else ''}{ESCAPE_END}"
    )


class KittyFrame(NamedTuple):
    """One picture ready to paint: escapes to queue on the terminal, then the lines that show it."""

    image_id: int
    payload: str
    strips: list[Strip]
    cells: tuple[int, int]


def cells_for(pixels: tuple[int, int], cell: tuple[int, int]) -> tuple[int, int]:
    """Cells a picture of `pixels` takes with `cell`-sized cells (rounded, at least 1, at most Kitty's limit)."""
    return (
        max(1, min(MAX_CELLS, round(pixels[0] / cell[0]))),
        max(1, min(MAX_CELLS, round(pixels[1] / cell[1]))),
    )


def kitty_frame(rgb: bytes, pixels: tuple[int, int], cells: tuple[int, int], image_id: int) -> KittyFrame:
    """Encode an RGB24 picture for Kitty's graphics protocol (zlib level 1: half the bytes of the raw data at
    half the cost of a PNG) with a virtual placement `cells` wide and high, and its placeholder lines."""
    data = base64.b64encode(zlib.compress(rgb, 1)).decode("ascii")
    width, height = pixels
    parts: list[str] = []
    for start in range(0, len(data), CHUNK):
        more = 1 if start + CHUNK < len(data) else 0
        if start == 0:
            parts.append(escape(data[:CHUNK], a="t", f=24, s=width, v=height, o="z", i=image_id, q=2, m=more))
        else:
            parts.append(escape(data[start : start + CHUNK], m=more))
    parts.append(escape(a="p", U=1, i=image_id, c=cells[0], r=cells[1], q=2))
    return KittyFrame(image_id, "".join(parts), placeholder_strips(image_id, cells), cells)


def placeholder_strips(image_id: int, cells: tuple[int, int]) -> list[Strip]:
    """Lines of placeholder cells: the colour carries the id's low 24 bits, a third diacritic its high byte."""
    style = Style(color=f"rgb({(image_id >> 16) & 255},{(image_id >> 8) & 255},{image_id & 255})")
    high = chr(DIACRITICS[(image_id >> 24) & 255])
    columns = [chr(DIACRITICS[c]) + high for c in range(cells[0])]
    strips = []
    for r in range(cells[1]):
        row = PLACEHOLDER + chr(DIACRITICS[r])
        strips.append(Strip([Segment("".join(row + column for column in columns), style)], cells[0]))
    return strips


def delete(image_id: int) -> str:
    """Escape freeing an image and its placements in the terminal."""
    return escape(a="d", d="I", i=image_id, q=2)


def terminal_writer(widget: Widget) -> Callable[[str], None] | None:
    """Textual's own output queue (the driver's writer thread), so escapes reach the terminal in order with
    the screen updates; Textual has no public call for raw output (`App.copy_to_clipboard` uses the same)."""
    driver = widget.app._driver
    return None if driver is None else driver.write


class KittyPicture(Widget):
    """Shows prepared Kitty frames: `show()` queues the picture's escapes and swaps in its placeholder lines;
    older pictures are freed once the screen shows the new one."""

    DEFAULT_CSS = """
    KittyPicture {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._strips: list[Strip] = []
        self._cells = (0, 0)
        self._live: list[int] = []
        """Ids sent to the terminal and not freed yet (the last one is on screen)."""
        self.sent_bytes = 0
        """Escape bytes queued for the terminal so far."""
        self.image_id: int | None = None
        """The picture shown (None before the first)."""

    @property
    def cells(self) -> tuple[int, int]:
        return self._cells

    def show(self, frame: KittyFrame) -> None:
        write = terminal_writer(self)
        if write is not None:
            write(frame.payload)
        self.sent_bytes += len(frame.payload)
        self._live.append(frame.image_id)
        self.image_id = frame.image_id
        self._strips = frame.strips
        if frame.cells != self._cells:
            self._cells = frame.cells
            self.refresh(layout=True)
        else:
            self.refresh()
        self.call_after_refresh(self._free, keep=frame.image_id)

    def _free(self, keep: int | None = None) -> None:
        """Free the pictures sent before `keep` (the one a refresh has just painted), or all of them."""
        index = self._live.index(keep) if keep in self._live else len(self._live)
        old, self._live = self._live[:index], self._live[index:]
        write = terminal_writer(self)
        if write is not None and old:
            write("".join(delete(image_id) for image_id in old))

    def on_unmount(self) -> None:
        self._free()

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self._cells[0]

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._cells[1]

    def render_line(self, y: int) -> Strip:
        if 0 <= y < len(self._strips):
            return self._strips[y].crop(0, self.size.width)
        return Strip.blank(self.size.width)
