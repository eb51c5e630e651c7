"""Files: the technician's folder and the device's side by side, and the transfer manager below.

Changes on the device (mkdir, rename, delete, push, pull) go through `bt_core.files` and the transfer
manager in thread workers; a clash at the destination is asked about once (overwrite, cancel, or ask for
each file, answered from the worker through `call_from_thread`).
"""

from __future__ import annotations

import os
import posixpath
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label

from bt_tui.messages import ActionDone
from bt_tui.tables import safe_cell
from bt_tui.work import DeviceWork

UP = ".."


@dataclass(frozen=True)
class Entry:
    """One row of either pane."""

    name: str
    is_dir: bool
    size: int
    mtime: float


class Listed(Message):
    def __init__(self, side: str, path: str, entries: list[Entry]) -> None:
        super().__init__()
        self.side = side
        self.path = path
        self.entries = entries


class Fetched(Message):
    """A device file was fetched for a preview: show it."""

    def __init__(self, screen: Any) -> None:
        super().__init__()
        self.screen = screen


class TransfersListed(Message):
    def __init__(self, transfers: list[Any]) -> None:
        super().__init__()
        self.transfers = transfers


class TransferProgressed(Message):
    """Bytes moved; coalesced per transfer so a fast copy does not flood the UI."""

    def __init__(self, update: Any) -> None:
        super().__init__()
        self.update = update

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TransferProgressed) and message.update.transfer_id == self.update.transfer_id


def list_local(path: Path, hidden: bool) -> list[Entry]:
    entries = []
    with os.scandir(path) as found:
        for item in found:
            if not hidden and item.name.startswith("."):
                continue
            try:
                info = item.stat()
            except OSError:
                continue
            entries.append(Entry(item.name, item.is_dir(), info.st_size, info.st_mtime))
    return sorted(entries, key=lambda e: (not e.is_dir, e.name.lower()))


def rename_local(source: Path, target: Path) -> None:
    """Rename in the technician's folder, never over an existing name (POSIX rename would replace it)."""
    if target.exists() or target.is_symlink():
        raise FileExistsError(f"{target.name} already exists in {home_relative(str(target.parent))}")
    source.rename(target)


def delete_local(path: Path) -> None:
    """Delete a file, a link, or a folder with everything in it (permanently)."""
    import shutil

    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def pasted_paths(text: str) -> tuple[list[Path], list[str]]:
    """Local paths in pasted text (a terminal pastes a dropped file's path, often quoted or as a file:// URL):
    those that exist, and the path-like ones that do not. Plain text that is not a path gives ([], [])."""
    import shlex
    from urllib.parse import unquote, urlparse

    found: list[Path] = []
    missing: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            words = [line] if Path(line).exists() else shlex.split(line)
        except ValueError:
            words = [line]
        for word in words:
            if word.startswith("file://"):
                word = unquote(urlparse(word).path)
            word = os.path.expanduser(word)
            if not word.startswith("/"):
                continue
            path = Path(word)
            if path.exists():
                found.append(path)
            else:
                missing.append(word)
    return found, missing


def home_relative(path: str) -> str:
    """`~/support` rather than `/home/alice/support`: shorter, and the part a person recognises."""
    try:
        rest = Path(path).relative_to(Path.home())
    except (ValueError, RuntimeError):
        return path
    return "~" if str(rest) == "." else f"~/{rest}"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return "-"


class FilesPane(DeviceWork, Vertical):
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
    ]

    def __init__(
        self, session_id: str, local_root: Path | None = None, remote_root: str = "/sdcard", **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.session_id = session_id
        self.local_path = (local_root or Path.cwd()).resolve()
        self.remote_path = remote_root
        self.hidden = False
        self.entries: dict[str, list[Entry]] = {"local": [], "remote": []}
        self.loaded = False

    @property
    def services(self) -> Any:
        return self.app.services  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Horizontal(id="file-panes"):
            with Vertical(classes="file-side"):
                yield Label("", id="local-path", classes="path")
                yield DataTable(id="local", cursor_type="row")
            with Vertical(classes="file-side"):
                yield Label("", id="remote-path", classes="path")
                yield DataTable(id="remote", cursor_type="row")
        yield Label(
            Text(
                "Transfers (t) s start · c cancel · i details · l clear │ Tab other pane · paste: upload", style="bold"
            ),
            classes="section-title",
        )
        yield DataTable(id="transfers", cursor_type="row")

    def on_mount(self) -> None:
        for side in ("local", "remote"):
            self.query_one(f"#{side}", DataTable).add_columns("Name", "Size", "Modified")
        self.query_one("#transfers", DataTable).add_columns("#", "Direction", "From", "To", "State", "Progress")

    def activated(self) -> None:
        if not self.loaded:
            self.loaded = True
            self.action_refresh()

    def focus_default(self) -> None:
        self.query_one("#remote", DataTable).focus()

    # -- listing -------------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.list_side("local", str(self.local_path))
        self.list_side("remote", self.remote_path)
        self.list_transfers()

    def list_side(self, side: str, path: str) -> None:
        hidden = self.hidden
        if side == "local":

            def read() -> list[Entry]:
                return list_local(Path(path), hidden)
        else:
            files, session_id = self.services.files, self.session_id

            def read() -> list[Entry]:
                return [
                    Entry(e.name, e.type == "dir" or (e.type == "link" and e.target is None), e.size, e.mtime)
                    for e in sorted(
                        files.list(session_id, path, hidden=hidden), key=lambda e: (e.type != "dir", e.name.lower())
                    )
                ]

        self.run_device(f"list-{side}", read, lambda entries: Listed(side, path, entries))

    @on(Listed)
    def listed(self, message: Listed) -> None:
        message.stop()
        from bt_tui.tables import refill

        side = message.side
        same_folder = message.path == (str(self.local_path) if side == "local" else self.remote_path)
        if side == "local":
            self.local_path = Path(message.path)
        else:
            self.remote_path = message.path
        self.entries[side] = message.entries
        where = "This computer" if side == "local" else "Device"
        shown = home_relative(message.path) if side == "local" else message.path
        self.query_one(f"#{side}-path", Label).update(Text(f"{where}: {shown}", style="bold"))
        rows: list[tuple[str, tuple[Text, ...]]] = [(UP, (Text(UP + "/", style="dim"), Text(""), Text("")))]
        for entry in message.entries:
            name = Text(entry.name + ("/" if entry.is_dir else ""), style="bold blue" if entry.is_dir else "")
            when = datetime.fromtimestamp(entry.mtime).strftime("%Y-%m-%d %H:%M") if entry.mtime else "-"
            rows.append((entry.name, (name, Text("" if entry.is_dir else human_size(entry.size)), Text(when))))
        refill(self.query_one(f"#{side}", DataTable), rows, keep_cursor=same_folder)

    def list_transfers(self) -> None:
        manager, session_id = self.services.transfers, self.session_id
        self.run_device("transfers-list", lambda: manager.list(session_id), TransfersListed)

    @on(TransfersListed)
    def transfers_listed(self, message: TransfersListed) -> None:
        message.stop()
        table = self.query_one("#transfers", DataTable)
        keep = table.cursor_row
        table.clear()
        for t in message.transfers:
            progress = f"{human_size(t.bytes_done)} / {human_size(t.bytes_total)}" if t.bytes_total else "-"
            style = {"failed": "red", "cancelled": "dim", "done": "green", "running": "yellow"}.get(t.state, "")
            table.add_row(
                Text(str(t.id)),
                Text("upload" if t.direction == "push" else "download"),
                safe_cell(Text(t.origin)),
                safe_cell(Text(t.destination)),
                Text(t.state, style=style),
                Text(progress),
                key=str(t.id),
            )
        if message.transfers:
            table.move_cursor(row=min(max(keep, 0), len(message.transfers) - 1))

    @on(TransferProgressed)
    def progressed(self, message: TransferProgressed) -> None:
        message.stop()
        update = message.update
        table = self.query_one("#transfers", DataTable)
        try:
            percent = 100 * update.bytes_done / update.bytes_total if update.bytes_total else 100.0
            table.update_cell(
                str(update.transfer_id),
                table.ordered_columns[5].key,
                Text(f"{percent:3.0f}% {human_size(update.bytes_done)}"),
            )
        except Exception:  # the row is not listed yet; the next listing shows it
            pass

    # -- selection and navigation -------------------------------------------------------------------
    def _side(self) -> str:
        focused = self.app.focused
        return focused.id if focused is not None and focused.id in ("local", "remote") else "remote"

    def _selected(self, side: str) -> Entry | None:
        table = self.query_one(f"#{side}", DataTable)
        if table.row_count == 0:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        return next((e for e in self.entries[side] if e.name == key), None)

    def _join(self, side: str, name: str) -> str:
        return str(self.local_path / name) if side == "local" else posixpath.join(self.remote_path, name)

    @on(DataTable.RowSelected, "#local, #remote")
    def row_chosen(self, event: DataTable.RowSelected) -> None:
        side = event.data_table.id or "remote"
        if str(event.row_key.value) == UP:
            self._up(side)
            return
        entry = self._selected(side)
        if entry is not None:
            self._open(side, entry)

    def _open(self, side: str, entry: Entry) -> None:
        if entry.is_dir:
            self.list_side(side, self._join(side, entry.name))
        else:
            self.preview(side, entry)

    def action_open(self) -> None:
        side = self._side()
        entry = self._selected(side)
        if entry is None:
            self.app.notify("Select a file first", markup=False)
        else:
            self._open(side, entry)

    def preview(self, side: str, entry: Entry) -> None:
        """Text or a picture in a preview; a device file is fetched first (unless too big or not showable)."""
        from bt_tui.preview import DOWNLOAD_CAP, PreviewScreen, kind_of, preview_folder

        kind = kind_of(entry.name)
        hint = "u uploads it to the device" if side == "local" else "w downloads it to this computer"
        if side == "local":
            self.app.push_screen(PreviewScreen(entry.name, self.local_path / entry.name, kind, entry.size, hint))
            return
        if kind == "other" or entry.size > DOWNLOAD_CAP:
            if kind != "other":
                hint = f"Too big to preview ({human_size(entry.size)}): {hint}"
            self.app.push_screen(PreviewScreen(entry.name, None, "other", entry.size, hint))
            return
        files, session_id = self.services.files, self.session_id
        source = posixpath.join(self.remote_path, entry.name)

        def fetch() -> Path:
            import tempfile

            folder = Path(tempfile.mkdtemp(prefix="open-", dir=preview_folder(session_id)))
            files.pull(session_id, [source], str(folder))
            return folder / entry.name

        self.app.notify(f"Fetching {entry.name} to preview it…", markup=False, timeout=2)
        self.run_device(
            "files-open", fetch, lambda path: Fetched(PreviewScreen(entry.name, path, kind, entry.size, hint))
        )

    @on(Fetched)
    def fetched(self, message: Fetched) -> None:
        message.stop()
        self.app.push_screen(message.screen)

    def _up(self, side: str) -> None:
        if side == "local":
            self.list_side(side, str(self.local_path.parent))
        else:
            self.list_side(side, posixpath.dirname(self.remote_path.rstrip("/")) or "/")

    def action_up(self) -> None:
        self._up(self._side())

    def action_hidden(self) -> None:
        self.hidden = not self.hidden
        self.app.notify("Hidden files " + ("shown" if self.hidden else "hidden"), markup=False, timeout=2)
        self.action_refresh()

    def on_click(self, event: events.Click) -> None:
        if event.button == 3 and isinstance(event.widget, DataTable) and event.widget.id in ("local", "remote"):
            event.widget.focus()
            self.action_menu()

    # -- changes on the device -----------------------------------------------------------------------
    def _done(self, text: str) -> ActionDone:
        return ActionDone(text, ("files",))

    @on(ActionDone)
    def changed(self, message: ActionDone) -> None:
        if "files" in message.refresh:
            self.action_refresh()

    def _run_local(self, call: Any, text: str) -> None:
        """A change in the technician's own folder (no device, no transcript), off the UI thread."""
        self.run_device("files-local", call, lambda _r: self._done(text))

    def action_mkdir(self) -> None:
        from bt_tui.dialogs import PromptDialog

        side = self._side()
        if side == "local":
            local = self.local_path

            def made_local(name: str | None) -> None:
                if name and self._valid_name(name):
                    self._run_local(lambda: (local / name).mkdir(), f"Created {home_relative(str(local / name))}")

            self.app.push_screen(
                PromptDialog(f"New folder in {home_relative(str(local))}", placeholder="Folder name"), made_local
            )
            return
        files, session_id, base = self.services.files, self.session_id, self.remote_path

        def named(name: str | None) -> None:
            if name and self._valid_name(name):
                path = posixpath.join(base, name)
                self.run_device(
                    "files-change", lambda: files.mkdir(session_id, path), lambda made: self._done(f"Created {made}")
                )

        self.app.push_screen(PromptDialog(f"New folder in {base}", placeholder="Folder name"), named)

    def _valid_name(self, name: str) -> bool:
        if "/" in name or name in (".", ".."):
            self.app.notify(f"{name!r} is not a name: use one without '/'", severity="warning", markup=False)
            return False
        return True

    def _selection(self) -> tuple[str, Entry] | None:
        side = self._side()
        entry = self._selected(side)
        if entry is None:
            self.app.notify("Select a file or folder first", markup=False)
            return None
        return side, entry

    def action_rename(self) -> None:
        from bt_tui.dialogs import PromptDialog

        chosen = self._selection()
        if chosen is None:
            return
        side, entry = chosen
        if side == "local":
            local = self.local_path

            def renamed_local(name: str | None) -> None:
                if name and name != entry.name and self._valid_name(name):
                    self._run_local(lambda: rename_local(local / entry.name, local / name), f"Renamed to {name}")

            self.app.push_screen(PromptDialog(f"Rename {entry.name}", value=entry.name), renamed_local)
            return
        files, session_id, base = self.services.files, self.session_id, self.remote_path

        def named(name: str | None) -> None:
            if name and name != entry.name and self._valid_name(name):
                self.run_device(
                    "files-change",
                    lambda: files.rename(session_id, posixpath.join(base, entry.name), posixpath.join(base, name)),
                    lambda final: self._done(f"Renamed to {final}"),
                )

        self.app.push_screen(PromptDialog(f"Rename {entry.name}", value=entry.name), named)

    def action_delete(self) -> None:
        from bt_tui.dialogs import ConfirmDialog

        chosen = self._selection()
        if chosen is None:
            return
        side, entry = chosen
        what = "this folder and everything in it" if entry.is_dir else "this file"
        if side == "local":
            target = self.local_path / entry.name

            def answered_local(yes: bool | None) -> None:
                if yes:
                    self._run_local(lambda: delete_local(target), f"Deleted {home_relative(str(target))}")

            self.app.push_screen(
                ConfirmDialog(
                    f"Delete {home_relative(str(target))}?",
                    f"This deletes {what} from this computer permanently: it is not moved to the trash.",
                    "Delete",
                ),
                answered_local,
            )
            return
        files, session_id = self.services.files, self.session_id
        path = posixpath.join(self.remote_path, entry.name)

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_device(
                    "files-change",
                    lambda: files.delete(session_id, path, recursive=entry.is_dir),
                    lambda gone: self._done(f"Deleted {gone}"),
                )

        self.app.push_screen(
            ConfirmDialog(
                f"Delete {path}?",
                f"This deletes {what} permanently: Android has no recycle bin, so it cannot be restored.",
                "Delete",
            ),
            answered,
        )

    def action_menu(self) -> None:
        from bt_tui.dialogs import ChoiceDialog

        side = self._side()
        entry = self._selected(side)
        if entry is None:
            return
        if side == "local":
            choices = [
                ("open", "Open"),
                ("upload", "Upload to the device"),
                ("rename", "Rename…"),
                ("delete", "Delete…"),
            ]
        else:
            choices = [("open", "Open"), ("download", "Download"), ("rename", "Rename…"), ("delete", "Delete…")]

        def chosen(choice: str | None) -> None:
            self.query_one(f"#{side}", DataTable).focus()
            if choice == "open":
                self._open(side, entry)
            elif choice:
                getattr(self, f"action_{choice}")()

        self.app.push_screen(ChoiceDialog(entry.name, choices), chosen)

    # -- transfers -----------------------------------------------------------------------------------
    def action_upload(self) -> None:
        entry = self._selected("local")
        if entry is None or entry.name == UP:
            self.app.notify("Select a local file first (left pane)", markup=False)
            return
        self.upload([str(self.local_path / entry.name)])

    def upload(self, sources: list[str]) -> None:
        """Send local files or folders to the device folder shown, asking once if any name is taken there."""
        self._transfer("push", sources, self.remote_path, {e.name for e in self.entries["remote"]})

    def action_download(self) -> None:
        entry = self._selected("remote")
        if entry is None:
            self.app.notify("Select a device file first (right pane)", markup=False)
            return
        self._transfer(
            "pull",
            [posixpath.join(self.remote_path, entry.name)],
            str(self.local_path),
            {e.name for e in self.entries["local"]},
        )

    def on_paste(self, event: events.Paste) -> None:
        """A file dropped on the terminal arrives as its pasted path: upload what exists here."""
        found, missing = pasted_paths(event.text)
        if not found and not missing:
            return
        event.stop()
        if missing:
            self.app.notify("Not a file on this computer: " + ", ".join(missing[:3]), severity="warning", markup=False)
        if found:
            self.upload([str(path) for path in found])

    def _transfer(self, direction: str, sources: list[str], destination: str, existing: set[str]) -> None:
        from bt_tui.dialogs import ChoiceDialog

        names = [posixpath.basename(s.rstrip("/")) if direction == "pull" else Path(s).name for s in sources]
        clashes = [n for n in names if n in existing]
        if not clashes:
            self._run_transfer(direction, sources, destination, "overwrite")
            return
        where = "on the device" if direction == "push" else "in this folder"
        title = (
            f"{clashes[0]} already exists {where}"
            if len(clashes) == 1
            else f"{len(clashes)} of these names already exist {where}"
        )

        def chosen(choice: str | None) -> None:
            if choice in ("overwrite", "ask"):
                self._run_transfer(direction, sources, destination, choice)
            else:
                self.app.notify("Transfer cancelled: nothing was copied", markup=False)

        self.app.push_screen(
            ChoiceDialog(
                title,
                [("overwrite", "Overwrite"), ("cancel", "Cancel"), ("ask", "Ask for each file")],
            ),
            chosen,
        )

    def _run_transfer(self, direction: str, sources: list[str], destination: str, on_clash: str) -> None:
        files, manager, session_id = self.services.files, self.services.transfers, self.session_id
        enqueue = files.push if direction == "push" else files.pull
        what = posixpath.basename(sources[0].rstrip("/")) if len(sources) == 1 else f"{len(sources)} items"

        def work() -> list[Any]:
            queued = enqueue(session_id, sources, destination, on_clash=on_clash, queue=True)
            self.post_message(TransfersListed(manager.list(session_id)))
            return [manager.run(t.id, progress=self._progress, ask=self._ask) for t in queued]

        def done(finished: list[Any]) -> ActionDone:
            states = ", ".join(t.state for t in finished)
            verb = "Upload" if direction == "push" else "Download"
            return ActionDone(f"{verb} of {what}: {states}", ("files",), finished)

        self.run_device("transfer", work, done, exclusive=False)

    def _progress(self, update: Any) -> None:
        self.post_message(TransferProgressed(update))

    def _ask(self, clash: Any) -> str:
        """Called on the transfer's thread: show the question on the UI thread and wait for the answer."""
        from bt_tui.dialogs import ChoiceDialog

        answer: dict[str, str] = {}
        answered = threading.Event()

        def reply(choice: str | None) -> None:
            answer["choice"] = choice or "cancel"
            answered.set()

        def show() -> None:
            self.app.push_screen(
                ChoiceDialog(
                    f"{clash.target} already exists",
                    [
                        ("overwrite", "Overwrite"),
                        ("skip", "Skip this file"),
                        ("overwrite-all", "Overwrite all"),
                        ("skip-all", "Skip all"),
                        ("cancel", "Cancel the transfer"),
                    ],
                    message=f"New: {human_size(clash.size)} · existing: {human_size(clash.existing_size)}",
                ),
                reply,
            )

        self.app.call_from_thread(show)
        answered.wait()
        return answer["choice"]

    def _selected_transfer(self) -> int | None:
        table = self.query_one("#transfers", DataTable)
        if table.row_count == 0:
            self.app.notify("No transfers", markup=False)
            return None
        return int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def action_other_side(self) -> None:
        other = "remote" if self._focused_side() == "local" else "local"
        self.query_one(f"#{other}", DataTable).focus()

    def _focused_side(self) -> str | None:
        focused = self.app.focused
        return focused.id if focused is not None and focused.id in ("local", "remote") else None

    def action_transfers(self) -> None:
        self.query_one("#transfers", DataTable).focus()

    def action_start(self) -> None:
        manager, session_id = self.services.transfers, self.session_id
        self.run_device(
            "transfer",
            lambda: manager.start(session_id, progress=self._progress, ask=self._ask),
            lambda done: ActionDone(f"Ran {len(done)} queued transfer(s)", ("files",)),
            exclusive=False,
        )

    def action_cancel(self) -> None:
        transfer_id = self._selected_transfer()
        if transfer_id is not None:
            manager = self.services.transfers
            self.run_device(
                "transfers-cancel",
                lambda: manager.cancel(transfer_id),
                lambda t: ActionDone(f"Transfer {t.id}: cancel asked ({t.state})", ("files",)),
            )

    def action_details(self) -> None:
        from bt_tui.dialogs import ConfirmDialog

        transfer_id = self._selected_transfer()
        if transfer_id is None:
            return
        t = self.services.transfers.show(transfer_id)
        lines = [f"{k}: {v}" for k, v in t.to_json().items() if v not in (None, "")]
        self.app.push_screen(ConfirmDialog(f"Transfer {t.id}", "\n".join(lines), "Close"))

    def action_clear(self) -> None:
        manager, session_id = self.services.transfers, self.session_id
        self.run_device(
            "transfers-clear",
            lambda: manager.clear(session_id),
            lambda n: ActionDone(f"Cleared {n} finished transfer(s)", ("files",)),
        )
