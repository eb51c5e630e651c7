"""One folder browser (a header and a table), used twice on the Files tab: this computer and the device.

What the browser lists and changes comes from its source (`file_sources`); it runs each source call in a
thread worker and renders the answer. Upload and download involve both sides, so those menu choices go
up to the Files pane as a message.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label

from bt_core.browse import FileEntry
from bt_core.sanitize import for_terminal
from bt_core.units import human_size
from bt_tui.messages import ActionDone
from bt_tui.panes.file_sources import FileSource
from bt_tui.work import DeviceWork

UP = ".."
"""Row key of the line that goes up a folder."""


class FileBrowser(DeviceWork, Vertical):
    """A folder of one source: Enter opens, and the Files pane's keys act on the focused browser."""

    class Listed(Message):
        """A folder was read (by a worker)."""

        def __init__(self, folder: str, entries: list[FileEntry]) -> None:
            super().__init__()
            self.folder = folder
            self.entries = entries

    class Previewed(Message):
        """A file is ready to be shown (fetched first when it is on the device)."""

        def __init__(self, screen: Screen[Any]) -> None:
            super().__init__()
            self.screen = screen

    class ActionAsked(Message):
        """A menu choice that involves the other side too (upload, download): for the Files pane."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    def __init__(self, source: FileSource, **kwargs: Any) -> None:
        super().__init__(classes="file-side", **kwargs)
        self.source = source
        self.folder = source.start()
        self.entries: list[FileEntry] = []
        self.hidden = False

    def compose(self) -> ComposeResult:
        yield Label("", id=f"{self.source.key}-path", classes="path")
        yield DataTable(id=self.source.key, cursor_type="row")

    def on_mount(self) -> None:
        self.table.add_columns("Name", "Size", "Modified")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one(f"#{self.source.key}", DataTable)

    # -- listing -------------------------------------------------------------------------------------
    def load(self, folder: str | None = None) -> None:
        """List `folder` (default: the one shown) off the UI thread."""
        source, hidden, target = self.source, self.hidden, folder or self.folder
        self.run_device(
            f"list-{source.key}", lambda: source.list(target, hidden), lambda found: self.Listed(target, found)
        )

    @on(Listed)
    def listed(self, message: Listed) -> None:
        from bt_tui.tables import refill

        message.stop()
        same_folder = message.folder == self.folder
        self.folder, self.entries = message.folder, message.entries
        where = for_terminal(self.source.shown(message.folder), one_line=True)
        self.query_one(f"#{self.source.key}-path", Label).update(Text(f"{self.source.title}: {where}", style="bold"))
        rows: list[tuple[str, tuple[Text, ...]]] = [(UP, (Text(UP + "/", style="dim"), Text(""), Text("")))]
        for entry in message.entries:
            shown = for_terminal(entry.name, one_line=True) + ("/" if entry.is_dir else "")
            name = Text(shown, style="bold blue" if entry.is_dir else "")
            when = datetime.fromtimestamp(entry.mtime).strftime("%Y-%m-%d %H:%M") if entry.mtime else "-"
            rows.append((entry.name, (name, Text("" if entry.is_dir else human_size(entry.size)), Text(when))))
        refill(self.table, rows, keep_cursor=same_folder)

    def names(self) -> set[str]:
        """Names in the folder shown (for the clash question)."""
        return {e.name for e in self.entries}

    # -- selection and navigation --------------------------------------------------------------------
    def selected(self) -> FileEntry | None:
        """The entry under the cursor (None on the '..' row or in an empty folder)."""
        table = self.table
        if table.row_count == 0:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        return next((e for e in self.entries if e.name == key), None)

    def path_of(self, entry: FileEntry) -> str:
        return self.source.join(self.folder, entry.name)

    @on(DataTable.RowSelected)
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if str(event.row_key.value) == UP:
            self.up()
            return
        entry = self.selected()
        if entry is not None:
            self.open(entry)

    def up(self) -> None:
        self.load(self.source.parent(self.folder))

    def open(self, entry: FileEntry | None = None) -> None:
        """Enter a folder, or preview a file (text or picture)."""
        entry = entry or self.selected()
        if entry is None:
            self.app.notify("Select a file first", markup=False)
        elif entry.is_dir:
            self.load(self.path_of(entry))
        else:
            self.preview(entry)

    def preview(self, entry: FileEntry) -> None:
        """A device file is fetched first, unless it is too big or cannot be shown anyway."""
        from bt_tui.preview import DOWNLOAD_CAP, PreviewScreen, kind_of

        source, folder = self.source, self.folder
        kind, hint = kind_of(entry.name), source.preview_hint
        if source.fetches and (kind == "other" or entry.size > DOWNLOAD_CAP):
            if kind != "other":
                hint = f"Too big to preview ({human_size(entry.size)}): {hint}"
            self.app.push_screen(PreviewScreen(entry.name, None, "other", entry.size, hint))
            return
        if source.fetches:
            self.app.notify(f"Fetching {for_terminal(entry.name)} to preview it…", markup=False, timeout=2)

        def shown(path: Path) -> FileBrowser.Previewed:
            return self.Previewed(PreviewScreen(entry.name, path, kind, entry.size, hint))

        self.run_device("files-open", lambda: source.preview(folder, entry), shown)

    @on(Previewed)
    def previewed(self, message: Previewed) -> None:
        message.stop()
        self.app.push_screen(message.screen)

    # -- changes -------------------------------------------------------------------------------------
    def _change(self, call: Any) -> None:
        """Run one source change off the UI thread; its sentence becomes the toast, and both sides refresh."""
        self.run_device(f"files-change-{self.source.key}", call, lambda text: ActionDone(text, ("files",)))

    def _chosen(self) -> FileEntry | None:
        entry = self.selected()
        if entry is None:
            self.app.notify("Select a file or folder first", markup=False)
        return entry

    def mkdir(self) -> None:
        from bt_tui.dialogs import PromptDialog

        source, folder = self.source, self.folder

        def named(name: str | None) -> None:
            if name:
                self._change(lambda: source.mkdir(folder, name))

        title = f"New folder in {for_terminal(source.shown(folder), one_line=True)}"
        self.app.push_screen(PromptDialog(title, placeholder="Folder name"), named)

    def rename(self) -> None:
        from bt_tui.dialogs import PromptDialog

        entry = self._chosen()
        if entry is None:
            return
        source, folder = self.source, self.folder

        def named(name: str | None) -> None:
            if name and name != entry.name:
                self._change(lambda: source.rename(folder, entry.name, name))

        self.app.push_screen(PromptDialog(f"Rename {for_terminal(entry.name)}", value=entry.name), named)

    def delete(self) -> None:
        from bt_tui.dialogs import ConfirmDialog

        entry = self._chosen()
        if entry is None:
            return
        source, folder = self.source, self.folder
        title, consequence = source.delete_question(folder, entry)

        def answered(yes: bool | None) -> None:
            if yes:
                self._change(lambda: source.delete(folder, entry))

        self.app.push_screen(ConfirmDialog(for_terminal(title), consequence, "Delete"), answered)

    def menu(self) -> None:
        """The context menu of the selected entry (x, or a right click)."""
        from bt_tui.dialogs import ChoiceDialog

        entry = self.selected()
        if entry is None:
            return

        def chosen(choice: str | None) -> None:
            self.table.focus()
            if choice == "open":
                self.open(entry)
            elif choice in ("rename", "delete"):
                getattr(self, choice)()
            elif choice:
                self.post_message(self.ActionAsked(choice))

        self.app.push_screen(ChoiceDialog(for_terminal(entry.name), list(self.source.menu)), chosen)
