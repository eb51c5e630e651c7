"""System info: Overview first, every other section pulled when its tab is opened; processes and apps
tables with kill and uninstall (each asked first)."""

from __future__ import annotations

import contextlib
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Label, Static, TabbedContent, TabPane

from bt_tui.messages import ActionDone
from bt_tui.tables import safe_cell
from bt_tui.work import DeviceWork

AUTO_REFRESH_SECONDS = 5.0
PROCESS_COLUMNS = (
    ("pid", "PID"),
    ("user", "User"),
    ("name", "Name"),
    ("rss_kb", "RSS (KB)"),
    ("cpu_percent", "CPU %"),
    ("state", "State"),
    ("ppid", "PPID"),
)
APP_COLUMNS = (("package", "Package"), ("kind", "Kind"), ("version_code", "Version"), ("uid", "UID"))


class SectionPulled(ActionDone):
    """One section's snapshot arrived."""


class SysinfoPane(DeviceWork, Vertical):
    BINDING_GROUP_TITLE = "System info"
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="sysinfo.refresh", tooltip="Pull this section again"),
        Binding("a", "auto", "Auto-refresh", id="sysinfo.auto", tooltip="Refresh this section every 5 s"),
        Binding("y", "copy", "Copy", id="sysinfo.copy", tooltip="Copy this section as text"),
        Binding("s", "save", "Save", id="sysinfo.save", tooltip="Save this section to a text file"),
        Binding("slash", "filter", "Filter", id="sysinfo.filter", tooltip="Filter processes or apps"),
        Binding("o", "sort", "Sort", id="sysinfo.sort", tooltip="Sort the table by the next column"),
        Binding("k", "kill", "Kill", id="sysinfo.kill", tooltip="End the selected process (asks first)"),
        Binding("u", "uninstall", "Uninstall", id="sysinfo.uninstall", tooltip="Uninstall the selected app"),
        Binding("left_square_bracket", "section(-1)", "Prev", id="sysinfo.prev", show=False),
        Binding("right_square_bracket", "section(1)", "Next", id="sysinfo.next", show=False),
    ]

    def __init__(self, session_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session_id = session_id
        self.snapshots: dict[str, Any] = {}
        self.pulling: set[str] = set()
        self.auto = False
        self.auto_pulls = 0
        """Pulls made since auto-refresh was turned on (they are not logged one by one)."""
        self.opened = False
        self.sort_column: dict[str, int] = {"processes": 0, "apps": 0}
        self.sort_reverse: dict[str, bool] = {"processes": False, "apps": False}

    @property
    def names(self) -> tuple[str, ...]:
        from bt_core.sysinfo import SECTION_TITLES

        return tuple(SECTION_TITLES)

    def compose(self) -> ComposeResult:
        from bt_core.sysinfo import SECTION_TITLES

        yield Label("", id="sysinfo-status")
        with TabbedContent(id="sections"):
            for name, title in SECTION_TITLES.items():
                with TabPane(title, id=f"sys-{name}"):
                    if name == "overview":
                        yield DataTable(id="overview-table", cursor_type="row", show_header=False)
                    elif name in ("processes", "apps"):
                        yield Input(placeholder=f"Filter {name} (press / to focus)", id=f"{name}-filter")
                        yield DataTable(id=f"{name}-table", cursor_type="row", zebra_stripes=True)
                    else:
                        with VerticalScroll():
                            yield Static(Text("Open this tab to pull it", style="dim"), id=f"{name}-text")

    def on_mount(self) -> None:
        self.query_one("#overview-table", DataTable).add_columns("Field", "Value")
        self.query_one("#processes-table", DataTable).add_columns(*[t for _k, t in PROCESS_COLUMNS])
        self.query_one("#apps-table", DataTable).add_columns(*[t for _k, t in APP_COLUMNS])
        self.set_interval(AUTO_REFRESH_SECONDS, self._auto_tick)

    def activated(self) -> None:
        """The System tab was opened: pull the section shown if it never was."""
        self.opened = True
        section = self.current
        if section not in self.snapshots:
            self.pull(section)

    def focus_default(self) -> None:
        tables = self.query(f"#sys-{self.current} DataTable")
        (tables.first() if tables else self.query_one("#sections")).focus()

    @property
    def current(self) -> str:
        active = self.query_one("#sections", TabbedContent).active or "sys-overview"
        return active.removeprefix("sys-")

    @on(TabbedContent.TabActivated, "#sections")
    def section_opened(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        name = (event.pane.id or "").removeprefix("sys-")
        if self.opened and name not in self.snapshots:
            self.pull(name)

    # -- pulling -------------------------------------------------------------------------------------
    def pull(self, section: str, *, log: bool = True) -> None:
        if section in self.pulling:
            return
        self.pulling.add(section)
        self._status()
        sysinfo, session_id = self.app.services.sysinfo, self.session_id  # type: ignore[attr-defined]
        self.run_device(
            f"sysinfo-{section}",
            lambda: sysinfo.pull(session_id, [section], log=log),
            lambda snap: SectionPulled("", (section,), snap),
        )

    def worker_failed(self, group: str, error: BaseException | None) -> None:
        if group.startswith("sysinfo-"):
            self.pulling.discard(group.removeprefix("sysinfo-"))
            if self.auto and group != "sysinfo-auto":  # a failing pull stops auto-refresh, and says why
                self.auto = False
                self._log_auto_stopped(str(error) if error else "a pull failed")
            self._status()

    def _status(self) -> None:
        parts = []
        if self.pulling:
            parts.append("pulling " + ", ".join(sorted(self.pulling)) + "…")
        snap = self.snapshots.get(self.current)
        if snap is not None:
            parts.append(f"{self.current} taken {snap.taken_at.astimezone():%H:%M:%S} in {snap.elapsed_ms:.0f} ms")
        parts.append("auto-refresh on" if self.auto else "auto-refresh off (a)")
        parts.append("[ ] other sections")
        self.query_one("#sysinfo-status", Label).update(Text(" · ".join(parts), style="dim"))

    @on(SectionPulled)
    def pulled(self, message: SectionPulled) -> None:
        message.stop()
        name = message.refresh[0]
        self.pulling.discard(name)
        snapshot = message.result
        self.snapshots[name] = snapshot
        section = snapshot.sections.get(name)
        if name == "overview":
            self._show_overview(section)
        elif name in ("processes", "apps"):
            self._show_table(name)
        else:
            self.query_one(f"#{name}-text", Static).update(Text(snapshot.to_text()))
        if section is not None and section.errors:
            reasons = "; ".join(f"{k}: {v}" for k, v in section.errors.items())
            self.app.notify(reasons, title=f"{name}: incomplete", severity="warning", markup=False)
        self._status()
        self.post_message(ActionDone("", ("transcript",)))

    def _show_overview(self, section: Any) -> None:
        from bt_core.sysinfo import overview_rows

        table = self.query_one("#overview-table", DataTable)
        table.clear()
        for label, value in overview_rows(section.data if section else {}):
            table.add_row(Text(label, style="bold"), safe_cell(Text(value)))

    def _rows(self, name: str) -> list[dict[str, Any]]:
        snapshot = self.snapshots.get(name)
        section = snapshot.sections.get(name) if snapshot else None
        if section is None:
            return []
        if name == "processes":
            return list(section.data.get("processes") or [])
        return [{**a, "kind": "system" if a.get("system") else "user"} for a in section.data.get("apps") or []]

    def _show_table(self, name: str) -> None:
        columns = PROCESS_COLUMNS if name == "processes" else APP_COLUMNS
        table = self.query_one(f"#{name}-table", DataTable)
        needle = self.query_one(f"#{name}-filter", Input).value.strip().lower()
        rows = self._rows(name)
        if needle:
            rows = [r for r in rows if any(needle in str(v).lower() for v in r.values() if v is not None)]
        key = columns[self.sort_column[name]][0]
        numeric = all(isinstance(r.get(key), int | float) or r.get(key) is None for r in rows)
        rows.sort(
            key=lambda r: (r.get(key) is None, r.get(key) if numeric else str(r.get(key) or "").lower()),
            reverse=self.sort_reverse[name],
        )
        table.clear()
        for row in rows:
            row_key = str(row.get("pid") if name == "processes" else row.get("package"))
            table.add_row(
                *[safe_cell(Text("-" if row.get(k) is None else str(row.get(k)))) for k, _t in columns], key=row_key
            )

    @on(Input.Changed, "#processes-filter")
    def filter_processes(self) -> None:
        self._show_table("processes")

    @on(Input.Changed, "#apps-filter")
    def filter_apps(self) -> None:
        self._show_table("apps")

    @on(Input.Submitted)
    def filter_done(self, event: Input.Submitted) -> None:
        self.query_one(f"#{self.current}-table", DataTable).focus()

    @on(DataTable.HeaderSelected)
    def header_clicked(self, event: DataTable.HeaderSelected) -> None:
        name = (event.data_table.id or "").removesuffix("-table")
        if name in self.sort_column:
            if self.sort_column[name] == event.column_index:
                self.sort_reverse[name] = not self.sort_reverse[name]
            else:
                self.sort_column[name], self.sort_reverse[name] = event.column_index, False
            self._show_table(name)

    # -- actions -------------------------------------------------------------------------------------
    def action_refresh(self) -> None:
        self.pull(self.current)

    def action_auto(self) -> None:
        """Auto-refresh on or off: one transcript event each way, none per pull."""
        self.auto = not self.auto
        self._status()
        self.app.notify("Auto-refresh " + ("on (every 5 s)" if self.auto else "off"), markup=False)
        if not self.auto:
            self._log_auto_stopped()
            return
        self.auto_pulls = 0
        sysinfo, session_id, section = self.app.services.sysinfo, self.session_id, self.current  # type: ignore[attr-defined]
        self.run_device(
            "sysinfo-auto",
            lambda: sysinfo.auto_started(session_id, section, AUTO_REFRESH_SECONDS),
            lambda _event: ActionDone("", ("transcript",)),
            exclusive=False,
        )

    def _log_auto_stopped(self, reason: str | None = None) -> None:
        sysinfo, session_id, pulls = self.app.services.sysinfo, self.session_id, self.auto_pulls  # type: ignore[attr-defined]
        self.run_device(
            "sysinfo-auto",
            lambda: sysinfo.auto_stopped(session_id, pulls, reason),
            lambda _event: ActionDone("", ("transcript",)),
            exclusive=False,
        )

    def _auto_tick(self) -> None:
        if self.auto and self.screen.is_active and self.current not in self.pulling:
            self.auto_pulls += 1
            self.pull(self.current, log=False)

    def on_unmount(self) -> None:
        if self.auto:  # the session window closes: the auto-refresh stops with it (one quick store write)
            self.auto = False
            with contextlib.suppress(Exception):
                self.app.services.sysinfo.auto_stopped(self.session_id, self.auto_pulls, "the window closed")  # type: ignore[attr-defined]

    def action_section(self, step: int) -> None:
        names = self.names
        index = (names.index(self.current) + step) % len(names)
        self.query_one("#sections", TabbedContent).active = f"sys-{names[index]}"

    def _text(self) -> str | None:
        snapshot = self.snapshots.get(self.current)
        if snapshot is None:
            self.app.notify("Nothing pulled yet: press r", markup=False)
            return None
        return snapshot.to_text()

    def action_copy(self) -> None:
        text = self._text()
        if text:
            self.app.copy_to_clipboard(text)
            self.app.notify(f"{self.current} copied to the clipboard", markup=False)

    def action_save(self) -> None:
        from bt_core import locations

        text = self._text()
        if not text:
            return
        snapshot = self.snapshots[self.current]
        folder = locations.data_dir() / "sysinfo"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.session_id}-{self.current}-{snapshot.taken_at:%Y%m%d-%H%M%S}.txt"
        path.write_text(text, encoding="utf-8")
        self.app.notify(f"Saved to {path}", title="System info", markup=False)

    def action_filter(self) -> None:
        if self.current in ("processes", "apps"):
            self.query_one(f"#{self.current}-filter", Input).focus()

    def action_sort(self) -> None:
        name = self.current
        if name in self.sort_column:
            count = len(PROCESS_COLUMNS if name == "processes" else APP_COLUMNS)
            self.sort_column[name] = (self.sort_column[name] + 1) % count
            self.sort_reverse[name] = False
            self._show_table(name)
            columns = PROCESS_COLUMNS if name == "processes" else APP_COLUMNS
            self.app.notify(f"Sorted by {columns[self.sort_column[name]][1]}", markup=False, timeout=2)

    def _selected(self, name: str) -> dict[str, Any] | None:
        table = self.query_one(f"#{name}-table", DataTable)
        if self.current != name or table.row_count == 0:
            self.app.notify(f"Select a row in the {name} table first", markup=False)
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        field = "pid" if name == "processes" else "package"
        return next((r for r in self._rows(name) if str(r.get(field)) == key), None)

    def _confirm_then(self, title: str, message: str, confirm: str, call: Any, done_text: str, section: str) -> None:
        from bt_tui.dialogs import ConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_device(f"system-{section}", call, lambda _r: SectionDoneThenPull(done_text, (section,)))

        self.app.push_screen(ConfirmDialog(title, message, confirm), answered)

    def action_kill(self) -> None:
        row = self._selected("processes")
        if row is None:
            return
        system, session_id, pid = self.app.services.system, self.session_id, str(row.get("pid"))  # type: ignore[attr-defined]
        self._confirm_then(
            f"End process {row.get('name')} (pid {pid})?",
            "Unsaved work in it is lost. An app may be restarted by Android.",
            "Kill",
            lambda: system.kill(session_id, pid),
            f"Ended {row.get('name')} (pid {pid})",
            "processes",
        )

    def action_uninstall(self) -> None:
        row = self._selected("apps")
        if row is None:
            return
        system, session_id, package = self.app.services.system, self.session_id, str(row.get("package"))  # type: ignore[attr-defined]
        self._confirm_then(
            f"Uninstall {package}?",
            "The app and its data are removed from the device.",
            "Uninstall",
            lambda: system.uninstall(session_id, package),
            f"Uninstalled {package}",
            "apps",
        )

    @on(ActionDone)
    def system_done(self, message: ActionDone) -> None:
        if isinstance(message, SectionDoneThenPull):
            self.pull(message.refresh[0])


class SectionDoneThenPull(ActionDone):
    """A kill or uninstall finished: toast it, and pull the table again."""
