"""dumpsys window and dumpsys activity activities: the foreground app across Android 7 to 13 names."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_dumpsys_activity_activities, parse_dumpsys_window

from ._fixtures import fixture

LAUNCHER = "com.google.android.apps.nexuslauncher"
LAUNCHER_WINDOW = f"{LAUNCHER}/{LAUNCHER}.NexusLauncherActivity"

WINDOW = {
    "dumpsys_window/emulator-x86-a7.1.1.txt": (LAUNCHER, f"{LAUNCHER}/.NexusLauncherActivity", LAUNCHER_WINDOW),
    "dumpsys_window/mtk-mt8168-tablet-a13.txt": (
        "com.mediatek.camera", "com.mediatek.camera/.CameraLauncher", "NotificationShade"),
    "dumpsys_window/pixel-sailfish-a8.1.txt": (LAUNCHER, f"{LAUNCHER}/.NexusLauncherActivity", LAUNCHER_WINDOW),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(WINDOW))
def test_dumpsys_window_focus(path: str) -> None:
    app, activity, focus = WINDOW[path]
    data = parse_dumpsys_window(fixture(path)).to_json()
    assert (data["focused_app"], data["focused_activity"], data["current_focus"]) == (app, activity, focus)


ACTIVITIES = {
    "dumpsys_activity_activities/emulator-x86-a7.1.1.txt": (LAUNCHER, f"{LAUNCHER}/.NexusLauncherActivity", None),
    "dumpsys_activity_activities/mtk-mt8168-tablet-a13.txt": (
        "com.mediatek.camera", "com.mediatek.camera/.CameraLauncher", "NotificationShade"),
    "dumpsys_activity_activities/pixel-sailfish-a8.1.txt": (LAUNCHER, f"{LAUNCHER}/.NexusLauncherActivity", None),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(ACTIVITIES))
def test_dumpsys_activity_activities_resumed(path: str) -> None:
    package, activity, focus = ACTIVITIES[path]
    data = parse_dumpsys_activity_activities(fixture(path)).to_json()
    assert (data["resumed_package"], data["resumed_activity"], data["current_focus"]) == (package, activity, focus)


def test_null_focus_and_activity_class_with_dollar() -> None:
    data = parse_dumpsys_window(
        "  mCurrentFocus=null\n  mFocusedApp=ActivityRecord{1f u0 com.example/.Main$Inner t3}\n"
    ).to_json()
    assert data == {
        "focused_app": "com.example",
        "focused_activity": "com.example/.Main$Inner",
        "current_focus": None,
        "current_focus_package": None,
    }
