"""Session info (every field of the info panel, Copy) and the technician's private notes."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Label, RichLog

from bt_tui.messages import ActionDone
from bt_tui.tables import safe_cell
from bt_tui.work import DeviceWork


class InfoPane(DeviceWork, Vertical):
    BINDING_GROUP_TITLE = "Session info"
    BINDINGS = [
        Binding("y", "copy", "Copy info", id="info.copy", tooltip="Copy every field to the clipboard"),
        Binding("n", "note", "Add note", id="info.note", tooltip="Add a private note"),
    ]

    def __init__(self, record: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.record = record

    def compose(self) -> ComposeResult:
        yield DataTable(id="info-table", cursor_type="row", show_header=False, zebra_stripes=True)
        yield Label(Text("Notes (private: never shown on the device)", style="bold"), classes="section-title")
        yield RichLog(id="notes", wrap=True, markup=False, highlight=False)

    def on_mount(self) -> None:
        table = self.query_one("#info-table", DataTable)
        table.add_columns("Field", "Value")
        self.show(self.record)
        self.load_notes()

    def show(self, record: Any) -> None:
        from bt_core.info_panel import info_rows

        self.record = record
        table = self.query_one("#info-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for label, value in info_rows(record, self.app.now()):  # type: ignore[attr-defined]
            table.add_row(Text(label, style="bold"), safe_cell(Text(value)), key=label)
        table.move_cursor(row=max(0, keep))

    def load_notes(self) -> None:
        notes = self.app.services.notes  # type: ignore[attr-defined]
        session_id = self.record.id
        self.run_device("notes", lambda: notes.list(session_id), lambda found: ActionDone("", ("notes",), found))

    @on(ActionDone)
    def notes_loaded(self, message: ActionDone) -> None:
        if message.refresh != ("notes",):
            return
        message.stop()
        log = self.query_one("#notes", RichLog)
        log.clear()
        for note in message.result:
            line = Text(note.at.astimezone().strftime("%Y-%m-%d %H:%M "), style="dim")
            line.append(note.author, style="bold")
            line.append(" › ")
            line.append(note.text, style="magenta")
            log.write(line)

    def action_copy(self) -> None:
        from bt_core.info_panel import info_text
        from bt_tui.clipboard import copy_text

        copy_text(self, info_text(self.record, self.app.now()), "Session info")  # type: ignore[attr-defined]

    def action_note(self) -> None:
        self.screen.action_note()  # type: ignore[attr-defined]
