"""The queue: devices attached and sessions in the store; start a session on a device or join one."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label

from bt_tui.messages import QueueLoaded, SessionOpened
from bt_tui.work import DeviceWork

STATUS_STYLES = {"waiting": "yellow", "in_progress": "green", "customer_absent": "red", "ended": "dim"}
PRIORITY_STYLES = {"high": "bold red", "medium": "", "low": "dim"}


class QueueScreen(DeviceWork, Screen[None]):
    """Devices (top) and sessions (below); refreshed every few seconds in a worker."""

    BINDING_GROUP_TITLE = "Queue"
    BINDINGS = [
        Binding("s", "start", "Start session", id="queue.start", tooltip="Start a session on the selected device"),
        Binding("j", "join", "Join / open", id="queue.join", tooltip="Join the selected session (or open it)"),
        Binding("r", "refresh", "Refresh", id="queue.refresh", tooltip="List devices and sessions again"),
        Binding("n", "take_next", "Take next", id="queue.next", tooltip="Take the next waiting session you can handle"),
        Binding("a", "toggle_ended", "Show ended", id="queue.ended", tooltip="Show or hide ended sessions"),
    ]
    POLL_SECONDS = 3.0

    def __init__(self) -> None:
        super().__init__()
        self.devices: list[Any] = []
        self.sessions: list[Any] = []
        self.show_ended = False
        self._loading = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(Text("Devices", style="bold"), classes="section-title")
        yield DataTable(id="devices", cursor_type="row", zebra_stripes=True)
        yield Label(Text("Sessions", style="bold"), classes="section-title")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Label(
            Text("s start a session on a device · j join the selected session · Tab between tables", style="dim"),
            id="queue-hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        devices = self.query_one("#devices", DataTable)
        devices.add_columns("Serial", "State", "Model", "Android", "Session")
        sessions = self.query_one("#sessions", DataTable)
        sessions.add_columns(
            "Session",
            "Status",
            "Priority",
            "Customer",
            "Time in system",
            "Required skills",
            "Technician",
            "Device",
            "Issue",
        )
        devices.focus()
        self.action_refresh()
        self.set_interval(self.POLL_SECONDS, self.action_refresh)
        self.set_interval(1.0, self._render_sessions)

    # -- loading -----------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        if self._loading:
            return
        self._loading = True
        self.run_device("queue", self._load, lambda result: QueueLoaded(*result))

    def _load(self) -> tuple[list[Any], list[Any], str | None]:
        services = self.app.services  # type: ignore[attr-defined]
        sessions = services.sessions.list()
        try:
            devices = services.devices.all()
            error = None
        except Exception as exc:  # the adb server may be down: the sessions are still worth showing
            devices, error = [], str(exc)
        return devices, sessions, error

    def worker_failed(self, group: str, error: BaseException | None) -> None:
        self._loading = False

    @on(QueueLoaded)
    def loaded(self, message: QueueLoaded) -> None:
        self._loading = False
        if message.device_error and message.device_error != getattr(self, "_last_error", None):
            self.notify(message.device_error, title="Devices", severity="warning", markup=False)
        self._last_error = message.device_error
        if message.devices != self.devices:
            self.devices = message.devices
            self._render_devices()
        if message.sessions != self.sessions:
            self.sessions = message.sessions
            self._render_devices()
            self._render_sessions()

    def _open_session_by_serial(self) -> dict[str, str]:
        return {s.serial: s.id for s in self.sessions if not s.ended}

    def _render_devices(self) -> None:
        from bt_tui.tables import refill

        by_serial = self._open_session_by_serial()
        rows = []
        for info in self.devices:
            version = f"{info.android_version} (API {info.sdk})" if info.android_version else "-"
            state = Text(info.state, style="green" if info.state == "device" else "red")
            rows.append(
                (
                    info.serial,
                    (
                        Text(info.serial),
                        state,
                        Text(info.model or "-"),
                        Text(version),
                        Text(by_serial.get(info.serial, "-")),
                    ),
                )
            )
        refill(self.query_one("#devices", DataTable), rows)

    def _visible_sessions(self) -> list[Any]:
        rows = [s for s in self.sessions if self.show_ended or not s.ended]
        order = {"high": 0, "medium": 1, "low": 2}
        return sorted(rows, key=lambda s: (s.ended, order.get(s.priority, 1), s.queued_at))

    def _render_sessions(self) -> None:
        from bt_core.info_panel import STATUS_LABELS, human_duration, time_in_system
        from bt_tui.tables import refill

        now = self.app.now()  # type: ignore[attr-defined]
        rows = []
        for record in self._visible_sessions():
            rows.append(
                (
                    record.id,
                    (
                        Text(record.id),
                        Text(
                            STATUS_LABELS.get(record.status, record.status), style=STATUS_STYLES.get(record.status, "")
                        ),
                        Text(record.priority.capitalize(), style=PRIORITY_STYLES.get(record.priority, "")),
                        Text(record.customer or record.computer_name or "-"),
                        Text(human_duration(time_in_system(record, now))),
                        Text(", ".join(record.skills) or "-"),
                        Text(record.technician or "-"),
                        Text(record.serial),
                        Text(record.issue or "-"),
                    ),
                )
            )
        refill(self.query_one("#sessions", DataTable), rows)

    # -- actions -----------------------------------------------------------------------------------
    def _selected_key(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def action_start(self) -> None:
        from bt_tui.dialogs import StartSessionDialog

        serial = self._selected_key("#devices")
        if serial is None:
            self.notify("No device selected: attach one or 'bt connect HOST:PORT'", severity="warning", markup=False)
            return
        open_id = self._open_session_by_serial().get(serial)
        if open_id:
            self.notify(f"{serial} already has session {open_id}: joining it", markup=False)
            self._join(open_id)
            return

        def started(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            services = self.app.services  # type: ignore[attr-defined]
            self.notify(f"Starting a session on {serial}…", markup=False)
            self.run_device("start", lambda: services.sessions.start(serial, **values), SessionOpened)

        self.app.push_screen(StartSessionDialog(serial), started)

    def action_join(self) -> None:
        session_id = self._selected_key("#sessions")
        if session_id is None:
            serial = self._selected_key("#devices")
            session_id = self._open_session_by_serial().get(serial or "")
        if session_id is None:
            self.notify("No session selected", severity="warning", markup=False)
            return
        self._join(session_id)

    def _join(self, session_id: str) -> None:
        self.run_device("join", lambda: self.app._resume(session_id), SessionOpened)  # type: ignore[attr-defined]

    def action_take_next(self) -> None:
        services = self.app.services  # type: ignore[attr-defined]
        self.run_device("next", lambda: services.queue.next(), SessionOpened)

    def action_toggle_ended(self) -> None:
        self.show_ended = not self.show_ended
        self._render_sessions()

    @on(DataTable.RowSelected, "#devices")
    def device_chosen(self) -> None:
        self.action_start()

    @on(DataTable.RowSelected, "#sessions")
    def session_chosen(self) -> None:
        self.action_join()

    @on(SessionOpened)
    def opened(self, message: SessionOpened) -> None:
        self.action_refresh()  # the message bubbles on to the app, which opens the window
