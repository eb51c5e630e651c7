"""`bt input` moves the virtual device's state; grants and the policy decide whether it may."""

from __future__ import annotations

import pytest

from tests.e2e.test_screen import events, image, region_differs, start_session

LAUNCHER = "com.google.android.apps.nexuslauncher"


def _search_bar(vdevice, focused: bool = False) -> tuple[int, int, int, int]:
    from virtual_device.screen.layout import Layout

    screen = vdevice.state.screen
    return Layout(*screen.size, screen.density).search_bar(focused)


def test_tap_then_text_types_into_the_field_and_shows_in_a_screenshot(bt_env, vdevice):
    start_session(bt_env, vdevice.serial, grant="control")
    x0, y0, x1, y1 = _search_bar(vdevice)
    assert bt_env.run("input", "tap", str((x0 + x1) // 2), str((y0 + y1) // 2)).returncode == 0
    before = bt_env.data_dir / "before.png"
    assert bt_env.run("screen", "shot", "--out", str(before)).returncode == 0
    typed = 'it\'s 100%s "sure" & $HOME;'
    result = bt_env.run("input", "text", typed)
    assert result.returncode == 0, result.stderr
    assert vdevice.state.screen.text_field == typed  # spaces, %s, quotes and shell characters arrive as typed
    after = bt_env.data_dir / "after.png"
    assert bt_env.run("screen", "shot", "--out", str(after)).returncode == 0
    field = _search_bar(vdevice, focused=True)
    assert region_differs(image(before.read_bytes()), image(after.read_bytes()), field, threshold=1.0)
    logged = events(bt_env, "input.tap", "input.text")
    assert [e["kind"] for e in logged] == ["input.tap", "input.text"]
    assert logged[1]["data"] == {"length": len(typed)} and "sure" not in logged[1]["text"]


def test_newline_presses_enter_and_keys_move_between_apps(bt_env, vdevice):
    start_session(bt_env, vdevice.serial, grant="control")
    x0, y0, x1, y1 = _search_bar(vdevice)
    assert bt_env.run("input", "tap", str((x0 + x1) // 2), str((y0 + y1) // 2)).returncode == 0
    assert bt_env.run("input", "text", "android\n").returncode == 0
    assert vdevice.state.screen.foreground[0] == "com.android.chrome"  # ENTER searched
    assert bt_env.run("input", "key", "HOME").returncode == 0
    assert vdevice.state.screen.foreground[0] == LAUNCHER
    assert bt_env.run("input", "key", "app_switch").returncode == 0
    assert vdevice.state.screen.foreground[1].endswith("RecentsActivity")
    assert bt_env.run("input", "key", "4").returncode == 0  # BACK by number
    assert vdevice.state.screen.foreground[0] == LAUNCHER
    assert bt_env.run("input", "key", "POWER").returncode == 0
    assert not vdevice.state.screen.screen_on
    bad = bt_env.run("input", "key", "HOMME")
    assert bad.returncode == 2 and "unknown key" in bad.stderr
    assert [e["data"]["key"] for e in events(bt_env, "input.key")] == ["HOME", "APP_SWITCH", "BACK", "POWER"]


def test_swipe_down_from_the_top_opens_the_shade(bt_env, vdevice):
    start_session(bt_env, vdevice.serial, grant="control")
    before = vdevice.state.screen.version
    assert bt_env.run("input", "swipe", "540", "10", "540", "1200", "--ms", "200").returncode == 0
    assert vdevice.state.screen.snapshot().shade_open
    assert vdevice.state.screen.version > before


@pytest.mark.parametrize("grant", ["none", "view"])
def test_input_is_refused_without_the_control_grant(bt_env, vdevice, grant):
    start_session(bt_env, vdevice.serial, grant=grant)
    version = vdevice.state.screen.version
    result = bt_env.run("input", "tap", "540", "1200")
    assert result.returncode == 10
    if grant == "view":
        assert "the customer granted view-only access: input is refused" in result.stderr
    assert vdevice.state.screen.version == version
    denied = events(bt_env, "permission.denied")[-1]
    assert denied["data"]["action"] == "screen.control"


def test_policy_caps_the_grant_and_every_change_is_in_the_transcript(bt_env, vdevice):
    bt_env.policy_path.write_text("[screen]\ncontrol = false\n")
    start_session(bt_env, vdevice.serial)
    result = bt_env.run("screen", "grant", "control", "--json")
    assert result.returncode == 0 and '"grant": "view"' in result.stdout
    assert bt_env.run("input", "key", "HOME").returncode == 10
    assert bt_env.run("screen", "request", "view").returncode == 0
    assert bt_env.run("screen", "grant", "none").returncode == 0
    assert bt_env.run("screen", "shot").returncode == 10
    changes = events(bt_env, "grant.changed", "grant.requested")
    assert [(e["kind"], e["data"].get("to", e["data"].get("level"))) for e in changes] == [
        ("grant.changed", "view"),
        ("grant.requested", "view"),
        ("grant.changed", "none"),
    ]
    assert changes[0]["data"]["capped"] is True and "policy" in changes[0]["text"]
    assert "revoked" in changes[2]["text"]
