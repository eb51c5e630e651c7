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
from textual.strip import Strip
from textual.widget import Widget
from textual_image.renderable.tgp import _NUMBER_TO_DIACRITIC

from bt_tui.panes.picture import StripPicture

ESCAPE_START = "\x1b_G"
ESCAPE_END = "\x1b\\"
PLACEHOLDER = chr(0x10EEEE)
CHUNK = 4096
"""Kitty takes the base64 data in chunks of at most 4096 bytes."""
# Kitty's row/column diacritics for Unicode placeholders (its rowcolumn-diacritics.txt, in order), as
# textual-image, which draws the other graphics modes, already carries them.
DIACRITICS: tuple[int, ...] = tuple(_NUMBER_TO_DIACRITIC)
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


class KittyPicture(StripPicture):
    """Shows prepared Kitty frames: `show()` queues the picture's escapes and swaps in its placeholder lines;
    older pictures are freed once the screen shows the new one."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._live: list[int] = []
        """Ids sent to the terminal and not freed yet (the last one is on screen)."""
        self.sent_bytes = 0
        """Escape bytes queued for the terminal so far."""
        self.image_id: int | None = None
        """The picture shown (None before the first)."""

    def show(self, frame: KittyFrame) -> None:
        write = terminal_writer(self)
        if write is not None:
            write(frame.payload)
        self.sent_bytes += len(frame.payload)
        self._live.append(frame.image_id)
        self.image_id = frame.image_id
        self._swap(frame.strips, frame.cells)
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
