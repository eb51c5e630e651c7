"""Store fixtures: every store test runs on SQLite and on a real PostgreSQL (BT_TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bt_core.models import SessionRecord
from bt_core.store import Store


def _reset_postgres(url: str) -> None:
    from bt_core.store.db import Database

    db = Database.from_url(url)
    with db.transaction() as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    db.close()


def raw_database(url: str):
    """The store's database without the store: for building old schemas by hand."""
    from bt_core.store.db import Database

    return Database.from_url(url)


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request, tmp_path: Path) -> str:
    """A URL for an empty store: a SQLite file, or the test PostgreSQL database wiped clean."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'bt.sqlite3'}"
    url = os.environ.get("BT_TEST_DATABASE_URL")
    if not url:
        pytest.skip("BT_TEST_DATABASE_URL not set (scripts/test.sh starts a private PostgreSQL)")
    _reset_postgres(url)
    return url


def open_store(url: str) -> Store:
    if url.startswith("sqlite:///"):
        return Store.open(None, sqlite_path=Path(url.removeprefix("sqlite:///")))
    return Store.open(url)


@pytest.fixture
def store(store_url: str):
    s = open_store(store_url)
    yield s
    s.close()


def new_session(store: Store, **fields) -> SessionRecord:
    record = SessionRecord(
        id=store.new_session_id(),
        serial=fields.pop("serial", "emulator-5554"),
        status=fields.pop("status", "in_progress"),
        **fields,
    )
    return store.create_session(record)
