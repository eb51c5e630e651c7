"""The tables as the migrations build them: names and declared column types, portable between SQLite and
PostgreSQL.

Times are integer epoch milliseconds (UTC) and structured values are JSON text, so both databases store
and sort them the same way. The migrations own the DDL; this description is what the queries may name
(a column outside it is a bug, refused before any SQL is built) and what the schema test compares a fresh
database against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, str]  # column -> declared type, as in the DDL (SERIAL shows as INTEGER)

    def check(self, names: Iterable[str]) -> list[str]:
        """The names, refused if this table lacks one (column names are written into the SQL)."""
        names = list(names)
        unknown = [n for n in names if n not in self.columns]
        if unknown:
            raise ValueError(f"{self.name} has no column {', '.join(unknown)}")
        return names

    def insert(self, names: Iterable[str]) -> str:
        """`INSERT INTO table (a, b) VALUES (:a, :b)`."""
        names = self.check(names)
        return f"INSERT INTO {self.name} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"

    def assignments(self, names: Iterable[str]) -> str:
        """`a = :a, b = :b`, for an UPDATE's SET."""
        return ", ".join(f"{n} = :{n}" for n in self.check(names))

    def bind(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The values as the drivers want them: BOOLEAN columns get real bools (PostgreSQL refuses 1)."""
        return {k: bool(v) if v is not None and self.columns.get(k) == "BOOLEAN" else v for k, v in values.items()}


schema_version = Table("bt_schema_version", {"version": "INTEGER", "applied_at": "BIGINT"})

sessions = Table(
    "bt_sessions",
    {
        "id": "VARCHAR(32)",
        "serial": "VARCHAR(255)",
        "status": "VARCHAR(32)",
        "priority": "VARCHAR(16)",
        "queue": "VARCHAR(128)",
        "customer": "TEXT",
        "computer_name": "TEXT",
        "platform": "TEXT",
        "issue": "TEXT",
        "skills": "TEXT",
        "attributes": "TEXT",
        "external_key": "VARCHAR(255)",
        "ip_addresses": "TEXT",
        "public_site": "TEXT",
        "session_type": "VARCHAR(64)",
        "technician": "VARCHAR(128)",
        "owners": "TEXT",
        "grant_level": "VARCHAR(16)",
        "paused": "BOOLEAN",
        "created_at": "BIGINT",
        "queued_at": "BIGINT",
        "started_at": "BIGINT",
        "ended_at": "BIGINT",
        "adb_server": "VARCHAR(255)",
        "next_seq": "BIGINT",
    },
)

events = Table(
    "bt_events",
    {
        "session_id": "VARCHAR(32)",
        "seq": "BIGINT",
        "at": "BIGINT",
        "actor": "VARCHAR(128)",
        "kind": "VARCHAR(64)",
        "text": "TEXT",
        "data": "TEXT",
    },
)

notes = Table(
    "bt_notes",
    {"id": "INTEGER", "session_id": "VARCHAR(32)", "author": "VARCHAR(128)", "at": "BIGINT", "text": "TEXT"},
)

transfers = Table(
    "bt_transfers",
    {
        "id": "INTEGER",
        "session_id": "VARCHAR(32)",
        "direction": "VARCHAR(8)",
        "origin": "TEXT",
        "destination": "TEXT",
        "state": "VARCHAR(16)",
        "bytes_total": "BIGINT",
        "bytes_done": "BIGINT",
        "files_total": "INTEGER",
        "files_done": "INTEGER",
        "on_clash": "VARCHAR(16)",
        "preserve_times": "BOOLEAN",
        "created_at": "BIGINT",
        "started_at": "BIGINT",
        "finished_at": "BIGINT",
        "error": "TEXT",
        "cancel_requested": "BOOLEAN",
        "spec": "TEXT",
        "technician": "VARCHAR(128)",
        "runner": "VARCHAR(255)",  # "host:pid" of the process running it (migration 2)
    },
)

claims = Table(
    "bt_claims",
    {
        "serial": "VARCHAR(255)",
        "adb_server": "VARCHAR(255)",
        "holder": "VARCHAR(128)",  # NULL: free
        "token": "VARCHAR(64)",
        "purpose": "TEXT",
        "owner": "VARCHAR(255)",  # "host:pid" of the claiming process
        "claimed_at": "BIGINT",
        "heartbeat_at": "BIGINT",
        "expires_at": "BIGINT",  # NULL while held: until released (a session's claim)
        "ttl_ms": "BIGINT",
    },
)

session_hosts = Table(
    "bt_session_hosts",
    {
        "session_id": "VARCHAR(32)",
        "pid": "INTEGER",
        "hostname": "VARCHAR(255)",
        "started_at": "BIGINT",
        "heartbeat_at": "BIGINT",
        "state": "TEXT",  # JSON: page, mapping, presence, indicator (migration 4)
    },
)

TABLES = (schema_version, sessions, events, notes, transfers, claims, session_hosts)
