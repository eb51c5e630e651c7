"""`dumpsys window`: which app has focus and which window holds input focus."""

from __future__ import annotations

from dataclasses import dataclass

from ._common import JsonMixin, lines
from ._focus import component, first_at_lowest_indent, window_title


@dataclass(frozen=True)
class WindowFocus(JsonMixin):
    focused_app: str | None = None
    """Package of the focused activity (`mFocusedApp`)."""
    focused_activity: str | None = None
    """Component as the device prints it, `package/.Activity`."""
    current_focus: str | None = None
    """Title of the window with input focus (`mCurrentFocus`): an activity, `NotificationShade`, a dialog."""
    current_focus_package: str | None = None


def _focus_fields(text_lines: list[str]) -> dict[str, str | None]:
    focused = first_at_lowest_indent(text_lines, "mFocusedApp")
    package, activity = component(focused) if focused else (None, None)
    current_raw = first_at_lowest_indent(text_lines, "mCurrentFocus")
    current = window_title(current_raw) if current_raw else None
    current_package = current.split("/", 1)[0] if current and "/" in current else None
    return {
        "focused_app": package,
        "focused_activity": activity,
        "current_focus": current,
        "current_focus_package": current_package,
    }


def parse_dumpsys_window(text: str) -> WindowFocus:
    """Parse `dumpsys window` (or `dumpsys window windows`) for the focus lines."""
    return WindowFocus(**_focus_fields(lines(text)))
