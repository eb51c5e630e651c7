"""Files: the technician's folder and the device's side by side, and the transfer manager below.

The two sides are one browser widget with two sources (`file_sources`); the pane routes its keys to
the focused browser, and joins the two for upload and download, asking once when a name is taken at
the destination (overwrite, cancel, or ask for each file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable

from bt_core.browse import clashing_names
from bt_core.local_files import pasted_paths
from bt_core.sanitize import for_terminal
from bt_tui.messages import ActionDone
from bt_tui.panes.file_browser import FileBrowser
from bt_tui.panes.file_sources import DeviceSource, LocalSource
from bt_tui.panes.transfers_panel import TransfersPanel


class FilesPane(Vertical):
    BINDING_GROUP_TITLE = "Files"
    BINDINGS = [
        Binding("backspace", "up", "Up", id="files.up", tooltip="Up a folder"),
        Binding("h", "hidden", "Hidden", id="files.hidden", tooltip="Show or hide hidden files"),
        Binding("r", "refresh", "Refresh", id="files.refresh", tooltip="List both folders again"),
        Binding("m", "mkdir", "New folder", id="files.mkdir", tooltip="Create a folder in the focused pane"),
        Binding("n", "rename", "Rename", id="files.rename", tooltip="Rename the selected file or folder"),
        Binding("d", "delete", "Delete", id="files.delete", tooltip="Delete the selection (asks first; permanent)"),
        Binding("o", "open", "Open", id="files.open", tooltip="Preview the selected file (text or picture)"),
        Binding("u", "upload", "Upload", id="files.upload", tooltip="Send the selected local file to the device"),
        Binding("w", "download", "Download", id="files.download", tooltip="Fetch the selected device file"),
        Binding("x", "menu", "Menu", id="files.menu", tooltip="Actions on the selected file"),
        Binding("t", "transfers", "Transfers", id="files.transfers", tooltip="Go to the transfer manager"),
        Binding(
            "tab",
            "other_side",
            "Other pane",
            id="files.other",
            show=False,
            tooltip="Switch between this computer and the device",
        ),
        Binding("shift+tab", "other_side", "Other pane", id="files.other.back", show=False),
        Binding("s", "start", "Start", id="transfers.start", tooltip="Start queued transfers", show=False),
        Binding("c", "cancel", "Cancel transfer", id="transfers.cancel", show=False),
        Binding("i", "details", "Details", id="transfers.details", show=False),
        Binding("l", "clear", "Clear finished", id="transfers.clear", show=False),
        Binding(
            "q",
            "manual_start",
            "Manual start",
            id="transfers.manual",
            show=False,
            tooltip="New transfers wait in the queue until s (or start at once)",
        ),
        Binding(
            "p",
            "preserve_times",
            "Keep timestamps",
            id="transfers.times",
            show=False,
            tooltip="Copies keep the source's modification time (or get the time of the copy)",
        ),
    ]

    def __init__(
        self, session_id: str, local_root: Path | None = None, remote_root: str = "/sdcard", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.session_id = session_id
        self.local_root = local_root
        self.remote_root = remote_root
        self.loaded = False

    def compose(self) -> ComposeResult:
        files = self.app.services.files  # type: ignore[attr-defined]
        with Horizontal(id="file-panes"):
            yield FileBrowser(LocalSource(self.local_root), id="local-browser")
            yield FileBrowser(DeviceSource(files, self.session_id, self.remote_root), id="remote-browser")
        yield TransfersPanel(self.session_id, id="transfers-panel")

    @property
    def local(self) -> FileBrowser:
        return self.query_one("#local-browser", FileBrowser)

    @property
    def remote(self) -> FileBrowser:
        return self.query_one("#remote-browser", FileBrowser)

    @property
    def transfers(self) -> TransfersPanel:
        return self.query_one(TransfersPanel)

    def activated(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.action_refresh()

    def focus_default(self) -> None:
        self.remote.table.focus()

    def _focused(self) -> FileBrowser:
        """The browser the keys act on: the focused one, else the device's."""
        focused = self.app.focused
        for browser in (self.local, self.remote):
            if focused is browser.table:
                return browser
        return self.remote

    # -- both sides ----------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.local.load()
        self.remote.load()
        self.transfers.reload()

    @on(ActionDone)
    def changed(self, message: ActionDone) -> None:
        if "files" in message.refresh:
            self.action_refresh()

    def action_hidden(self) -> None:
        for browser in (self.local, self.remote):
            browser.hidden = not browser.hidden
        shown = self.local.hidden
        self.app.notify("Hidden files " + ("shown" if shown else "hidden"), markup=False, timeout=2)
        self.action_refresh()

    def action_other_side(self) -> None:
        other = self.local if self._focused() is self.remote else self.remote
        other.table.focus()

    def on_click(self, event: events.Click) -> None:
        widget = event.widget
        if event.button == 3 and isinstance(widget, DataTable) and isinstance(widget.parent, FileBrowser):
            widget.focus()
            widget.parent.menu()

    # -- the focused side ----------------------------------------------------------------------------
    def action_up(self) -> None:
        self._focused().up()

    def action_open(self) -> None:
        self._focused().open()

    def action_mkdir(self) -> None:
        self._focused().mkdir()

    def action_rename(self) -> None:
        self._focused().rename()

    def action_delete(self) -> None:
        self._focused().delete()

    def action_menu(self) -> None:
        self._focused().menu()

    @on(FileBrowser.ActionAsked)
    def browser_asked(self, message: FileBrowser.ActionAsked) -> None:
        message.stop()
        if message.action in ("upload", "download"):
            getattr(self, f"action_{message.action}")()

    # -- transfers between the sides -----------------------------------------------------------------
    def action_upload(self) -> None:
        entry = self.local.selected()
        if entry is None:
            self.app.notify("Select a local file first (left pane)", markup=False)
            return
        self.upload([self.local.path_of(entry)])

    def upload(self, sources: list[str]) -> None:
        """Send local files or folders to the device folder shown, asking once if any name is taken there."""
        self._transfer("push", sources, self.remote)

    def action_download(self) -> None:
        entry = self.remote.selected()
        if entry is None:
            self.app.notify("Select a device file first (right pane)", markup=False)
            return
        self._transfer("pull", [self.remote.path_of(entry)], self.local)

    def on_paste(self, event: events.Paste) -> None:
        """A file dropped on the terminal arrives as its pasted path: upload what exists here."""
        found, missing = pasted_paths(event.text)
        if not found and not missing:
            return
        event.stop()
        if missing:
            said = ", ".join(for_terminal(m, one_line=True) for m in missing[:3])
            self.app.notify(f"Not a file on this computer: {said}", severity="warning", markup=False)
        if found:
            self.upload([str(path) for path in found])

    def _transfer(self, direction: str, sources: list[str], into: FileBrowser) -> None:
        from bt_tui.dialogs import ChoiceDialog

        clashes = clashing_names(sources, direction, into.names())
        if not clashes:
            self.transfers.submit(direction, sources, into.folder, "overwrite")
            return
        where = into.source.where
        title = (
            f"{for_terminal(clashes[0], one_line=True)} already exists {where}"
            if len(clashes) == 1
            else f"{len(clashes)} of these names already exist {where}"
        )

        def chosen(choice: str | None) -> None:
            if choice in ("overwrite", "ask"):
                self.transfers.submit(direction, sources, into.folder, choice)
            else:
                self.app.notify("Transfer cancelled: nothing was copied", markup=False)

        choices = [("overwrite", "Overwrite"), ("cancel", "Cancel"), ("ask", "Ask for each file")]
        self.app.push_screen(ChoiceDialog(title, choices), chosen)

    # -- the transfer manager ------------------------------------------------------------------------
    def action_transfers(self) -> None:
        self.transfers.table.focus()

    def action_start(self) -> None:
        self.transfers.start()

    def action_cancel(self) -> None:
        self.transfers.cancel()

    def action_details(self) -> None:
        self.transfers.details()

    def action_clear(self) -> None:
        self.transfers.clear()

    def action_manual_start(self) -> None:
        self.transfers.toggle_manual_start()

    def action_preserve_times(self) -> None:
        self.transfers.toggle_preserve_times()
