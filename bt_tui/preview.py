"""A file's preview: text in a read-only editor (capped), a picture drawn in the terminal, else what it is.

The Files tab downloads a device file to a folder under bt's data dir first (`preview_folder`), through
the same transfer path as any download, so the transcript records it; a local file is read in place.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

TEXT_CAP = 256 * 1024
"""Bytes of a text file shown; the rest is left out (the title says so)."""
DOWNLOAD_CAP = 16 * 1024 * 1024
"""Device files larger than this are not fetched for a preview: the hint says to download them."""
TEXT_SUFFIXES = {
    ".txt",
    ".log",
    ".json",
    ".xml",
    ".csv",
    ".md",
    ".ini",
    ".conf",
    ".cfg",
    ".prop",
    ".sh",
    ".yaml",
    ".yml",
    ".toml",
    ".html",
    ".htm",
    ".properties",
    ".trace",
    ".py",
    ".js",
    ".css",
}


def kind_of(name: str) -> str:
    """ "text", "image" or "other", from the name alone (so nothing is fetched that cannot be shown)."""
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return "text"
    guessed = mimetypes.guess_type(name)[0] or ""
    if guessed.startswith("text/"):
        return "text"
    if guessed.startswith("image/") and suffix not in (".svg", ".heic", ".heif"):
        return "image"
    return "other"


def describe(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0]
    return guessed or (f"{Path(name).suffix.lower()} file" if Path(name).suffix else "file of unknown type")


def preview_folder(session_id: str) -> Path:
    """Where device files are fetched to be opened (kept with bt's data, one folder per session)."""
    from bt_core import locations

    folder = locations.data_dir() / "previews" / session_id
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_text(path: Path, cap: int = TEXT_CAP) -> tuple[str, bool]:
    """The first `cap` bytes as text (undecodable bytes replaced), and whether the file was longer."""
    with path.open("rb") as source:
        data = source.read(cap + 1)
    return data[:cap].decode("utf-8", errors="replace"), len(data) > cap


class PreviewScreen(ModalScreen[None]):
    """Shows one file; Escape (or q) closes it."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close", id="preview.close"),
        Binding("q", "dismiss(None)", "Close", id="preview.close.q", show=False),
    ]

    def __init__(self, title: str, path: Path | None, kind: str, size: int, hint: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.path = path
        self.kind = kind
        self.file_size = size
        self.hint = hint

    def compose(self) -> ComposeResult:
        from bt_core.units import human_size

        with Vertical(classes="dialog-box wide", id="preview-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            if self.kind == "text" and self.path is not None:
                text, cut = read_text(self.path)
                info = f"{human_size(self.file_size)} · text"
                if cut:
                    info += f" · first {human_size(TEXT_CAP)} shown"
                yield Label(Text(info, style="dim"), id="preview-info")
                yield TextArea(text, read_only=True, show_line_numbers=True, soft_wrap=False, id="preview-text")
            elif self.kind == "image" and self.path is not None:
                yield Label(
                    Text(f"{human_size(self.file_size)} · {describe(self.title_text)}", style="dim"), id="preview-info"
                )
                yield self._picture()
            else:
                lines = [f"{describe(self.title_text)}, {human_size(self.file_size)}"]
                if self.hint:
                    lines.append(self.hint)
                yield Label(Text("\n".join(lines)), id="preview-info", classes="dialog-message")
            yield Label(Text("Escape closes", style="dim"))

    def _picture(self) -> Any:
        from PIL import Image
        from textual_image.widget import Image as ImageWidget

        if self.path is None:
            return Label(Text("The picture was not fetched"), id="preview-image")
        try:
            assert self.path is not None  # only pictures with a path get here
            with Image.open(self.path) as opened:
                opened.load()
                picture = opened.convert("RGB")
        except (OSError, ValueError, Image.DecompressionBombError) as error:
            return Label(Text(f"The picture cannot be read: {error}"), id="preview-image")
        return ImageWidget(picture, id="preview-image")

    def on_mount(self) -> None:
        for area in self.query("#preview-text"):
            area.focus()
