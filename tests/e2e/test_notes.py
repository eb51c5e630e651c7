"""Private notes in the shared store: written by alice, read by bob in another process, on SQLite and on
PostgreSQL; allowed after the session ends; never shown on the device."""

from __future__ import annotations

import json
import os

import pytest

from tests.core.store_fixtures import _reset_postgres
from tests.e2e.test_foundation import start_session


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request, bt_env):
    if request.param == "postgres":
        url = os.environ.get("BT_TEST_DATABASE_URL")
        if not url:
            pytest.skip("BT_TEST_DATABASE_URL not set (scripts/test.sh starts a private PostgreSQL)")
        _reset_postgres(url)  # sessions earlier tests left open on the shared device would hold it
        bt_env.env["BT_DATABASE_URL"] = url
    return bt_env


def test_notes_by_alice_are_read_by_bob_and_stay_off_the_device(store_env, vdevice):
    bt_env = store_env
    session_id = start_session(bt_env, vdevice.serial)["id"]
    added = bt_env.run("notes", "add", "Customer says [b]Wi-Fi[/b] drops at 9pm; router is <old>", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["author"] == "alice"

    bob = {"BT_TECHNICIAN": "bob"}
    assert bt_env.run("session", "transfer", session_id, "--to", "bob").returncode == 0
    assert bt_env.run("session", "join", session_id, env=bob).returncode == 0
    listed = bt_env.run("notes", "list", "--json", env=bob)
    assert listed.returncode == 0, listed.stderr
    notes = json.loads(listed.stdout)
    assert [(n["author"], n["text"]) for n in notes] == [
        ("alice", "Customer says [b]Wi-Fi[/b] drops at 9pm; router is <old>")
    ]
    human = bt_env.run("notes", "list", env=bob)
    assert "alice: Customer says [b]Wi-Fi[/b] drops at 9pm; router is <old>" in human.stdout

    assert bt_env.run("session", "end", env=bob).returncode == 0
    late = bt_env.run("notes", "add", "Follow-up: replaced router", env=bob)
    assert late.returncode == 0, late.stderr  # notes are allowed after the end
    again = json.loads(bt_env.run("notes", "list", "--json", "--session", session_id).stdout)
    assert [n["author"] for n in again] == ["alice", "bob"]

    log = json.loads(bt_env.run("log", "--json", "--session", session_id).stdout)
    marked = [e for e in log if e["kind"] == "note.added"]
    assert len(marked) == 2 and all(e["data"]["private"] for e in marked)
    on_device = " ".join(n.text for n in vdevice.state.screen.notifications)
    assert "router" not in on_device and "Wi-Fi" not in on_device


def test_empty_note_and_unknown_session_are_usage_errors(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    empty = bt_env.run("notes", "add", "   ")
    assert empty.returncode == 2 and empty.stderr == "bt: error: the note is empty\n"
    missing = bt_env.run("notes", "list", "--session", "nope")
    assert missing.returncode == 11
