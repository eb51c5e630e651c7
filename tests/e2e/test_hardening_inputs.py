"""Small input holes closed: a package name with a trailing newline, non-ASCII digits as a pid, and
tel:/sms:/mailto: links, which are sent as chat text and say so."""

from __future__ import annotations

import json

from tests.e2e.test_foundation import start_session
from tests.e2e.test_system import packages, processes


def test_trailing_newline_package_and_non_ascii_pid_are_refused_and_change_nothing(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    before = {row["name"] for row in processes(bt_env).values()}
    for args in (("uninstall", "com.whatsapp\n", "--yes"), ("kill", "com.whatsapp\n", "--yes"), ("kill", "٣", "--yes")):
        result = bt_env.run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1
    assert "com.whatsapp" in packages(bt_env)
    assert {row["name"] for row in processes(bt_env).values()} == before
    log = json.loads(bt_env.run("log", "--json").stdout)
    assert not [e for e in log if e["kind"] in ("app.uninstalled", "process.killed")]


def test_tel_sms_mailto_are_sent_as_text_and_the_sender_is_told(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    for link in ("tel:+15551234567", "sms:+15551234567", "mailto:help@example.com"):
        result = bt_env.run("chat", "send", link, "--no-spellcheck")
        assert result.returncode == 0, result.stderr
        scheme = link.split(":")[0]
        assert f"{scheme}: links are not opened on the device" in result.stderr
        assert any(n.text == link for n in vdevice.state.screen.notifications)
    assert vdevice.state.screen.foreground[0] != "com.android.chrome"
