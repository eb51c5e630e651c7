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
from bt_core.store import migrations, schema
from tests.core.store_fixtures import new_session, open_store, raw_database

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
    with again.db.transaction() as conn:
        assert migrations.current_version(conn) == migrations.LATEST
        conn.execute("INSERT INTO bt_schema_version (version, applied_at) VALUES (:v, 0)", {"v": migrations.LATEST + 1})
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

    db = raw_database(store_url)
    with db.transaction() as conn:
        migrations.current_version(conn)  # the version table, empty
        migrations.MIGRATIONS[0](conn)
        conn.execute("INSERT INTO bt_schema_version (version, applied_at) VALUES (1, 0)")
        now = int(_time.time() * 1000)
        conn.execute(
            "INSERT INTO bt_sessions (id, serial, status, priority, queue, skills, attributes, ip_addresses,"
            " session_type, owners, grant_level, paused, created_at, queued_at, next_seq)"
            " VALUES ('old1', 'x', 'ended', 'low', 'q', '[]', '{}', '[]', 'Android (ADB)', '[]', 'none',"
            " false, :created, :queued, 0)",
            {"created": now, "queued": now},
        )
    db.close()
    store = open_store(store_url)
    with store.db.transaction() as conn:
        assert migrations.current_version(conn) == migrations.LATEST
    assert store.get_session("old1").priority == "low"
    assert store.running_transfer_runners() == []
    store.close()


# What earlier bt versions (SQLAlchemy Core) created, frozen here as literal DDL: the version table from
# SQLAlchemy's create_all (SERIAL on PostgreSQL), then migrations 1 to 4 as they shipped.
_SQLALCHEMY_ERA_V4 = (
    "CREATE TABLE bt_schema_version (version {serial} NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (version))",
    "CREATE TABLE IF NOT EXISTS bt_sessions ("
    " id VARCHAR(32) NOT NULL, serial VARCHAR(255) NOT NULL, status VARCHAR(32) NOT NULL,"
    " priority VARCHAR(16) NOT NULL, queue VARCHAR(128) NOT NULL, customer TEXT, computer_name TEXT,"
    " platform TEXT, issue TEXT, skills TEXT NOT NULL, attributes TEXT NOT NULL, external_key VARCHAR(255),"
    " ip_addresses TEXT NOT NULL, public_site TEXT, session_type VARCHAR(64) NOT NULL,"
    " technician VARCHAR(128), owners TEXT NOT NULL, grant_level VARCHAR(16) NOT NULL, paused BOOLEAN NOT NULL,"
    " created_at BIGINT NOT NULL, queued_at BIGINT NOT NULL, started_at BIGINT, ended_at BIGINT,"
    " adb_server VARCHAR(255), next_seq BIGINT NOT NULL, PRIMARY KEY (id))",
    "CREATE INDEX IF NOT EXISTS bt_sessions_status ON bt_sessions (status)",
    "CREATE TABLE IF NOT EXISTS bt_events ("
    " session_id VARCHAR(32) NOT NULL, seq BIGINT NOT NULL, at BIGINT NOT NULL, actor VARCHAR(128) NOT NULL,"
    " kind VARCHAR(64) NOT NULL, text TEXT NOT NULL, data TEXT NOT NULL,"
    " CONSTRAINT bt_events_pk PRIMARY KEY (session_id, seq), FOREIGN KEY (session_id) REFERENCES bt_sessions (id))",
    "CREATE TABLE IF NOT EXISTS bt_notes ("
    " id {serial} NOT NULL, session_id VARCHAR(32) NOT NULL, author VARCHAR(128) NOT NULL, at BIGINT NOT NULL,"
    " text TEXT NOT NULL, PRIMARY KEY (id), FOREIGN KEY (session_id) REFERENCES bt_sessions (id))",
    "CREATE INDEX IF NOT EXISTS bt_notes_session ON bt_notes (session_id)",
    "CREATE TABLE IF NOT EXISTS bt_transfers ("
    " id INTEGER PRIMARY KEY {auto}, session_id VARCHAR(32) NOT NULL REFERENCES bt_sessions (id),"
    " direction VARCHAR(8) NOT NULL, origin TEXT NOT NULL, destination TEXT NOT NULL,"
    " state VARCHAR(16) NOT NULL, bytes_total BIGINT NOT NULL, bytes_done BIGINT NOT NULL,"
    " files_total INTEGER NOT NULL, files_done INTEGER NOT NULL, on_clash VARCHAR(16) NOT NULL,"
    " preserve_times BOOLEAN NOT NULL, created_at BIGINT NOT NULL, started_at BIGINT, finished_at BIGINT,"
    " error TEXT, cancel_requested BOOLEAN NOT NULL, spec TEXT NOT NULL, technician VARCHAR(128))",
    "CREATE INDEX IF NOT EXISTS bt_transfers_session ON bt_transfers (session_id)",
    "ALTER TABLE bt_transfers ADD COLUMN runner VARCHAR(255)",
    "CREATE TABLE IF NOT EXISTS bt_claims ("
    " serial VARCHAR(255) NOT NULL, adb_server VARCHAR(255), holder VARCHAR(128), token VARCHAR(64),"
    " purpose TEXT, owner VARCHAR(255), claimed_at BIGINT, heartbeat_at BIGINT, expires_at BIGINT,"
    " ttl_ms BIGINT, PRIMARY KEY (serial))",
    "CREATE TABLE IF NOT EXISTS bt_session_hosts ("
    " session_id VARCHAR(32) PRIMARY KEY REFERENCES bt_sessions (id), pid INTEGER NOT NULL,"
    " hostname VARCHAR(255) NOT NULL, started_at BIGINT NOT NULL, heartbeat_at BIGINT NOT NULL,"
    " state TEXT NOT NULL)",
)


def test_a_store_written_by_the_sqlalchemy_era_bt_opens_and_reads_unchanged(store_url):
    """A v4 database as the SQLAlchemy-based bt left it (its DDL, its rows, booleans as that driver stored
    them) opens without a migration, reads back every record, and takes new rows with fresh ids."""
    from bt_core.claims import _claim_from_row

    db = raw_database(store_url)
    postgres = db.dialect == "postgresql"
    words = {
        "serial": "SERIAL" if postgres else "INTEGER",
        "auto": "GENERATED BY DEFAULT AS IDENTITY" if postgres else "AUTOINCREMENT",
    }
    yes, no = ("true", "false") if postgres else ("1", "0")
    with db.transaction() as conn:
        for statement in _SQLALCHEMY_ERA_V4:
            conn.execute(statement.format(**words))
        for version in range(1, 5):
            conn.execute("INSERT INTO bt_schema_version (version, applied_at) VALUES (:v, 0)", {"v": version})
        conn.execute(
            "INSERT INTO bt_sessions VALUES ('a1b2c3d4', 'R58M', 'in_progress', 'high', 'tier2', 'Dana', 'Pixel',"
            " 'Android 14', 'Wi-Fi', '[\"wifi\"]', '{\"site\": \"Lyon\"}', 'INC-9', '[\"10.0.0.2\"]', NULL,"
            f" 'Android (ADB)', 'alice', '[\"alice\"]', 'view', {yes}, 1700000000000, 1700000000000,"
            " 1700000001000, NULL, 'lab1:5037', 2)"
        )
        conn.execute(
            "INSERT INTO bt_events VALUES ('a1b2c3d4', 1, 1700000001000, 'alice', 'session.started', 'started', '{}'),"
            " ('a1b2c3d4', 2, 1700000002000, 'alice', 'chat.sent', 'hello', '{\"i\": 1}')"
        )
        conn.execute("INSERT INTO bt_notes (session_id, author, at, text) VALUES ('a1b2c3d4', 'alice', 1, 'old')")
        conn.execute(
            "INSERT INTO bt_transfers (session_id, direction, origin, destination, state, bytes_total, bytes_done,"
            " files_total, files_done, on_clash, preserve_times, created_at, error, cancel_requested, spec, runner)"
            f" VALUES ('a1b2c3d4', 'pull', '/sdcard/a', '/tmp/a', 'done', 5, 5, 1, 1, 'skip', {yes}, 1, NULL, {no},"
            " '{\"items\": []}', NULL)"
        )
        conn.execute(
            "INSERT INTO bt_claims VALUES ('R58M', 'lab1:5037', 'alice', 'tok', 'session a1b2c3d4', 'h:1', 1, 1,"
            " NULL, NULL)"
        )
        conn.execute("INSERT INTO bt_session_hosts VALUES ('a1b2c3d4', 4242, 'h', 1, 2, '{\"page\": \"chat\"}')")
    db.close()

    store = open_store(store_url)
    record = store.get_session("a1b2")
    assert (record.customer, record.priority, record.grant, record.paused) == ("Dana", "high", "view", True)
    assert record.skills == ("wifi",) and record.attributes == {"site": "Lyon"} and record.owners == ("alice",)
    assert [(e.seq, e.text, e.data) for e in store.events(record.id)] == [(1, "started", {}), (2, "hello", {"i": 1})]
    assert store.append_event(record.id, "bob", "chat.sent", "new").seq == 3  # next_seq carried on
    [old_note] = store.notes(record.id)
    assert store.add_note(record.id, "bob", "new").id > old_note.id  # the SERIAL / rowid goes on
    [transfer] = store.list_transfers(record.id)
    assert (transfer.on_clash, transfer.preserve_times, transfer.cancel_requested) == ("skip", True, False)
    assert store.transfer_spec(transfer.id) == {"items": []}
    assert store.get_host(record.id)["state"] == {"page": "chat"}
    with store.db.transaction(write=False) as conn:
        claim = _claim_from_row(conn.execute("SELECT * FROM bt_claims").first())
        assert migrations.is_current(conn)
    assert (claim.holder, claim.expires_at) == ("alice", None)
    store.close()


def _stored_columns(store) -> dict[str, dict[str, str]]:
    """Each table's columns and declared types as the database reports them, in the schema's spelling."""
    columns: dict[str, dict[str, str]] = {}
    with store.db.transaction(write=False) as conn:
        if store.db.dialect == "sqlite":
            for table in schema.TABLES:
                rows = conn.execute(f"PRAGMA table_info({table.name})").rows
                columns[table.name] = {r["name"]: r["type"] for r in rows}
            return columns
        words = {"character varying": "VARCHAR", "bigint": "BIGINT", "integer": "INTEGER", "text": "TEXT"}
        rows = conn.execute(
            "SELECT table_name, column_name, data_type, character_maximum_length FROM information_schema.columns"
            " WHERE table_schema = current_schema()"
        ).rows
        for r in rows:
            kind = words.get(r["data_type"], r["data_type"].upper())
            if r["character_maximum_length"]:
                kind += f"({r['character_maximum_length']})"
            columns.setdefault(r["table_name"], {})[r["column_name"]] = kind
    return columns


def test_a_fresh_store_has_exactly_the_columns_of_the_declared_schema(store_url):
    """Migrations build the tables, so a fresh database and the schema the queries use must agree column
    for column, type for type (v1 is literal DDL: a later ADD COLUMN migration cannot collide with it)."""
    store = open_store(store_url)
    stored = _stored_columns(store)
    assert set(stored) == {t.name for t in schema.TABLES}
    for table in schema.TABLES:
        assert stored[table.name] == table.columns, table.name
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


def test_one_sql_text_runs_on_both_databases_with_literals_left_alone(store):
    """`:name` parameters become psycopg's `%(name)s`, but not inside a quoted literal; a % stays a %."""
    with store.db.transaction(write=False) as conn:
        row = conn.execute(
            "SELECT '50% off: :not_a_param' AS a, :p AS b, CAST(:n AS INTEGER) + 1 AS c", {"p": "x", "n": 41}
        ).first()
    assert row == {"a": "50% off: :not_a_param", "b": "x", "c": 42}


def test_driver_errors_are_one_line_store_errors_and_a_failed_write_leaves_nothing(store):
    from bt_core.store.db import IntegrityError

    record = new_session(store)
    with pytest.raises(IntegrityError) as duplicate:  # still a StoreError: the CLI's exit code for the store
        store.create_session(record)
    assert isinstance(duplicate.value, StoreError) and "\n" not in str(duplicate.value)
    with pytest.raises(StoreError, match="^session store error: .*no_such_column") as caught:
        with store.db.transaction() as conn:
            conn.execute(
                "INSERT INTO bt_notes (session_id, author, at, text) VALUES (:s, 'a', 1, 't')", {"s": record.id}
            )
            conn.execute("SELECT no_such_column FROM bt_notes")
    assert "\n" not in str(caught.value)
    with pytest.raises(RuntimeError):
        with store.db.transaction() as conn:
            conn.execute(
                "INSERT INTO bt_notes (session_id, author, at, text) VALUES (:s, 'a', 1, 't')", {"s": record.id}
            )
            raise RuntimeError("the caller fails half way")
    assert store.notes(record.id) == []  # both transactions rolled back
    assert store.add_note(record.id, "alice", "after").text == "after"  # and the pooled connection still works
