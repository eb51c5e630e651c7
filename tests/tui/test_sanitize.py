"""The TUI shows device and customer text inert: toasts and table cells carry no escape sequence."""

from __future__ import annotations

from rich.text import Text

OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"


async def test_toasts_show_escape_sequences_as_visible_text(services) -> None:
    from bt_tui.app import make_app

    app = make_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        app.notify(f"cannot delete photo{OSC52}.jpg: Permission denied", title="Files\x1b[2J", markup=False)
        await pilot.pause()
        shown = list(app._notifications)
        assert shown and all("\x1b" not in n.message + n.title for n in shown)
        assert any("photo\\e]52;c;cm0gLXJmIH4K\\x07.jpg" in n.message for n in shown)


def test_table_cells_are_sanitised_whatever_their_type() -> None:
    from bt_tui.tables import safe_cell

    assert safe_cell(f"a{OSC52}b") == "a\\e]52;c;cm0gLXJmIH4K\\x07b"
    styled = safe_cell(Text("x\x1b[2Jy\nz", style="bold"))
    assert isinstance(styled, Text) and styled.plain == "x\\e[2Jy\\nz" and str(styled.style) == "bold"
    assert safe_cell(42) == 42
