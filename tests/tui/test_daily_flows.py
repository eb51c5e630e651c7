"""A technician's everyday flows in `bt tui`, through the real stack: keys stay on their screen, focus
follows the tab, the request/grant flow, streams only while visible, the command palette, canned messages
to edit, device keys, 1:1 screen with panning, screenshots to the clipboard."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from textual.widgets import DataTable, Input, Static, TabbedContent, Tree

from bt_tui.app import make_app
from tests.tui.conftest import settle
from tests.tui.conftest import wait_until as poll_until

wait_until = partial(poll_until, rounds=200)


def toasts(app) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def status(app) -> str:
    return str(app.screen.query_one("#screen-status").render())


def hint(app) -> str:
    return str(app.screen.query_one("#screen-hint", Static).render())


def kinds(services, session_id: str, kind: str) -> list:
    return services.store.events(session_id, kinds=[kind])


async def test_start_dialog_fields_keys_stay_and_focus_follows_tabs(services, vdevice):
    app = make_app(services)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "StartSessionDialog"
        assert app.screen.focused.id == "customer" and app.screen.focused.value == ""  # the `s` stayed behind
        # no customer name; issue, priority (left medium), queue, skills, attributes, external key
        await pilot.press("tab", *"Wi-Fi drops", "tab", "tab", *"wifi-team", "tab", *"android, wifi")
        await pilot.press("tab", *"plan=gold", "tab", *"T-1234", "enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "SessionScreen"
        record = services.store.get_session(app.screen.record.id)
        assert record.customer == "Pixel 8" and record.issue == "Wi-Fi drops"  # the device's name stands in
        assert record.queue == "wifi-team" and list(record.skills) == ["android", "wifi"]
        assert record.attributes == {"plan": "gold"} and record.external_key == "T-1234"
        title = str(app.screen.query_one("#session-title").render())
        assert "Pixel 8" in title and "no customer name" not in title  # the device's name stands in

        field = app.screen.query_one("#chat-input", Input)
        assert app.focused is field and field.value == ""
        await pilot.press(*"Hello", "enter")
        await settle(app, pilot)
        assert [e.text for e in kinds(services, record.id, "chat.sent")] == ["Hello"]

        # F2 then F1: typing goes to the chat input again, at once
        await pilot.press("f2", "f1", *"again")
        assert field.value == "again" and app.focused is field

        # System info: [ and ] keep working after sections without a table, F1/F5 leave from the Apps section
        await pilot.press("f4")
        await settle(app, pilot)
        sections = app.screen.query_one("#sections", TabbedContent)
        for expected in ("device", "battery"):
            await pilot.press("right_square_bracket")
            await settle(app, pilot)
            assert sections.active == f"sys-{expected}"
        await pilot.press("left_square_bracket", "left_square_bracket", "left_square_bracket")  # wraps round
        await settle(app, pilot)
        assert sections.active == "sys-foreground"
        await pilot.press("right_square_bracket")  # after Foreground app
        await settle(app, pilot)
        assert sections.active == "sys-overview"
        await pilot.press("left_square_bracket", "left_square_bracket")
        await settle(app, pilot)
        assert sections.active == "sys-apps"
        await pilot.press("f1", *"!")
        assert app.screen.query_one("#tabs", TabbedContent).active == "chat" and field.value == "again!"
        await pilot.press("f4", "f5")
        assert app.screen.query_one("#tabs", TabbedContent).active == "info"


async def test_s_on_a_device_with_a_session_joins_it_without_typing(services, vdevice):
    services.sessions.start(vdevice.serial, customer="Zed", join=False)
    app = make_app(services)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "SessionScreen"
        assert app.screen.query_one("#chat-input", Input).value == ""


async def test_request_view_wait_for_the_customer_stream_only_while_visible(services, vdevice):
    record = services.sessions.start(vdevice.serial, customer="Gil")
    app = make_app(services, session_id=record.id)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        pane = app.screen.query_one("#screen-pane")
        assert not pane.running and not kinds(services, record.id, "screen.stream_opened")
        assert "Ctrl+R asks to view the screen" in hint(app) and "Ctrl+G asks for control" in hint(app)
        await pilot.press("v")
        await pilot.pause()
        assert "Ctrl+R asks them" in toasts(app) and "bt screen" not in toasts(app)
        assert "PermissionDenied" not in toasts(app) and "NeedsGrant" not in toasts(app)

        await pilot.press("ctrl+r")
        await settle(app, pilot)
        asked = kinds(services, record.id, "grant.requested")
        assert [e.data["level"] for e in asked] == ["view"]
        assert await wait_until(pilot, lambda: "waiting for the customer" in status(app))
        assert "you asked for view-only access" in hint(app)
        assert "waiting for the customer" in str(app.screen.query_one("#session-title").render())

        services.grants.set(record.id, "view", by="customer")  # the customer page's answer
        assert await wait_until(pilot, lambda: pane.frames_drawn >= 1), "the stream did not start on the grant"
        assert "The customer granted view-only access" in toasts(app)
        assert "waiting" not in status(app) and "View only" in status(app)

        # another tab: screenrecord stops on the device; back: it starts again
        await pilot.press("f1")
        assert await wait_until(pilot, lambda: kinds(services, record.id, "screen.stream_closed"))
        assert not pane.running
        await pilot.press("f2")
        assert await wait_until(pilot, lambda: len(kinds(services, record.id, "screen.stream_opened")) == 2)
        drawn = pane.frames_drawn
        assert await wait_until(pilot, lambda: pane.frames_drawn > drawn)

        # view-only: input is refused, said with the TUI's keys
        await pilot.press("alt+h")
        assert await wait_until(pilot, lambda: "view-only" in toasts(app) and "input is refused" in toasts(app))

        # back to the queue: the stream stops there too
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: len(kinds(services, record.id, "screen.stream_closed")) == 2)
        assert type(app.screen).__name__ == "QueueScreen"


async def test_lab_grant_and_a_declined_request(services, vdevice):
    record = services.sessions.start(vdevice.serial, customer="Hal")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert await wait_until(
            pilot, lambda: "waiting for the customer" in str(app.screen.query_one("#session-title").render())
        )
        services.grants.set(record.id, "none", by="customer")  # declined
        assert await wait_until(pilot, lambda: "The customer set screen access to none" in toasts(app))
        assert "waiting" not in str(app.screen.query_one("#session-title").render())

        await pilot.press("ctrl+l")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceDialog"
        await pilot.press("down", "enter")  # full control
        await settle(app, pilot)
        changed = kinds(services, record.id, "grant.changed")[-1]
        assert changed.data["to"] == "control" and changed.data["by"] == "alice"
        assert services.store.get_session(record.id).grant == "control"


async def test_command_palette_lists_and_runs_the_screens_actions(services, vdevice):
    from bt_tui.commands import screen_actions

    record = services.sessions.start(vdevice.serial, customer="Ida")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        titles = [title for title, *_ in screen_actions(app.screen)]
        for expected in ("Session: Ask to view", "Session: Ask control", "Session: End session", "Chat: Canned"):
            assert expected in titles
        assert not any(t.startswith("Files:") for t in titles)  # only the tab in front
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert type(app.screen).__name__ == "CommandPalette"
        await pilot.press(*"ask to view")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(app, pilot)
        assert [e.data["level"] for e in kinds(services, record.id, "grant.requested")] == ["view"]

        await pilot.press("f4")
        await settle(app, pilot)
        titles = [title for title, *_ in screen_actions(app.screen)]
        assert "System info: Refresh all" in titles and "Chat: Canned" not in titles


async def test_canned_messages_insert_for_editing_and_search_categories(services, vdevice):
    record = services.sessions.start(vdevice.serial, customer="Jo")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+t", *"wifi")
        await pilot.pause()
        tree = app.screen.query_one("#canned-tree", Tree)
        names = [node.data.name for node in tree.root.children]
        assert names == ["wifi-toggle", "wifi-forget", "wifi-router"]  # the whole Wi-Fi category
        await pilot.press("enter")
        await pilot.pause()
        field = app.screen.query_one("#chat-input", Input)
        assert field.value.startswith("Please swipe down") and app.focused is field
        assert not kinds(services, record.id, "chat.sent")  # inserted, not sent
        await pilot.press("end", *" Thanks!", "enter")
        await settle(app, pilot)
        sent = kinds(services, record.id, "chat.sent")[-1]
        assert sent.text.endswith("Thanks!") and sent.text.startswith("Please swipe down")

        await pilot.press("ctrl+t", *"forget", "ctrl+s")  # sends at once
        await settle(app, pilot)
        assert kinds(services, record.id, "chat.sent")[-1].data["canned"] == "wifi-forget"
        assert field.value == ""


async def test_device_keys_actual_size_with_panning_and_screenshot_to_clipboard(
    services, vdevice, tmp_path, monkeypatch
):
    clip = tmp_path / "clip.png"
    monkeypatch.setenv("BT_CLIPBOARD_CMD", f"sh -c 'cat > {clip}'")
    record = services.sessions.start(vdevice.serial, customer="Kai")
    services.grants.set(record.id, "control", by="customer")
    app = make_app(services, session_id=record.id)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        pane = app.screen.query_one("#screen-pane")
        assert await wait_until(pilot, lambda: pane.frames_drawn >= 1)

        pressed = ["alt+h", "alt+b", "alt+r", "alt+up", "alt+down", "alt+p", "alt+p"]
        await pilot.press(*pressed)
        assert await wait_until(pilot, lambda: len(kinds(services, record.id, "input.key")) == len(pressed))
        keys = [e.data["key"] for e in kinds(services, record.id, "input.key")]
        assert keys == ["HOME", "BACK", "APP_SWITCH", "VOLUME_UP", "VOLUME_DOWN", "POWER", "POWER"]

        # actual size: one device pixel per picture pixel, the viewport panned with the arrows
        width, height = vdevice.state.screen.size
        drawn = pane.frames_drawn
        await pilot.press("a")
        assert await wait_until(pilot, lambda: pane.frames_drawn > drawn + 1 and pane._region is not None)
        opened = kinds(services, record.id, "screen.stream_opened")[-1]
        assert (opened.data["width"], opened.data["height"]) == (width, height)
        image = app.screen.query_one("#screen-image")
        holder = app.screen.query_one("#screen-holder")
        assert image.size.width == holder.size.width  # fills the pane (scaled, it was ~1/3 of it)
        x0, y0, shown_w, shown_h, frame_w, _frame_h = pane._region
        assert (x0, y0) == (0, 0) and shown_w == image.size.width < frame_w
        await pilot.press("right", "j")
        assert await wait_until(pilot, lambda: pane._region[0] > 0 and pane._region[1] > 0)
        assert "actual 1:1 at" in status(app)
        x0, y0, *_ = pane._region
        await pilot.press("ctrl+o")  # control: clicks go to the device
        await pilot.click("#screen-image", offset=(0, 0))
        assert await wait_until(pilot, lambda: kinds(services, record.id, "input.tap"))
        await pilot.press("ctrl+o")
        tap = kinds(services, record.id, "input.tap")[0].data
        assert abs(tap["x"] - x0) <= 1 and abs(tap["y"] - y0) <= 2  # the cell under the mouse, not the scaled spot

        await pilot.press("y")
        assert await wait_until(pilot, lambda: clip.exists() and clip.stat().st_size > 100)
        assert clip.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert await wait_until(pilot, lambda: "copied to the clipboard" in toasts(app))

        monkeypatch.setenv("BT_CLIPBOARD_CMD", "false")
        await pilot.press("y")
        assert await wait_until(pilot, lambda: "No clipboard" in toasts(app))
        assert "saved as a file" in toasts(app)
        pane.stop_stream()
        await settle(app, pilot)


async def test_sysinfo_controls_kill_text_and_system_app_confirmation(services, vdevice, tmp_path, monkeypatch):
    clip = tmp_path / "clip.txt"
    monkeypatch.setenv("BT_CLIPBOARD_CMD", f"sh -c 'cat > {clip}'")
    record = services.sessions.start(vdevice.serial, customer="Lu")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        pulls = lambda: kinds(services, record.id, "sysinfo.pulled")  # noqa: E731
        label = lambda: str(app.screen.query_one("#sysinfo-status").render())  # noqa: E731

        from bt_tui.panes.sysinfo import SysinfoPane

        pane = app.screen.query_one(SysinfoPane)
        await pilot.press("a")
        assert "every 2 s" in label()
        count = len(pulls())
        started = lambda: kinds(services, record.id, "sysinfo.auto_started")  # noqa: E731
        assert await wait_until(pilot, lambda: len(started()) == 1 and pane.auto_pulls >= 1, rounds=200)
        assert len(pulls()) == count  # auto pulls are not logged one by one
        for expected in ("every 5 s", "every 10 s", "every 30 s", "auto-refresh off"):
            await pilot.press("a")
            assert expected in label()

        await pilot.press("R")  # refresh all
        await settle(app, pilot, rounds=5)
        assert len(pulls()[-1].data["sections"]) == 11
        await pilot.press("Y")
        assert await wait_until(pilot, lambda: clip.exists() and "== Apps ==" in clip.read_text())
        text = clip.read_text()
        assert "== Overview ==" in text and "== Battery ==" in text
        await pilot.press("y")  # just the section shown
        assert await wait_until(pilot, lambda: "== Battery ==" not in clip.read_text())
        assert "== Overview ==" in clip.read_text()

        vdevice.faults.stall_stream("shell", 3.0)  # a slow device
        await pilot.press("R")
        assert "pulling" in label() and "x stops" in label()
        await pilot.press("x")  # stop waiting
        assert "Stopped waiting" in toasts(app) and "pulling" not in label()
        await settle(app, pilot)

        # the kill dialog's whole text is shown (wrapped)
        app.screen.query_one("#sections", TabbedContent).active = "sys-processes"
        await settle(app, pilot)
        app.screen.query_one("#processes-table", DataTable).focus()
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        message = app.screen.query_one(".dialog-message", Static)
        lines = [line.text for line in message.render_lines(message.region.reset_offset)]
        assert "restarted by Android." in " ".join(" ".join(lines).split())
        await pilot.press("n")

        # a system app: the package name must be typed
        app.screen.query_one("#sections", TabbedContent).active = "sys-apps"
        await settle(app, pilot)
        table = app.screen.query_one("#apps-table", DataTable)
        table.focus()
        await pilot.press("slash", *"systemui", "enter")
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert type(app.screen).__name__ == "TypedConfirmDialog"
        await pilot.press("y", "enter")  # a plain yes is not enough
        await pilot.pause()
        assert type(app.screen).__name__ == "TypedConfirmDialog"
        await pilot.press("ctrl+u", *"com.android.systemui", "enter")
        await settle(app, pilot, rounds=5)
        uninstalled = kinds(services, record.id, "app.uninstalled") + kinds(services, record.id, "app.uninstall_failed")
        assert uninstalled and uninstalled[0].data["package"] == "com.android.systemui"

        await pilot.press("f5", "y")  # Session info goes through the same clipboard
        assert await wait_until(pilot, lambda: "Customer" in clip.read_text() and "Lu" in clip.read_text())


def test_readme_key_table_matches_the_bindings():
    """Every binding shown in the footer is in README's key table, under its group's line."""
    import re

    from bt_tui.panes.chat import ChatPane
    from bt_tui.panes.files import FilesPane
    from bt_tui.panes.screen import ScreenPane
    from bt_tui.panes.sysinfo import SysinfoPane
    from bt_tui.queue_screen import QueueScreen
    from bt_tui.session_screen import SessionScreen

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    block = readme.split("## The terminal console: `bt tui`", 1)[1].split("```", 2)[1]
    groups: dict[str, str] = {}
    current = ""
    for line in block.splitlines():
        match = re.match(r"^([A-Z][A-Za-z ]+): ", line)
        if match:
            current = match.group(1)
        groups[current] = groups.get(current, "") + " " + line

    def shown(key: str) -> str:
        names = {"slash": "/", "left_square_bracket": "[", "right_square_bracket": "]", "escape": "Esc"}
        if key in names:
            return names[key]
        parts = key.split("+")
        mods = [p.capitalize() for p in parts[:-1]]
        last = parts[-1]
        if (last.startswith("f") and last[1:].isdigit()) or (mods and len(last) == 1):
            last = last.upper()  # F10, Ctrl+G
        elif len(last) > 1:
            last = last.capitalize()  # Backspace, Up
        return "+".join([*mods, last])

    missing = []
    for cls, group in (
        (QueueScreen, "Queue"),
        (SessionScreen, "Session"),
        (ChatPane, "Chat"),
        (ScreenPane, "Screen"),
        (FilesPane, "Files"),
        (SysinfoPane, "System info"),
    ):
        text = groups.get(group, "")
        for binding in cls.BINDINGS:
            if not binding.show or not binding.description:
                continue
            key = shown(binding.key.split(",")[0])
            if not re.search(r"(?<![\w+])" + re.escape(key) + r"(?![\w])", text):
                missing.append(f"{group}: {key} ({binding.description})")
    assert not missing, "README's key table lacks: " + "; ".join(missing)
