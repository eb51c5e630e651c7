"""The session window: sidebar, and tabs for chat, screen, files, system info and session info.

The screen polls the store for new transcript events (every 0.3 s, reading only those after the last seq)
and for the session record, in a thread worker; the panes get what changed (attributes down).
"""

from __future__ import annotations

import importlib
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, TabbedContent, TabPane

from bt_core.events import EventKind
from bt_tui.messages import ActionDone, SessionRefreshed, TranscriptEventsAppended
from bt_tui.sidebar import Sidebar, SidebarHandle
from bt_tui.work import DeviceWork

GRANT_ASKED = {"view": "view-only access", "control": "full control"}

# tab id, title, module, class, key
TABS = (
    ("chat", "Chat", "bt_tui.panes.chat", "ChatPane", "f1"),
    ("screen", "Screen", "bt_tui.panes.screen", "ScreenPane", "f2"),
    ("files", "Files", "bt_tui.panes.files", "FilesPane", "f3"),
    ("system", "System info", "bt_tui.panes.sysinfo", "SysinfoPane", "f4"),
    ("info", "Session", "bt_tui.panes.info", "InfoPane", "f5"),
)


class SessionScreen(DeviceWork, Screen[None]):
    BINDING_GROUP_TITLE = "Session"
    BINDINGS = [
        *[
            Binding(
                key, f"tab('{tab}')", title, id=f"session.tab.{tab}", priority=True, tooltip=f"Show the {title} tab"
            )
            for tab, title, _m, _c, key in TABS
        ],
        Binding(
            "ctrl+b", "sidebar", "Sidebar", id="session.sidebar", priority=True, tooltip="Show or hide the sidebar"
        ),
        Binding("f6", "pin", "Pin", id="session.pin", priority=True, tooltip="Pin the sidebar open"),
        Binding("ctrl+n", "note", "Note", id="session.note", priority=True, tooltip="Add a private note"),
        Binding("f10", "end", "End session", id="session.end", priority=True, tooltip="End the session (asks first)"),
        Binding(
            "ctrl+r",
            "grant('view')",
            "Ask to view",
            id="session.ask_view",
            priority=True,
            tooltip="Ask the customer for view-only access to the screen",
        ),
        Binding(
            "ctrl+g",
            "grant('control')",
            "Ask control",
            id="session.grant",
            priority=True,
            tooltip="Ask the customer for full control of the screen",
        ),
        Binding(
            "ctrl+l",
            "lab_grant",
            "Lab grant",
            id="session.lab_grant",
            priority=True,
            tooltip="Set screen access yourself (lab use; the policy caps it)",
        ),
        Binding("escape", "back", "Queue", id="session.back", tooltip="Back to the queue (the session stays open)"),
    ]
    POLL_SECONDS = 0.3

    def __init__(self, record: Any) -> None:
        super().__init__()
        self.record = record
        self.last_seq = 0
        self._polling = False
        self.pending: str | None = None
        """The access level asked of the customer and not answered yet ("view" or "control"), or None."""

    @property
    def services(self) -> Any:
        return self.app.services  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self._title_text(), id="session-title")
        with Horizontal(id="session-body"):
            yield SidebarHandle("›", id="sidebar-handle")
            yield Sidebar(id="sidebar")
            with TabbedContent(initial="chat", id="tabs"):
                for tab, title, module, cls, key in TABS:
                    with TabPane(f"{title} ({key.upper()})", id=tab):
                        pane = getattr(importlib.import_module(module), cls)
                        yield pane(self.record if tab == "info" else self.record.id, id=f"{tab}-pane")
        yield Footer()

    def _title_text(self) -> Text:
        from bt_core.info_panel import STATUS_LABELS

        record = self.record
        text = Text()
        text.append(f" Session {record.id} ", style="bold reverse")
        customer = record.customer or record.computer_name or "no customer name"
        text.append(
            f" {customer} · {record.computer_name or record.serial} · {STATUS_LABELS.get(record.status, record.status)}"
        )
        if self.pending:
            text.append(f"  ⏳ waiting for the customer ({GRANT_ASKED[self.pending]} asked)", style="bold yellow")
        if record.paused:
            text.append("  ⏸ screen paused for privacy", style="bold yellow")
        if record.status == "customer_absent":
            text.append("  Customer Absent: waiting for the device", style="bold red")
        if record.ended:
            text.append("  (ended: read only)", style="dim")
        return text

    def on_mount(self) -> None:
        self.sub_title = f"session {self.record.id}"
        sidebar = self.query_one(Sidebar)
        sidebar.pinned = self.app.size.width >= 100
        self._show_record(self.record)
        self.poll()
        self.set_interval(self.POLL_SECONDS, self.poll)
        self.query_one("#chat-input").focus()

    # -- polling -----------------------------------------------------------------------------------
    def poll(self) -> None:
        """New events since the last seq; the session record about once a second."""
        if self._polling:
            return
        self._polling = True
        transcript, session_id, after = self.services.transcript, self.record.id, self.last_seq

        def read() -> tuple[list[Any], Any]:
            events, record = transcript.poll(session_id, after)
            return list(events), record

        def done(result: tuple[list[Any], Any]) -> TranscriptEventsAppended:
            events, record = result
            if record is not None:
                self.post_message(SessionRefreshed(record))
            return TranscriptEventsAppended(events)

        self.run_device("transcript", read, done)

    def worker_failed(self, group: str, error: BaseException | None) -> None:
        if group == "transcript":
            self._polling = False

    @on(TranscriptEventsAppended)
    def events_arrived(self, message: TranscriptEventsAppended) -> None:
        self._polling = False
        fresh = [e for e in message.events if e.seq > self.last_seq]
        if not fresh:
            return
        history = self.last_seq == 0
        self.last_seq = fresh[-1].seq
        self._grant_events(fresh, history)
        for pane in self.query("#chat-pane"):
            pane.add_events(fresh)  # type: ignore[attr-defined]
        if any(e.kind == EventKind.NOTE_ADDED for e in fresh):
            for pane in self.query("#info-pane"):
                pane.load_notes()  # type: ignore[attr-defined]

    def _grant_events(self, events: list[Any], history: bool) -> None:
        """Follow the request/answer flow: a request makes the session wait, a grant change answers it."""
        before = self.pending
        for event in events:
            if event.kind == "grant.requested":
                self.pending = (event.data or {}).get("level") or "view"
            elif event.kind.startswith("grant.") and event.kind != "grant.requested":
                self.pending = None
                if not history:
                    self.notify(event.text, title="Screen access", markup=False, timeout=8)
        if self.pending != before:
            self._show_pending()

    def _show_pending(self) -> None:
        self.query_one("#session-title", Label).update(self._title_text())
        for pane in self.query("#screen-pane"):
            pane.pending_changed(self.pending)  # type: ignore[attr-defined]

    @on(SessionRefreshed)
    def refreshed(self, message: SessionRefreshed) -> None:
        self._show_record(message.record)

    def _show_record(self, record: Any) -> None:
        self.record = record
        self.query_one("#session-title", Label).update(self._title_text())
        self.query_one(Sidebar).show(record, self.app.now())  # type: ignore[attr-defined]
        for pane in self.query("#info-pane"):
            pane.show(record)  # type: ignore[attr-defined]
        for pane in self.query("#screen-pane"):
            pane.record_changed(record)  # type: ignore[attr-defined]
        self.set_class(record.ended, "-ended")
        for field in self.query("#chat-input"):
            field.disabled = record.ended

    @on(ActionDone)
    def action_done(self, message: ActionDone) -> None:
        if message.text and message.refresh != ("notes",):
            self.notify(message.text, markup=False, timeout=3)
        self._polling = False
        self.poll()

    # -- actions -----------------------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        if tabs.active == tab:
            self._focus_tab(tab)  # (no TabActivated when it already is the tab: focus it again anyway)
        else:
            # Hiding a focused widget makes Textual focus a sibling in the hidden tab, which switches the
            # tab straight back: let go of the focus first, the new tab takes it once shown.
            self.set_focus(None)
            tabs.active = tab
            self._focus_tab(tab)
        sidebar = self.query_one(Sidebar)
        if not sidebar.pinned:
            sidebar.revealed = False

    def _focus_tab(self, tab: str) -> None:
        """Focus follows the tab: typing goes to the chat input, keys to the pane shown."""
        if self.query_one("#tabs", TabbedContent).active != tab or self.app.screen is not self:
            return
        for pane in self.query(f"#{tab}-pane"):
            if hasattr(pane, "focus_default"):
                pane.focus_default()
            else:  # the first widget in the pane that takes keys (Session info: its table)
                targets = [w for w in pane.query("*") if w.focusable]
                self.set_focus(targets[0] if targets else None)

    @on(TabbedContent.TabActivated, "#tabs")
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        tab = event.pane.id or ""
        for pane in self.query("#screen-pane"):
            if tab != "screen":
                pane.hidden()  # type: ignore[attr-defined]  # the live stream runs only while visible
        for pane in event.pane.children:
            if hasattr(pane, "activated"):
                pane.activated()
        if self.focused is None:  # (a click on the tab: nothing took the focus yet)
            self.call_after_refresh(self._focus_tab, tab)

    def on_screen_suspend(self) -> None:
        """Another full screen (the queue) covers this one: stop the stream (a dialog on top keeps it)."""
        from textual.screen import ModalScreen

        if isinstance(self.app.screen, ModalScreen):
            return
        for pane in self.query("#screen-pane"):
            pane.hidden()  # type: ignore[attr-defined]

    def on_screen_resume(self) -> None:
        tabs = self.query_one("#tabs", TabbedContent)
        if tabs.active == "screen":
            for pane in self.query("#screen-pane"):
                pane.activated()  # type: ignore[attr-defined]

    def action_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        if sidebar.pinned:
            sidebar.pinned = False
            sidebar.revealed = False
        else:
            sidebar.revealed = not sidebar.revealed

    def action_pin(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.pinned = not sidebar.pinned
        sidebar.revealed = False
        self.notify("Sidebar pinned" if sidebar.pinned else "Sidebar unpinned (Ctrl+B shows it)", markup=False)

    def action_note(self) -> None:
        from bt_tui.dialogs import PromptDialog

        notes, session_id = self.services.notes, self.record.id

        def written(text: str | None) -> None:
            if text:
                self.run_device(
                    "note",
                    lambda: notes.add(session_id, text),
                    lambda note: ActionDone("Note added (private)", ("transcript",), note),
                )

        self.app.push_screen(PromptDialog("Private note (never shown on the device)", placeholder="Note"), written)

    def action_grant(self, level: str = "control") -> None:
        """Ask the customer for `level`; the session waits (title and Screen tab) until they answer."""
        grants, session_id = self.services.grants, self.record.id
        where = " (on their support page, or as a notification while it is closed)"
        self.run_device(
            "grant",
            lambda: grants.request(session_id, level),
            lambda outcome: ActionDone(outcome.event.text + where),
        )

    def action_lab_grant(self) -> None:
        """Lab use: set the grant yourself (the policy still caps it; the transcript says who did)."""
        from bt_tui.dialogs import ChoiceDialog

        grants, session_id = self.services.grants, self.record.id

        def chosen(level: str | None) -> None:
            if level:
                self.run_device(
                    "grant", lambda: grants.set(session_id, level), lambda outcome: ActionDone(outcome.event.text)
                )

        self.app.push_screen(
            ChoiceDialog(
                "Set screen access yourself (lab use)",
                [("view", "View-only access"), ("control", "Full control"), ("none", "No access")],
                message="Only for devices you may control without asking: the transcript records that you did.",
            ),
            chosen,
        )

    def action_end(self) -> None:
        from bt_tui.dialogs import ConfirmDialog

        if self.record.ended:
            self.notify("This session has already ended", markup=False)
            return
        sessions, session_id = self.services.sessions, self.record.id

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_device(
                    "end",
                    lambda: sessions.end(session_id),
                    lambda outcome: ActionDone(outcome.event.text, (), outcome.record),
                )

        self.app.push_screen(
            ConfirmDialog(
                "End the session?",
                "The device user is told the session is over, and bt can no longer act on the device in it.",
                confirm="End session",
            ),
            answered,
        )

    def action_back(self) -> None:
        self.dismiss()

    def on_unmount(self) -> None:
        for pane in self.query("#screen-pane"):
            pane.stop_stream()  # type: ignore[attr-defined]
