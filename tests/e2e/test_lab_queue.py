"""`bt queue next`: the highest-priority, oldest Waiting session the technician has the skills for; two
technicians taking from the queue at once never get the same session; the TUI queue screen's `n` key."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys

from tests.e2e.test_foundation import start_session
from tests.e2e.test_lab_claims import store_env  # noqa: F401 - the fixture: SQLite, and PostgreSQL when set


def waiting(bt_env, serial: str, *extra: str) -> str:
    # several waiting sessions on one device: --shared, as one-session-per-device would refuse them
    return start_session(bt_env, serial, "--no-join", "--shared", *extra)["id"]


def json_documents(text: str) -> list[dict]:
    decoder = json.JSONDecoder()
    docs, index = [], 0
    text = text.strip()
    while index < len(text):
        doc, end = decoder.raw_decode(text, index)
        docs.append(doc)
        index = end
        while index < len(text) and text[index].isspace():
            index += 1
    return docs


def test_next_takes_priority_then_age_within_skills(bt_env, vdevice):
    old_low = waiting(bt_env, vdevice.serial, "--priority", "low")
    needs_root = waiting(bt_env, vdevice.serial, "--priority", "high", "--skill", "root")
    old_medium = waiting(bt_env, vdevice.serial)
    new_medium = waiting(bt_env, vdevice.serial, "--queue", "billing")

    first = bt_env.run("queue", "next", "--json", env={"BT_TECHNICIAN": "bob"})
    assert first.returncode == 0, first.stderr
    taken = json.loads(first.stdout)
    assert taken["id"] == old_medium  # the high one needs a skill bob lacks
    assert (taken["status"], taken["technician"], taken["owners"]) == ("in_progress", "bob", ["bob"])
    assert bt_env.run("queue", "next", "--skills", "Root,usb", "--json").stdout.count(needs_root) == 1
    billing = bt_env.run("queue", "next", "--queue", "billing", "--json", env={"BT_TECHNICIAN": "carol"})
    assert json.loads(billing.stdout)["id"] == new_medium
    assert json.loads(bt_env.run("queue", "next", "--json").stdout)["id"] == old_low
    empty = bt_env.run("queue", "next", "--queue", "billing")
    assert empty.returncode == 13 and "no waiting session in queue 'billing'" in empty.stderr

    log = json.loads(bt_env.run("log", "--session", taken["id"], "--json").stdout)
    joined = [e for e in log if e["kind"] == "session.joined"]
    assert joined[-1]["actor"] == "bob" and joined[-1]["data"]["via"] == "queue"
    # the taken session is now bob's current one
    shown = bt_env.run("session", "show", "--json", env={"BT_TECHNICIAN": "bob"})
    assert json.loads(shown.stdout)["id"] == old_medium


def test_two_technicians_taking_at_once_never_get_the_same_session(bt_env, vdevice, store_env):  # noqa: F811
    bt_env.env.update(store_env)
    queue = f"race-{secrets.token_hex(4)}"  # a shared PostgreSQL may hold other tests' sessions
    ids = {waiting(bt_env, vdevice.serial, "--queue", queue) for _ in range(6)}
    loop = f"while {sys.executable} -m bt_cli queue next --queue {queue} --json; do :; done"
    takers = [
        subprocess.Popen(
            ["sh", "-c", loop],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**bt_env.env, "BT_TECHNICIAN": name},
            cwd=str(bt_env.data_dir),
        )
        for name in ("bob", "carol")
    ]
    got = {}
    for name, process in zip(("bob", "carol"), takers, strict=True):
        out, err = process.communicate(timeout=300)
        assert "no waiting session" in err, err
        got[name] = [doc["id"] for doc in json_documents(out)]
        assert all(doc["technician"] == name for doc in json_documents(out))
    assert not set(got["bob"]) & set(got["carol"])
    assert sorted(got["bob"] + got["carol"]) == sorted(ids)


async def test_queue_screen_takes_the_next_session_with_n(bt_env, vdevice, monkeypatch):
    session_id = waiting(bt_env, vdevice.serial, "--customer", "Ann [Smith]")
    # BT_SESSION_HOST too: taking the session would start a session host that outlives the test
    for name in ("BT_DATA_DIR", "BT_CONFIG_DIR", "BT_POLICY", "ANDROID_ADB_SERVER_PORT", "BT_SESSION_HOST"):
        monkeypatch.setenv(name, bt_env.env[name])
    monkeypatch.setenv("BT_TECHNICIAN", "dave")
    for name in ("BT_DATABASE_URL", "BT_SESSION", "BT_DEVICE", "BT_SKILLS"):
        monkeypatch.delenv(name, raising=False)
    from bt_core.services import Services
    from bt_core.settings import load_settings
    from bt_tui.app import make_app
    from tests.tui.conftest import settle

    services = Services(load_settings())
    try:
        app = make_app(services)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("n")
            await settle(app, pilot)
            assert type(app.screen).__name__ == "SessionScreen"
            assert app.screen.record.id == session_id
            assert app.screen.record.technician == "dave"
    finally:
        services.close()
