"""The session store on SQLite and on a real PostgreSQL: sessions, a gapless ordered transcript that
survives SIGKILL and concurrent writers, notes read by another technician's process, migrations."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bt_core.errors import SessionNotFound, StoreError, UsageError
from bt_core.store import migrations
from tests.core.store_fixtures import new_session, open_store

WRITER = [sys.executable, "-m", "tests.helpers.append_writer"]
ROOT = Path(__file__).resolve().parents[2]


def test_session_round_trip_keeps_every_info_field(store):
    record = new_session(
        store,
        customer="Dana Ruiz",
        issue="Wi-Fi drops",
        priority="high",
        queue="tier2",
        skills=("wifi", "android"),
        attributes={"contract": "gold", "site": "Lyon"},
        external_key="INC-42",
        ip_addresses=("192.168.1.23",),
        computer_name="Dana's Pixel",
    )
    loaded = store.get_session(record.id)
    assert loaded.customer == "Dana Ruiz"
    assert loaded.skills == ("wifi", "android")
    assert loaded.attributes == {"contract": "gold", "site": "Lyon"}
    assert loaded.ip_addresses == ("192.168.1.23",)
    assert loaded.priority == "high" and loaded.queue == "tier2" and loaded.external_key == "INC-42"
    assert store.get_session(record.id[:5]).id == record.id  # a unique prefix is enough


def test_unknown_and_ambiguous_session_ids_are_clear_errors(store):
    with pytest.raises(SessionNotFound, match="no session"):
        store.get_session("nope")
    ids = [new_session(store).id for _ in range(40)]
    first_chars = {}
    for i in ids:
        first_chars.setdefault(i[0], []).append(i)
    shared = next(prefix for prefix, group in first_chars.items() if len(group) > 1)
    with pytest.raises(UsageError, match="ambiguous"):
        store.get_session(shared)


def test_events_are_gapless_and_ordered_with_session_updates_in_the_same_commit(store):
    record = new_session(store)
    for i in range(5):
        store.append_event(record.id, "alice", "chat.sent", f"message {i}", {"i": i})
    store.append_event(
        record.id, "system", "session.status", "absent", {}, session_updates={"status": "customer_absent"}
    )
    events = store.events(record.id)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert [e.text for e in events[:5]] == [f"message {i}" for i in range(5)]
    assert events[2].data == {"i": 2}
    assert store.get_session(record.id).status == "customer_absent"
    assert [e.seq for e in store.events(record.id, after_seq=4)] == [5, 6]
    assert [e.kind for e in store.events(record.id, kinds=["session.status"])] == ["session.status"]


def test_event_for_a_missing_session_is_refused(store):
    with pytest.raises(SessionNotFound):
        store.append_event("missing", "alice", "chat.sent", "hi")


def test_notes_written_by_one_technician_are_read_by_another_process(store_url):
    writer = open_store(store_url)
    record = new_session(writer)
    writer.add_note(record.id, "alice", "Customer's router is a TP-Link; reset fixed it [b]once[/b]")
    writer.close()
    code = (
        "import sys, json; from tests.core.store_fixtures import open_store; "
        "s = open_store(sys.argv[1]); print(json.dumps([n.to_json() for n in s.notes(sys.argv[2])]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, store_url, record.id], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    import json

    notes = json.loads(out)
    assert notes[0]["author"] == "alice"
    assert "TP-Link" in notes[0]["text"]


def test_sigkill_mid_stream_loses_no_acknowledged_event(store_url):
    store = open_store(store_url)
    record = new_session(store)
    proc = subprocess.Popen(
        [*WRITER, store_url, record.id, "writer", "100000"], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    acknowledged = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while len(acknowledged) < 300 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acknowledged.append(int(line.split()[0]))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(acknowledged) >= 300
    stored = {e.seq: e for e in store.events(record.id)}
    missing = [seq for seq in acknowledged if seq not in stored]
    assert missing == []
    seqs = sorted(stored)
    assert seqs == list(range(1, len(seqs) + 1)), "the transcript has a gap"
    store.close()


def test_two_processes_appending_1000_each_lose_nothing_and_keep_one_order(store_url):
    store = open_store(store_url)
    record = new_session(store)
    procs = [
        subprocess.Popen([*WRITER, store_url, record.id, name, "1000"], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for name in ("left", "right")
    ]
    outputs = [p.communicate(timeout=240)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    events = store.events(record.id)
    assert [e.seq for e in events] == list(range(1, 2001))
    for name, output in zip(("left", "right"), outputs, strict=True):
        own = [e for e in events if e.actor == name]
        assert [e.data["index"] for e in own] == list(range(1000)), f"{name}'s events out of order"
        acked = {int(line.split()[0]) for line in output.splitlines()}
        assert acked == {e.seq for e in own}
    store.close()


def test_migrations_are_idempotent_and_refuse_a_newer_schema(store_url):
    first = open_store(store_url)
    first.close()
    again = open_store(store_url)  # second open: nothing to do, nothing breaks
    with again.engine.begin() as conn:
        assert migrations.current_version(conn) == migrations.LATEST
        from bt_core.store import schema

        conn.execute(schema.schema_version.insert().values(version=migrations.LATEST + 1, applied_at=0))
    again.close()
    with pytest.raises(StoreError, match="newer than this bt"):
        open_store(store_url)


def test_transfers_update_atomically_by_state(store):
    from bt_core.models import Transfer

    record = new_session(store)
    transfer = store.create_transfer(
        Transfer(0, record.id, "push", "/tmp/a", "/sdcard/a", "queued", bytes_total=10), {"items": []}
    )
    assert store.update_transfer(transfer.id, only_if_state=["queued"], state="running")
    assert not store.update_transfer(transfer.id, only_if_state=["queued"], state="running")
    assert store.get_transfer(transfer.id).state == "running"
    assert store.transfer_spec(transfer.id) == {"items": []}


def test_a_version_1_store_is_migrated_and_keeps_its_data(store_url):
    import time as _time

    from sqlalchemy import create_engine, text

    from bt_core.store import normalise_url, schema

    engine = create_engine(normalise_url(store_url))
    with engine.begin() as conn:
        schema.metadata.create_all(conn, tables=[schema.schema_version], checkfirst=True)
        migrations.MIGRATIONS[0](conn)
        conn.execute(schema.schema_version.insert().values(version=1, applied_at=0))
        now = int(_time.time() * 1000)
        conn.execute(
            text(
                "INSERT INTO bt_sessions (id, serial, status, priority, queue, skills, attributes, ip_addresses,"
                " session_type, owners, grant_level, paused, created_at, queued_at, next_seq)"
                " VALUES ('old1', 'x', 'ended', 'low', 'q', '[]', '{}', '[]', 'Android (ADB)', '[]', 'none',"
                " false, :now, :now, 0)"
            ),
            {"now": now},
        )
    engine.dispose()
    store = open_store(store_url)
    with store.engine.begin() as conn:
        assert migrations.current_version(conn) == migrations.LATEST
    assert store.get_session("old1").priority == "low"
    assert store.running_transfer_runners() == []
    store.close()


def test_a_fresh_store_has_exactly_the_columns_of_the_live_schema(store_url):
    """Migrations build the tables, so a fresh database and the live schema must agree column for column
    (v1 is literal DDL: a later ADD COLUMN migration cannot collide with it)."""
    from sqlalchemy import inspect

    from bt_core.store import schema

    store = open_store(store_url)
    inspector = inspect(store.engine)
    for table in schema.metadata.sorted_tables:
        stored = {column["name"] for column in inspector.get_columns(table.name)}
        assert stored == {column.name for column in table.columns}, table.name
    store.close()


def test_one_open_session_per_device_is_decided_by_the_store_even_under_a_race(store_url):
    from concurrent.futures import ThreadPoolExecutor

    from bt_core.models import SessionRecord

    stores = [open_store(store_url) for _ in range(6)]
    try:

        def attempt(s) -> bool:
            record = SessionRecord(id=s.new_session_id(), serial="R58M", status="in_progress", adb_server="lab1:5037")
            return s.create_session_if_device_free(record)

        with ThreadPoolExecutor(len(stores)) as pool:
            won = list(pool.map(attempt, stores))
        assert won.count(True) == 1
        store = stores[0]
        [holder] = store.list_sessions(serial="R58M")
        other = SessionRecord(id=store.new_session_id(), serial="R58M", status="in_progress", adb_server="lab2:5037")
        assert store.create_session_if_device_free(other)  # the same serial on another lab host is another device
        store.update_session(holder.id, status="ended")
        again = SessionRecord(id=store.new_session_id(), serial="R58M", status="waiting", adb_server="lab1:5037")
        assert store.create_session_if_device_free(again)
        assert store.get_session(again.id).status == "waiting"
    finally:
        for s in stores:
            s.close()


NOTE_WRITER = [sys.executable, "-m", "tests.helpers.note_writer"]


def test_kill_9_loop_never_splits_a_note_from_its_event(store_url):
    """A technician's bt killed at any moment leaves each note with its note.added event, or neither."""
    import random

    store = open_store(store_url)
    record = new_session(store)
    rng = random.Random(12)
    for _ in range(20):
        proc = subprocess.Popen(
            [*NOTE_WRITER, store_url, record.id, "100000"], stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert proc.stdout is not None
        for _ in range(rng.randint(1, 25)):
            if not proc.stdout.readline():
                break
        time.sleep(rng.random() * 0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    notes = store.notes(record.id)
    marked = store.events(record.id, kinds=["note.added"])
    assert len(notes) >= 20
    assert sorted(e.data["note_id"] for e in marked) == [n.id for n in notes]
    store.close()
