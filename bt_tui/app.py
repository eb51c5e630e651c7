"""The `bt tui` application: a queue of devices and sessions, and one window per support session.

The App is handed its `Services` (settings, store, backend, feature areas) by `make_app`, which both
`bt tui` and the tests call; screens own their widgets, and every rule lives in `bt_core`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import App
from textual.binding import Binding

from bt_tui.commands import ScreenActions
from bt_tui.messages import SessionOpened
from bt_tui.work import DeviceWork

if TYPE_CHECKING:
    from bt_core.services import Services


class BtApp(DeviceWork, App[None]):
    """Routes app-wide messages: a session opened → its window."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ScreenActions}
    """Ctrl+P: Textual's commands and every action of the current screen."""
    TITLE = "bt"
    SUB_TITLE = "remote support"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", tooltip="Leave bt tui (sessions stay open)"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        session_id: str | None = None,
        device: str | None = None,
        clock: Callable[[], datetime] | None = None,
        start_stream: bool = True,
    ) -> None:
        super().__init__()
        self.services = services
        self.initial_session = session_id
        self.initial_device = device
        self.clock = clock
        self.start_stream = start_stream
        """Whether the Screen tab opens the live stream by itself (off in snapshot tests)."""

    def notify(self, message: str, *, title: str = "", **options: Any) -> None:
        """Every toast goes through `for_terminal`: toasts quote device reasons and file names."""
        from bt_core.sanitize import for_terminal

        super().notify(for_terminal(message), title=for_terminal(title), **options)

    def now(self) -> datetime:
        from bt_core.models import utcnow

        return self.clock() if self.clock else utcnow()

    def on_mount(self) -> None:
        from bt_tui.queue_screen import QueueScreen

        self.sub_title = f"technician {self.services.technician}"
        self.push_screen(QueueScreen())
        if self.initial_session:
            self.run_device("open", lambda: self._resume(self.initial_session), SessionOpened)
        elif self.initial_device:
            serial = self.initial_device
            self.run_device("open", lambda: self.services.sessions.start(serial), SessionOpened)

    def _resume(self, session_id: str | None) -> Any:
        """Open a session by id: join it when it is waiting or someone else's, else just show it."""
        sessions = self.services.sessions
        record = sessions.resolve(session_id)
        if not record.ended and (record.status == "waiting" or self.services.technician not in record.owners):
            record = sessions.join(record.id)
        return record

    @on(SessionOpened)
    def show_session(self, message: SessionOpened) -> None:
        from bt_tui.session_screen import SessionScreen

        self.push_screen(SessionScreen(message.record))


def make_app(
    services: Services,
    *,
    session_id: str | None = None,
    device: str | None = None,
    clock: Callable[[], datetime] | None = None,
    start_stream: bool = True,
) -> BtApp:
    """The one factory for `bt tui`, `bt demo --tui` and the tests."""
    return BtApp(services, session_id=session_id, device=device, clock=clock, start_stream=start_stream)
