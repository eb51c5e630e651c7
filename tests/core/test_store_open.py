"""Opening an up-to-date store is one query: no migration lock, no schema inspection."""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path

from bt_core.store import Store, db, migrations


def test_an_up_to_date_store_opens_with_one_query_even_while_a_migration_holds_the_lock(tmp_path: Path, monkeypatch):
    path = tmp_path / "bt.sqlite3"
    Store.open(None, sqlite_path=path).close()  # creates and migrates

    statements: list[str] = []
    original = db.Connection.execute

    def counting(self, sql, params=None):  # noqa: ANN001, ANN202 - a spy on every statement the store runs
        statements.append(sql)
        return original(self, sql, params)

    opened: list[Store] = []
    with open(f"{path}.lock", "a+") as lock:  # another process migrating right now
        fcntl.flock(lock, fcntl.LOCK_EX)
        monkeypatch.setattr(db.Connection, "execute", counting)
        worker = threading.Thread(target=lambda: opened.append(Store.open(None, sqlite_path=path)), daemon=True)
        worker.start()
        worker.join(timeout=60)
    assert opened, "opening an up-to-date store waited for the migration lock"
    opened[0].close()
    assert statements == ["SELECT MAX(version) FROM bt_schema_version"]


def test_a_store_behind_the_latest_schema_is_still_migrated(tmp_path: Path, monkeypatch):
    path = tmp_path / "bt.sqlite3"
    Store.open(None, sqlite_path=path).close()
    ran: list[str] = []  # a newer bt with one more migration opens the same file
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, lambda conn: ran.append("new")])
    monkeypatch.setattr(migrations, "LATEST", migrations.LATEST + 1)
    store = Store.open(None, sqlite_path=path)
    with store.db.transaction(write=False) as conn:
        assert migrations.is_current(conn)
    store.close()
    Store.open(None, sqlite_path=path).close()
    assert ran == ["new"]
