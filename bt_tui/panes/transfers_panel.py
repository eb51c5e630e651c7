"""The transfer manager under the Files tab: a table of this session's transfers and what can be done to them.

Transfers are queued and run through `services.transfers` in thread workers; progress arrives as
coalesced messages. Two modes are the CLI's flags as toggles: manual start (`--queue`: transfers wait
for `s`) and keeping timestamps (`--no-preserve-times` when off).
"""

from __future__ import annotations

import posixpath
import threading
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label

from bt_core.models import Transfer
from bt_core.sanitize import for_terminal
from bt_core.transfers import FINISHED, Clash, ProgressUpdate
from bt_core.units import human_size
from bt_tui.messages import ActionDone
from bt_tui.work import DeviceWork

if TYPE_CHECKING:
    from bt_core.transfers import TransferManager

STATE_STYLES = {"failed": "red", "cancelled": "dim", "skipped": "dim", "done": "green", "running": "yellow"}
CLASH_ANSWERS = [
    ("overwrite", "Overwrite"),
    ("skip", "Skip this file"),
    ("overwrite-all", "Overwrite all"),
    ("skip-all", "Skip all"),
    ("cancel", "Cancel the transfer"),
]


def progress_text(state: str, done: int, total: int) -> str:
    """`42% 1.2 MB / 3.0 MB` while running, `3.0 MB / 3.0 MB` after, `-` before the size is known."""
    if not total:
        return "-"
    sizes = f"{human_size(done)} / {human_size(total)}"
    return f"{100 * done // total}% {sizes}" if state == "running" else sizes


def detail_lines(t: Transfer) -> list[str]:
    """A transfer in words, for the details dialog (paths shown inert)."""
    verb = "Upload to the device" if t.direction == "push" else "Download from the device"
    lines = [
        verb,
        f"From: {for_terminal(t.origin, one_line=True)}",
        f"To: {for_terminal(t.destination, one_line=True)}",
        f"State: {t.state}",
        f"Progress: {progress_text(t.state, t.bytes_done, t.bytes_total)}"
        + (f" · {t.files_done} of {t.files_total} files" if t.files_total else ""),
        f"When a name is taken: {t.on_clash}",
        "Timestamps: " + ("kept from the source" if t.preserve_times else "set to the time of the copy"),
        f"Queued: {t.created_at:%Y-%m-%d %H:%M:%S}",
    ]
    if t.started_at:
        lines.append(f"Started: {t.started_at:%Y-%m-%d %H:%M:%S}")
    if t.finished_at:
        lines.append(f"Finished: {t.finished_at:%Y-%m-%d %H:%M:%S}")
    if t.error:
        lines.append(f"Reason: {for_terminal(t.error, one_line=True)}")
    return lines


class TransfersPanel(DeviceWork, Vertical):
    """This session's transfers, with the manual-start and keep-timestamps toggles."""

    class Listed(Message):
        def __init__(self, transfers: list[Transfer]) -> None:
            super().__init__()
            self.transfers = transfers

    class Progressed(Message):
        """Bytes moved; coalesced per transfer so a fast copy does not flood the UI."""

        def __init__(self, update: ProgressUpdate) -> None:
            super().__init__()
            self.update = update

        def can_replace(self, message: Message) -> bool:
            return (
                isinstance(message, TransfersPanel.Progressed) and message.update.transfer_id == self.update.transfer_id
            )

    class Shown(Message):
        """One transfer was read for the details dialog."""

        def __init__(self, transfer: Transfer) -> None:
            super().__init__()
            self.transfer = transfer

    def __init__(self, session_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session_id = session_id
        self.manual_start = False
        """Transfers wait in the queue until `s` (the CLI's --queue)."""
        self.preserve_times = True
        """Copies keep the source's modification time (off: the CLI's --no-preserve-times)."""

    @property
    def manager(self) -> TransferManager:
        return self.app.services.transfers  # type: ignore[attr-defined, no-any-return]

    def compose(self) -> ComposeResult:
        yield Label(
            Text(
                "Transfers (t) s start · c cancel · i details · l clear │ Tab other pane · paste: upload", style="bold"
            ),
            classes="section-title",
        )
        yield Label(self._modes_text(), id="transfer-modes")
        yield DataTable(id="transfers", cursor_type="row")

    def on_mount(self) -> None:
        self.table.add_columns("#", "Direction", "From", "To", "State", "Progress")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#transfers", DataTable)

    # -- modes ---------------------------------------------------------------------------------------
    def _modes_text(self) -> Text:
        text = Text(" q ", style="bold")
        text.append("start: " + ("manual (s starts queued ones)" if self.manual_start else "at once"))
        text.append("  ·  p ", style="bold")
        text.append("timestamps: " + ("kept" if self.preserve_times else "set to now"))
        return text

    def toggle_manual_start(self) -> None:
        self.manual_start = not self.manual_start
        self.query_one("#transfer-modes", Label).update(self._modes_text())
        said = "wait in the queue until you press s" if self.manual_start else "start at once"
        self.app.notify(f"New transfers {said}", title="Transfers", markup=False, timeout=3)

    def toggle_preserve_times(self) -> None:
        self.preserve_times = not self.preserve_times
        self.query_one("#transfer-modes", Label).update(self._modes_text())
        said = "keep the source's timestamps" if self.preserve_times else "get the time of the copy"
        self.app.notify(f"Copied files {said}", title="Transfers", markup=False, timeout=3)

    # -- listing -------------------------------------------------------------------------------------
    def reload(self) -> None:
        manager, session_id = self.manager, self.session_id
        self.run_device("transfers-list", lambda: manager.list(session_id), self.Listed)

    @on(Listed)
    def listed(self, message: Listed) -> None:
        message.stop()
        table = self.table
        keep = table.cursor_row
        table.clear()
        for t in message.transfers:
            table.add_row(
                Text(str(t.id)),
                Text("upload" if t.direction == "push" else "download"),
                Text(for_terminal(t.origin, one_line=True)),
                Text(for_terminal(t.destination, one_line=True)),
                Text(t.state, style=STATE_STYLES.get(t.state, "")),
                Text(progress_text(t.state, t.bytes_done, t.bytes_total)),
                key=str(t.id),
            )
        if message.transfers:
            table.move_cursor(row=min(max(keep, 0), len(message.transfers) - 1))

    @on(Progressed)
    def progressed(self, message: Progressed) -> None:
        message.stop()
        update, table = message.update, self.table
        row = str(update.transfer_id)
        if row not in table.rows:  # not listed yet: the next listing shows it
            return
        columns = table.ordered_columns
        table.update_cell(row, columns[4].key, Text(update.state, style=STATE_STYLES.get(update.state, "")))
        table.update_cell(row, columns[5].key, Text(progress_text(update.state, update.bytes_done, update.bytes_total)))

    def _progress(self, update: ProgressUpdate) -> None:
        self.post_message(self.Progressed(update))

    # -- running -------------------------------------------------------------------------------------
    def submit(self, direction: str, sources: list[str], destination: str, on_clash: str) -> None:
        """Queue one transfer per source; run them now unless manual start is on."""
        files, manager, session_id = self.app.services.files, self.manager, self.session_id  # type: ignore[attr-defined]
        enqueue = files.push if direction == "push" else files.pull
        manual, preserve = self.manual_start, self.preserve_times
        verb = "Upload" if direction == "push" else "Download"
        what = posixpath.basename(sources[0].rstrip("/")) if len(sources) == 1 else f"{len(sources)} items"

        def work() -> list[Transfer]:
            queued: list[Transfer] = enqueue(
                session_id, sources, destination, on_clash=on_clash, preserve_times=preserve, queue=True
            )
            self.post_message(self.Listed(manager.list(session_id)))
            if manual:
                return queued
            return [manager.run(t.id, progress=self._progress, ask=self.ask) for t in queued]

        def done(finished: list[Transfer]) -> ActionDone:
            if manual:
                return ActionDone(f"{verb} of {what} queued: press s to start", ("files",), finished)
            return ActionDone(f"{verb} of {what}: {', '.join(t.state for t in finished)}", ("files",), finished)

        self.run_device("transfer", work, done, exclusive=False)

    def worker_failed(self, group: str, error: BaseException | None) -> None:
        """A transfer failed or was cancelled (the toast says why): show what it left on both sides."""
        if group == "transfer":
            self.post_message(ActionDone("", ("files",)))

    def ask(self, clash: Clash) -> str:
        """Called on the transfer's thread: show the question on the UI thread and wait for the answer."""
        from bt_tui.dialogs import ChoiceDialog

        answer: dict[str, str] = {}
        answered = threading.Event()

        def reply(choice: str | None) -> None:
            answer["choice"] = choice or "cancel"
            answered.set()

        def show() -> None:
            target = for_terminal(clash.target, one_line=True)
            sizes = f"New: {human_size(clash.size)} · existing: {human_size(clash.existing_size)}"
            self.app.push_screen(ChoiceDialog(f"{target} already exists", CLASH_ANSWERS, message=sizes), reply)

        self.app.call_from_thread(show)
        answered.wait()
        return answer["choice"]

    def start(self) -> None:
        """Run every queued transfer of the session, in order."""
        manager, session_id = self.manager, self.session_id

        def done(ran: list[Transfer]) -> ActionDone:
            if not ran:
                return ActionDone("No queued transfers to start", ("files",))
            return ActionDone(f"Ran {len(ran)} queued transfer(s): {', '.join(t.state for t in ran)}", ("files",))

        self.run_device(
            "transfer", lambda: manager.start(session_id, progress=self._progress, ask=self.ask), done, exclusive=False
        )

    # -- the selected transfer -----------------------------------------------------------------------
    def selected_id(self) -> int | None:
        table = self.table
        if table.row_count == 0:
            self.app.notify("No transfers yet", markup=False)
            return None
        return int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def cancel(self, transfer_id: int | None = None) -> None:
        """Cancel a queued transfer, or ask a running one to stop; a finished one says so."""
        chosen = transfer_id if transfer_id is not None else self.selected_id()
        if chosen is None:
            return
        manager = self.manager

        def done(t: Transfer) -> ActionDone:
            if t.state == "cancelled":
                return ActionDone(f"Transfer {t.id} cancelled before it started", ("files",))
            return ActionDone(f"Stopping transfer {t.id}…", ("files",))

        self.run_device("transfers-cancel", lambda: manager.cancel(chosen), done)

    def details(self) -> None:
        chosen = self.selected_id()
        if chosen is not None:
            manager = self.manager
            self.run_device("transfers-show", lambda: manager.show(chosen), self.Shown)

    @on(Shown)
    def shown(self, message: Shown) -> None:
        from bt_tui.dialogs import TransferDetailsDialog

        message.stop()
        t = message.transfer
        cancellable = t.state not in FINISHED

        def answered(cancel: bool | None) -> None:
            if cancel:
                self.cancel(t.id)

        self.app.push_screen(TransferDetailsDialog(f"Transfer {t.id}", detail_lines(t), cancellable), answered)

    def clear(self) -> None:
        manager, session_id = self.manager, self.session_id
        self.run_device(
            "transfers-clear",
            lambda: manager.clear(session_id),
            lambda n: ActionDone(f"Cleared {n} finished transfer(s)", ("files",)),
        )
