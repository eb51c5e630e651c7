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

AUTO_REFRESH_CHOICES = (0, 2, 5, 10, 30)
"""Auto-refresh intervals `a` cycles through, in seconds (0: off)."""
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
        Binding("R", "refresh_all", "Refresh all", id="sysinfo.refresh_all", tooltip="Pull every section again"),
        Binding("x", "stop", "Stop", id="sysinfo.stop", tooltip="Stop waiting for the pull in progress"),
        Binding("a", "auto", "Auto-refresh", id="sysinfo.auto", tooltip="Auto-refresh interval: off, 2, 5, 10, 30 s"),
        Binding("y", "copy", "Copy", id="sysinfo.copy", tooltip="Copy this section as text"),
        Binding("Y", "copy_all", "Copy all", id="sysinfo.copy_all", tooltip="Copy every section pulled as text"),
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
        self.auto_seconds = 0
        """The auto-refresh interval (0 when off)."""
        self._since_auto = 0.0
        self._generation = 0
        """Bumped by stop: a pull that answers after it is dropped."""
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
        self.set_interval(1.0, self._auto_tick)

    def activated(self) -> None:
        """The System tab was opened: pull the section shown if it never was."""
        self.opened = True
        section = self.current
        if section not in self.snapshots:
            self.pull(section)

    def focus_default(self) -> None:
        """The section's table, else its scrolling text: something inside this pane, so its keys work."""
        tables = self.query(f"#sys-{self.current} DataTable")
        target = tables.first() if tables else self.query_one(f"#sys-{self.current} VerticalScroll")
        self.screen.set_focus(target)

    def _focus_section(self, name: str) -> None:
        if self.current == name and self.screen.focused is None:
            self.focus_default()

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
        if self.opened and self.screen.focused is None:
            self.call_after_refresh(self._focus_section, name)
        self._status()

    # -- pulling -------------------------------------------------------------------------------------
    def pull(self, *sections: str, log: bool = True) -> None:
        """Pull these sections (one round of device work); the one call site of `sysinfo.pull`."""
        wanted = [name for name in sections if name not in self.pulling]
        if not wanted:
            return
        self.pulling.update(wanted)
        self._status()
        sysinfo, session_id = self.app.services.sysinfo, self.session_id  # type: ignore[attr-defined]
        generation = self._generation
        self.run_device(
            f"sysinfo-{'+'.join(wanted)}",
            lambda: sysinfo.pull(session_id, wanted, log=log),
            lambda snap: SectionPulled(str(generation), tuple(wanted), snap),
            exclusive=False,
        )

    def worker_failed(self, group: str, error: BaseException | None) -> None:
        if group.startswith("sysinfo-"):
            self.pulling.difference_update(group.removeprefix("sysinfo-").split("+"))
            if self.auto and group != "sysinfo-auto":  # a failing pull stops auto-refresh, and says why
                self.auto, self.auto_seconds = False, 0
                self._log_auto_stopped(str(error) if error else "a pull failed")
            self._status()

    def _status(self) -> None:
        parts = []
        if self.pulling:
            parts.append("pulling " + ", ".join(sorted(self.pulling)) + "…")
        snap = self.snapshots.get(self.current)
        if snap is not None:
            parts.append(f"{self.current} taken {snap.taken_at.astimezone():%H:%M:%S} in {snap.elapsed_ms:.0f} ms")
        if self.pulling:
            parts.append("x stops")
        parts.append(f"auto-refresh every {self.auto_seconds} s (a)" if self.auto else "auto-refresh off (a)")
        parts.append("[ ] other sections · R all")
        self.query_one("#sysinfo-status", Label).update(Text(" · ".join(parts), style="dim"))

    @on(SectionPulled)
    def pulled(self, message: SectionPulled) -> None:
        message.stop()
        if message.text != str(self._generation):
            return  # stopped (x) before it answered
        for name in message.refresh:
            self._show_section(name, message.result)
        self._status()
        self.post_message(ActionDone("", ("transcript",)))

    def _show_section(self, name: str, snapshot: Any) -> None:
        self.pulling.discard(name)
        self.snapshots[name] = snapshot
        section = snapshot.sections.get(name)
        if name == "overview":
            self._show_overview(section)
        elif name in ("processes", "apps"):
            self._show_table(name)
        else:
            self.query_one(f"#{name}-text", Static).update(Text(self._section_text(name)))
        if section is not None and section.errors:
            reasons = "; ".join(f"{k}: {v}" for k, v in section.errors.items())
            self.app.notify(reasons, title=f"{name}: incomplete", severity="warning", markup=False)

    def _section_text(self, name: str) -> str:
        """One section's readable text (a refresh-all snapshot holds every section: take only this one)."""
        import dataclasses

        snapshot = self.snapshots[name]
        if set(snapshot.sections) == {name}:
            return str(snapshot.to_text())
        return str(dataclasses.replace(snapshot, sections={name: snapshot.sections[name]}).to_text())

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

    def action_refresh_all(self) -> None:
        self.pull(*self.names)

    def action_stop(self) -> None:
        """Stop waiting for the pull in progress: its answer is dropped when it comes."""
        if not self.pulling:
            self.app.notify("No pull in progress", markup=False, timeout=2)
            return
        self._generation += 1
        stopped = ", ".join(sorted(self.pulling))
        self.pulling.clear()
        self._status()
        self.app.notify(f"Stopped waiting for {stopped}", markup=False, timeout=3)

    def action_auto(self) -> None:
        """The next auto-refresh interval: off, 2, 5, 10, 30 s, off again."""
        index = AUTO_REFRESH_CHOICES.index(self.auto_seconds) if self.auto_seconds in AUTO_REFRESH_CHOICES else 0
        self.set_auto(AUTO_REFRESH_CHOICES[(index + 1) % len(AUTO_REFRESH_CHOICES)])

    def set_auto(self, seconds: int) -> None:
        """Auto-refresh every `seconds` (0: off); one transcript event when it starts and one when it stops."""
        was = self.auto
        self.auto_seconds = seconds
        self.auto = seconds > 0
        self._since_auto = 0.0
        self._status()
        self.app.notify("Auto-refresh " + (f"every {seconds} s" if self.auto else "off"), markup=False)
        if was and not self.auto:
            self._log_auto_stopped()
        elif self.auto and not was:
            self.auto_pulls = 0
            sysinfo, session_id, section = self.app.services.sysinfo, self.session_id, self.current  # type: ignore[attr-defined]
            self.run_device(
                "sysinfo-auto",
                lambda: sysinfo.auto_started(session_id, section, seconds),
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
        if not self.auto:
            return
        self._since_auto += 1.0
        if self._since_auto < self.auto_seconds:
            return
        if self.screen.is_active and self.current not in self.pulling:
            self._since_auto = 0.0
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
        self.screen.set_focus(None)  # (see SessionScreen.action_tab: a hidden focused widget pulls back)
        self.query_one("#sections", TabbedContent).active = f"sys-{names[index]}"
        self.focus_default()

    def _text(self) -> str | None:
        if self.current not in self.snapshots:
            self.app.notify("Nothing pulled yet: press r", markup=False)
            return None
        return self._section_text(self.current)

    def action_copy(self) -> None:
        text = self._text()
        if text:
            self._copy(text, self.current)

    def action_copy_all(self) -> None:
        """Every section pulled, in the tabs' order (R pulls them all first)."""
        names = [name for name in self.names if name in self.snapshots]
        if not names:
            self.app.notify("Nothing pulled yet: press R to pull every section", markup=False)
            return
        missing = [name for name in self.names if name not in self.snapshots]
        what = "the whole snapshot" if not missing else f"{len(names)} sections (R pulls the rest)"
        self._copy("\n\n".join(self._section_text(name) for name in names), what)

    def _copy(self, text: str, what: str) -> None:
        """BT_CLIPBOARD_CMD or a desktop tool (bt_core.clipboard), else the terminal (OSC 52)."""
        from bt_tui.clipboard import copy_text

        copy_text(self, text, what)

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

    def _confirm_then(
        self, title: str, message: str, confirm: str, call: Any, done_text: str, section: str, typed: str = ""
    ) -> None:
        """Ask first (for a system app: make the technician type its name), then act and pull again."""
        from bt_tui.dialogs import ConfirmDialog, TypedConfirmDialog

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_device(f"system-{section}", call, lambda _r: SectionDoneThenPull(done_text, (section,)))

        dialog = TypedConfirmDialog(title, message, typed, confirm) if typed else ConfirmDialog(title, message, confirm)
        self.app.push_screen(dialog, answered)

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
        system_app = bool(row.get("system"))
        self._confirm_then(
            f"Uninstall {'the SYSTEM app ' if system_app else ''}{package}?",
            "This is part of Android: removing it can break the device until a factory reset. "
            "Type the package name to confirm."
            if system_app
            else "The app and its data are removed from the device.",
            "Uninstall",
            lambda: system.uninstall(session_id, package),
            f"Uninstalled {package}",
            "apps",
            typed=package if system_app else "",
        )

    @on(ActionDone)
    def system_done(self, message: ActionDone) -> None:
        if isinstance(message, SectionDoneThenPull):
            self.pull(message.refresh[0])


class SectionDoneThenPull(ActionDone):
    """A kill or uninstall finished: toast it, and pull the table again."""
