"""`dumpsys activity activities`: the resumed (foreground) activity and the focus lines."""

from __future__ import annotations

from dataclasses import dataclass

from ._common import JsonMixin, lines
from ._focus import component, first_at_lowest_indent
from .dumpsys_window import _focus_fields

# Names across versions: Android 7-9 mResumedActivity/mFocusedActivity, 10+ ResumedActivity/topResumedActivity.
_RESUMED_KEYS = ("topResumedActivity", "ResumedActivity", "mResumedActivity", "mFocusedActivity", "Resumed")


@dataclass(frozen=True)
class ActivitiesState(JsonMixin):
    resumed_package: str | None = None
    resumed_activity: str | None = None
    focused_app: str | None = None
    focused_activity: str | None = None
    current_focus: str | None = None
    current_focus_package: str | None = None


def parse_dumpsys_activity_activities(text: str) -> ActivitiesState:
    """Parse `dumpsys activity activities` (Android 7 to 16 names)."""
    text_lines = lines(text)
    package = activity = None
    for key in _RESUMED_KEYS:
        value = first_at_lowest_indent(text_lines, key)
        if value and value != "null":
            package, activity = component(value)
            if package:
                break
    focus = _focus_fields(text_lines)
    if focus["focused_app"] is None:
        mfocused = first_at_lowest_indent(text_lines, "mFocusedActivity")
        if mfocused:
            focus["focused_app"], focus["focused_activity"] = component(mfocused)
    return ActivitiesState(
        resumed_package=package,
        resumed_activity=activity,
        **focus,
    )
