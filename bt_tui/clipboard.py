"""Copying from the TUI: bt_core.clipboard (BT_CLIPBOARD_CMD, then a desktop tool), off the UI thread;
the terminal's own clipboard (OSC 52 through Textual) as the last resort for text."""

from __future__ import annotations

from typing import Any

from bt_tui.messages import ActionDone


def copy_text(node: Any, text: str, what: str) -> None:
    """Copy `text` for widget `node` (a DeviceWork); the toast says what went where, or why not."""
    from bt_core.clipboard import copy_text as core_copy

    app = node.app

    def terminal(data: str) -> str:
        app.call_from_thread(app.copy_to_clipboard, data)
        return "terminal"

    node.run_device(
        "clipboard",
        lambda: core_copy(text, terminal=terminal),
        lambda how: ActionDone(f"{what} copied to the clipboard ({how})"),
    )
