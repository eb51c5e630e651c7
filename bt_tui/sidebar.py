"""The session sidebar: the info at a glance; collapses, reveals on a key or on hover, and pins."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.widgets import Static

GLANCE = (
    "Status",
    "Customer",
    "Computer name",
    "Platform",
    "Priority",
    "Support issue",
    "Time in system",
    "Screen access",
    "Required skills",
    "Device serial",
    "Technician",
)


class Sidebar(VerticalScroll):
    """Shown when pinned or revealed; the screen toggles `revealed`/`pinned` (attributes down)."""

    pinned: reactive[bool] = reactive(True)
    """Part of the layout, always shown."""
    revealed: reactive[bool] = reactive(False)
    """Shown for now (key or hover) while not pinned."""

    def compose(self) -> ComposeResult:
        yield Static(id="sidebar-body")

    def show(self, record: Any, now: Any) -> None:
        from bt_core.info_panel import info_rows

        rows = dict(info_rows(record, now))
        body = Text()
        for label in GLANCE:
            body.append(f"{label}\n", style="dim")
            body.append(f"{rows.get(label, '-')}\n", style="bold" if label in ("Status", "Customer") else "")
        body.append("\n^B hide/show · F6 pin", style="dim")
        self.query_one("#sidebar-body", Static).update(body)

    def _sync(self) -> None:
        collapsed = not (self.pinned or self.revealed)
        self.set_class(collapsed, "-collapsed")
        if self.is_attached:
            self.screen.set_class(collapsed, "-sidebar-collapsed")
        self.set_class(not self.pinned, "-floating")

    def watch_pinned(self) -> None:
        self._sync()

    def watch_revealed(self) -> None:
        self._sync()

    def on_leave(self, event: events.Leave) -> None:
        if not self.pinned and not self.is_mouse_over:
            self.revealed = False


class SidebarHandle(Static):
    """A one-column strip at the left edge while the sidebar is collapsed: hovering it reveals the sidebar."""

    def on_enter(self, event: events.Enter) -> None:
        self.screen.query_one(Sidebar).revealed = True
