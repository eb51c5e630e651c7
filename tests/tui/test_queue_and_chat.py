"""Start a session from the queue, chat, canned message, URL push, notes, end: through the real stack."""

from __future__ import annotations

from bt_tui.app import make_app
from tests.tui.conftest import settle, transcript_lines


async def test_start_session_from_queue_and_chat(services, vdevice):
    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        from textual.widgets import DataTable

        devices = app.screen.query_one("#devices", DataTable)
        assert devices.row_count == 1
        assert str(devices.get_row_at(0)[0]) == vdevice.serial
        await pilot.press("s")
        await pilot.pause()
        await pilot.press(*"Ann [Smith]")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "SessionScreen"
        record = app.screen.record
        assert record.customer == "Ann [Smith]"
        assert record.status == "in_progress"

        await pilot.press(*"Hello [b]there[/b]")
        await pilot.press("enter")
        await settle(app, pilot)
        events = services.store.events(record.id, kinds=["chat.sent"])
        assert [e.text for e in events] == ["Hello [b]there[/b]"]
        assert any("Hello there" in line for line in transcript_lines(app))
        assert vdevice.state.screen.notifications  # the device user sees it

        # a canned message, found by typing part of its title
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press(*"one mom")
        await pilot.pause()
        await pilot.press("enter")  # inserted into the input to edit first; Enter again sends it
        await pilot.pause()
        assert app.screen.query_one("#chat-input").value.startswith("Thank you. Please give me")
        await pilot.press("enter")
        await settle(app, pilot)
        canned = services.store.events(record.id, kinds=["chat.sent"])[-1]
        assert canned.data["canned"] == "one-moment"
        assert any("one moment while I look into this" in line for line in transcript_lines(app))

        # a lone URL opens on the device instead of being sent as chat
        await pilot.press(*"https://example.com/help")
        await pilot.press("enter")
        await settle(app, pilot)
        assert vdevice.state.screen._stack[-1].url == "https://example.com/help"
        assert services.store.events(record.id, kinds=["url.pushed"])
        assert any("Opened https://example.com/help on the device" in line for line in transcript_lines(app))

        # a private note, marked as such in the log
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"router [old] firmware")
        await pilot.press("enter")
        await settle(app, pilot)
        assert [n.text for n in services.store.notes(record.id)] == ["router [old] firmware"]
        assert any("[private note] router [old] firmware" in line for line in transcript_lines(app))

        # end the session: asked first, then the device user is told and the window goes read-only
        await pilot.press("f10")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("y")
        await settle(app, pilot)
        assert services.store.get_session(record.id).status == "ended"
        assert app.screen.query_one("#chat-input").disabled
        assert "Session ended" in transcript_lines(app)[-1]


async def test_misspelt_words_are_underlined_and_fixed_from_suggestions(services, vdevice):
    record = services.sessions.start(vdevice.serial, customer="Bob")
    app = make_app(services, session_id=record.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"please restrat the phone")
        await pilot.pause()
        hint = str(app.screen.query_one("#spell-hint").render())
        assert "restrat" in hint
        await pilot.press("f7")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceDialog"
        await pilot.press("enter")  # the first suggestion
        await pilot.pause()
        assert app.screen.query_one("#chat-input").value == "please restart the phone"
