"""The session store: SQLite (WAL) in the user's data dir, or PostgreSQL when BT_DATABASE_URL says so.

One code path for both: plain SQL through a thin DB-API layer (`db.py`: stdlib sqlite3, or psycopg 3
for PostgreSQL). Every write is its own transaction, committed before the method returns, so whatever a
caller has been told is done survives a crash or `kill -9`.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bt_core.errors import NotFound, SessionEnded, SessionNotFound, StoreError, UsageError
from bt_core.models import (
    Choice,
    Direction,
    Event,
    Grant,
    Note,
    OnClash,
    Priority,
    SessionRecord,
    SessionStatus,
    Transfer,
    TransferState,
)
from bt_core.store import migrations, schema
from bt_core.store.db import Connection, Database, DatabaseError, in_list

_SESSION_JSON = {"skills", "attributes", "ip_addresses", "owners"}
_SESSION_TIMES = {"created_at", "queued_at", "started_at", "ended_at"}
_TRANSFER_TIMES = {"created_at", "started_at", "finished_at"}


def now_ms() -> int:
    return int(time.time() * 1000)


def to_dt(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def to_ms(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


class Store:
    """Sessions, the transcript, notes and transfers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- opening -----------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, sqlite_path: Path | None = None) -> Store:
        """Open (and migrate) the store at `url`, or the SQLite file at `sqlite_path`."""
        if url:
            db = Database.from_url(url)
        else:
            assert sqlite_path is not None
            try:
                sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"cannot use {sqlite_path.parent} as the data folder: {error.strerror} (check BT_DATA_DIR)"
                ) from None
            db = Database.sqlite(sqlite_path)
        store = cls(db)
        store._migrate(sqlite_path)
        return store

    def _migrate(self, sqlite_path: Path | None) -> None:
        """Bring the schema up to date; on every run but the first after an upgrade, one query does."""
        where = f" at {sqlite_path}" if sqlite_path is not None else ""
        try:
            with self.db.transaction(write=False) as conn:
                if migrations.is_current(conn):
                    return
        except DatabaseError as error:
            self.db.close()
            raise StoreError(f"cannot open the session store{where}: {error.detail}") from None
        lock_file = None
        try:
            if sqlite_path is not None:
                lock_file = open(f"{sqlite_path}.lock", "a+")  # noqa: SIM115 - held for the migration only
                fcntl.flock(lock_file, fcntl.LOCK_EX)
            with self.db.transaction() as conn:
                migrations.migrate(conn)
        except OSError as error:
            self.db.close()
            raise StoreError(f"cannot open the session store at {sqlite_path}: {error.strerror}") from None
        except DatabaseError as error:
            self.db.close()
            raise StoreError(f"cannot open the session store{where}: {error.detail}") from None
        except StoreError:
            self.db.close()
            raise
        finally:
            if lock_file is not None:
                lock_file.close()

    def close(self) -> None:
        self.db.close()

    def _tx(self) -> AbstractContextManager[Connection]:
        """A write transaction; driver errors come out as StoreError."""
        return self.db.transaction()

    def _read(self) -> AbstractContextManager[Connection]:
        """Statements that only read, each on its own (no write lock taken)."""
        return self.db.transaction(write=False)

    # -- sessions ----------------------------------------------------------------------------------
    def create_session(self, record: SessionRecord) -> SessionRecord:
        values = {**_session_values(record), "next_seq": 0}
        with self._tx() as conn:
            conn.execute(schema.sessions.insert(values), schema.sessions.bind(values))
        return record

    def create_session_if_device_free(self, record: SessionRecord) -> bool:
        """Insert a session only when its device (serial on its adb server) has no open session, decided
        atomically; False when another session holds the device.

        SQLite: one INSERT … SELECT … WHERE NOT EXISTS statement in a BEGIN IMMEDIATE transaction (the
        write lock). PostgreSQL: the same statement after a transaction-scoped advisory lock on the
        device, since READ COMMITTED would let two concurrent inserts both see "no open session".
        """
        t = schema.sessions
        values = {**_session_values(record), "next_seq": 0}
        names = t.check(values)
        same_server = "adb_server IS NULL" if record.adb_server is None else "adb_server = :busy_server"
        # the busy check has its own parameters: PostgreSQL deduces one type per parameter, and the
        # SELECT list's (VARCHAR from the column) and the WHERE's (TEXT) would disagree
        sql = (
            f"INSERT INTO {t.name} ({', '.join(names)}) SELECT {', '.join(':' + n for n in names)}"
            f" WHERE NOT EXISTS (SELECT 1 FROM {t.name} WHERE serial = :busy_serial AND {same_server}"
            " AND status <> 'ended') RETURNING id"
        )
        params = {**t.bind(values), "busy_serial": record.serial, "busy_server": record.adb_server}
        with self._tx() as conn:
            if conn.dialect == "postgresql":
                key = f"bt-device:{record.adb_server}:{record.serial}"
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(:key))", {"key": key})
            return conn.execute(sql, params).first() is not None

    @staticmethod
    def new_session_id() -> str:
        return os.urandom(4).hex()  # as secrets.token_hex does, without importing hashlib and hmac

    def get_session(self, session_id: str) -> SessionRecord:
        """The session with this id, or the only one whose id starts with it."""
        with self._read() as conn:
            row = conn.execute("SELECT * FROM bt_sessions WHERE id = :id", {"id": session_id}).first()
            if row is None and session_id:
                prefix = session_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                rows = conn.execute(
                    "SELECT * FROM bt_sessions WHERE id LIKE :prefix ESCAPE '\\' LIMIT 3", {"prefix": prefix}
                ).rows
                if len(rows) == 1:
                    row = rows[0]
                elif len(rows) > 1:
                    raise UsageError(f"session id {session_id!r} is ambiguous: type more of it")
        if row is None:
            raise SessionNotFound(f"no session {session_id!r}: 'bt session list' shows them")
        return _session_from_row(row)

    def list_sessions(self, status: str | None = None, *, serial: str | None = None) -> list[SessionRecord]:
        where = []
        if status:
            where.append("status = :status")
        if serial:
            where.append("serial = :serial")
        sql = "SELECT * FROM bt_sessions" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY created_at"
        with self._read() as conn:
            rows = conn.execute(sql, {"status": status, "serial": serial}).rows
        return [_session_from_row(r) for r in rows]

    def update_session(self, session_id: str, **fields: Any) -> SessionRecord:
        t = schema.sessions
        values = _session_values_partial(fields)
        if values:
            sql = f"UPDATE {t.name} SET {t.assignments(values)} WHERE id = :where_id"
            with self._tx() as conn:
                if conn.execute(sql, {**t.bind(values), "where_id": session_id}).rowcount == 0:
                    raise SessionNotFound(f"no session {session_id!r}")
        return self.get_session(session_id)

    # -- transcript --------------------------------------------------------------------------------
    def append_event(
        self,
        session_id: str,
        actor: str,
        kind: str,
        text: str,
        data: dict[str, Any] | None = None,
        *,
        session_updates: dict[str, Any] | None = None,
        open_only: bool = False,
    ) -> Event:
        """Append one event with the next gapless seq, committed before returning.

        The seq comes from an UPDATE … RETURNING on the session row, which serialises concurrent writers
        (row lock on PostgreSQL, the write lock on SQLite); `session_updates` change the session in the
        same transaction, so a status change and its event land together or not at all. With `open_only`
        nothing is written once the session has ended (SessionEnded): no event lands after "Session ended".
        """
        return self.append_events(
            session_id, [(actor, kind, text, data or {})], session_updates=session_updates, open_only=open_only
        )[0]

    def append_events(
        self,
        session_id: str,
        items: Sequence[tuple[str, str, str, dict[str, Any]]],
        *,
        session_updates: dict[str, Any] | None = None,
        open_only: bool = False,
    ) -> list[Event]:
        with self._tx() as conn:
            return _append_in(conn, session_id, items, session_updates, open_only=open_only)

    def events(
        self, session_id: str, *, after_seq: int = 0, limit: int | None = None, kinds: Sequence[str] | None = None
    ) -> list[Event]:
        return list(self.iter_events(session_id, after_seq=after_seq, limit=limit, kinds=kinds))

    def iter_events(
        self,
        session_id: str,
        *,
        after_seq: int = 0,
        limit: int | None = None,
        kinds: Sequence[str] | None = None,
        page: int = 5000,
    ) -> Iterator[Event]:
        """Events in seq order, fetched in pages so an export of 100,000 stays small in memory."""
        params: dict[str, Any] = {"session_id": session_id}
        sql = "SELECT * FROM bt_events WHERE session_id = :session_id AND seq > :last"
        if kinds:
            listed, kind_params = in_list("kind", kinds)
            sql += f" AND kind IN {listed}"
            params.update(kind_params)
        sql += " ORDER BY seq LIMIT :size"
        seen = 0
        last = after_seq
        while True:
            size = page if limit is None else min(page, limit - seen)
            if size <= 0:
                return
            with self._read() as conn:
                rows = conn.execute(sql, {**params, "last": last, "size": size}).rows
            for row in rows:
                yield Event(
                    row["session_id"],
                    int(row["seq"]),
                    to_dt(row["at"]),  # type: ignore[arg-type]
                    row["actor"],
                    row["kind"],
                    row["text"],
                    json.loads(row["data"] or "{}"),
                )
            seen += len(rows)
            if len(rows) < size:
                return
            last = int(rows[-1]["seq"])

    def event_count(self, session_id: str) -> int:
        with self._read() as conn:
            result = conn.execute("SELECT COUNT(*) FROM bt_events WHERE session_id = :id", {"id": session_id})
            return int(result.scalar())

    # -- notes -------------------------------------------------------------------------------------
    def add_note(
        self, session_id: str, author: str, text: str, *, event: tuple[str, str, dict[str, Any]] | None = None
    ) -> Note:
        """Insert a note; with `event` = (kind, text, data), its transcript event lands in the same
        transaction (data gets `note_id`), so a note never exists without its event or the reverse."""
        at = now_ms()
        values = {"session_id": session_id, "author": author, "at": at, "text": text}
        with self._tx() as conn:
            row = conn.execute(schema.notes.insert(values) + " RETURNING id", values).first()
            assert row is not None
            note_id = int(row["id"])
            if event is not None:
                kind, event_text, data = event
                _append_in(conn, session_id, [(author, kind, event_text, {"note_id": note_id, **data})], None)
        return Note(note_id, session_id, author, to_dt(at), text)  # type: ignore[arg-type]

    def notes(self, session_id: str) -> list[Note]:
        with self._read() as conn:
            rows = conn.execute("SELECT * FROM bt_notes WHERE session_id = :id ORDER BY id", {"id": session_id}).rows
        return [Note(int(r["id"]), r["session_id"], r["author"], to_dt(r["at"]), r["text"]) for r in rows]  # type: ignore[arg-type]

    # -- transfers ---------------------------------------------------------------------------------
    def create_transfer(self, transfer: Transfer, spec: dict[str, Any], technician: str | None = None) -> Transfer:
        t = schema.transfers
        values = _transfer_values(transfer)
        values.pop("id", None)
        values["spec"] = json.dumps(spec)
        values["technician"] = technician
        with self._tx() as conn:
            row = conn.execute(t.insert(values) + " RETURNING id", t.bind(values)).first()
            assert row is not None
            new_id = int(row["id"])
        return self.get_transfer(new_id)

    def get_transfer(self, transfer_id: int) -> Transfer:
        with self._read() as conn:
            row = conn.execute("SELECT * FROM bt_transfers WHERE id = :id", {"id": transfer_id}).first()
        if row is None:
            raise NotFound(f"no transfer {transfer_id}: 'bt transfers list' shows them")
        return _transfer_from_row(row)

    def transfer_spec(self, transfer_id: int) -> dict[str, Any]:
        with self._read() as conn:
            row = conn.execute("SELECT spec FROM bt_transfers WHERE id = :id", {"id": transfer_id}).first()
        if row is None:
            raise NotFound(f"no transfer {transfer_id}")
        spec: dict[str, Any] = json.loads(row["spec"] or "{}")
        return spec

    def list_transfers(self, session_id: str | None = None, states: Sequence[str] | None = None) -> list[Transfer]:
        where: list[str] = []
        params: dict[str, Any] = {}
        if session_id:
            where.append("session_id = :session_id")
            params["session_id"] = session_id
        if states:
            listed, state_params = in_list("state", states)
            where.append(f"state IN {listed}")
            params.update(state_params)
        sql = "SELECT * FROM bt_transfers" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id"
        with self._read() as conn:
            rows = conn.execute(sql, params).rows
        return [_transfer_from_row(r) for r in rows]

    def update_transfer(self, transfer_id: int, *, only_if_state: Sequence[str] | None = None, **fields: Any) -> bool:
        """Update a transfer; with `only_if_state`, only when it is in one of those states (atomic)."""
        t = schema.transfers
        values = {k: (to_ms(v) if k in _TRANSFER_TIMES and isinstance(v, datetime) else v) for k, v in fields.items()}
        values = {k: v.value if isinstance(v, Choice) else v for k, v in values.items()}
        if not values:
            return False
        sql = f"UPDATE {t.name} SET {t.assignments(values)} WHERE id = :where_id"
        params = {**t.bind(values), "where_id": transfer_id}
        if only_if_state:
            listed, state_params = in_list("where_state", only_if_state)
            sql += f" AND state IN {listed}"
            params.update(state_params)
        with self._tx() as conn:
            return conn.execute(sql, params).rowcount > 0

    def running_transfer_runners(self) -> list[tuple[int, str | None]]:
        with self._read() as conn:
            rows = conn.execute("SELECT id, runner FROM bt_transfers WHERE state = 'running'").rows
        return [(int(r["id"]), r["runner"]) for r in rows]

    def delete_transfers(self, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        listed, params = in_list("id", ids)
        with self._tx() as conn:
            return int(conn.execute(f"DELETE FROM bt_transfers WHERE id IN {listed}", params).rowcount)

    # -- session hosts -------------------------------------------------------------------------------
    def claim_host(self, session_id: str, pid: int, hostname: str) -> None:
        """Record this process as the session's host (replacing a dead one's row)."""
        t = schema.session_hosts
        at = now_ms()
        values = {"session_id": session_id, "pid": pid, "hostname": hostname, "started_at": at, "heartbeat_at": at}
        with self._tx() as conn:
            conn.execute("DELETE FROM bt_session_hosts WHERE session_id = :id", {"id": session_id})
            conn.execute(t.insert({**values, "state": "{}"}), {**values, "state": "{}"})

    def host_heartbeat(self, session_id: str, pid: int, state: dict[str, Any]) -> bool:
        """Refresh the heartbeat and live state; False when another process has taken the session over."""
        with self._tx() as conn:
            result = conn.execute(
                "UPDATE bt_session_hosts SET heartbeat_at = :at, state = :state WHERE session_id = :id AND pid = :pid",
                {"at": now_ms(), "state": json.dumps(state, default=str), "id": session_id, "pid": pid},
            )
            return result.rowcount > 0

    def get_host(self, session_id: str) -> dict[str, Any] | None:
        """The session host's row (pid, hostname, started_at, heartbeat_at in ms, state), or None."""
        with self._read() as conn:
            row = conn.execute("SELECT * FROM bt_session_hosts WHERE session_id = :id", {"id": session_id}).first()
        if row is None:
            return None
        return {**row, "state": json.loads(row["state"] or "{}")}

    def release_host(self, session_id: str, pid: int | None = None) -> None:
        sql = "DELETE FROM bt_session_hosts WHERE session_id = :id"
        if pid is not None:
            sql += " AND pid = :pid"
        with self._tx() as conn:
            conn.execute(sql, {"id": session_id, "pid": pid})


def _append_in(
    conn: Connection,
    session_id: str,
    items: Sequence[tuple[str, str, str, dict[str, Any]]],
    session_updates: dict[str, Any] | None,
    *,
    open_only: bool = False,
) -> list[Event]:
    """Append events inside the caller's transaction (seq from UPDATE … RETURNING on the session row);
    with `open_only`, an ended session refuses the event (SessionEnded)."""
    t = schema.sessions
    at = now_ms()
    count = len(items)
    updates = _session_values_partial(session_updates or {})
    sets = "next_seq = next_seq + :seq_count" + (", " + t.assignments(updates) if updates else "")
    sql = f"UPDATE {t.name} SET {sets} WHERE id = :where_id"
    if open_only:
        sql += " AND status <> 'ended'"
    params = {**t.bind(updates), "seq_count": count, "where_id": session_id}
    row = conn.execute(sql + " RETURNING next_seq", params).first()
    if row is None:
        exists = conn.execute("SELECT id FROM bt_sessions WHERE id = :id", {"id": session_id}).first()
        if open_only and exists is not None:
            raise SessionEnded(f"session {session_id} has ended: device actions are no longer allowed")
        raise SessionNotFound(f"no session {session_id!r}")
    first = int(row["next_seq"]) - count + 1
    rows = [
        {
            "session_id": session_id,
            "seq": first + i,
            "at": at,
            "actor": actor,
            "kind": kind,
            "text": text,
            "data": json.dumps(data, default=str, ensure_ascii=False),
        }
        for i, (actor, kind, text, data) in enumerate(items)
    ]
    conn.executemany(schema.events.insert(schema.events.columns), rows)
    return [
        Event(session_id, first + i, to_dt(at), actor, kind, text, data)  # type: ignore[arg-type]
        for i, (actor, kind, text, data) in enumerate(items)
    ]


def _session_values(record: SessionRecord) -> dict[str, Any]:
    values = record.to_json()
    return _session_values_partial({k: getattr(record, k) for k in values})


def _session_values_partial(fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in fields.items():
        column = "grant_level" if key == "grant" else key
        if key in _SESSION_JSON:
            value = json.dumps(list(value) if not isinstance(value, dict) else value)
        elif key in _SESSION_TIMES:
            value = to_ms(value) if isinstance(value, datetime) else value
        elif isinstance(value, Choice):
            value = value.value  # the plain string, whatever the driver does with enums
        values[column] = value
    return values


def _session_from_row(row: Any) -> SessionRecord:
    return SessionRecord(
        id=row["id"],
        serial=row["serial"],
        status=SessionStatus(row["status"]),
        priority=Priority(row["priority"]),
        queue=row["queue"],
        customer=row["customer"],
        computer_name=row["computer_name"],
        platform=row["platform"],
        issue=row["issue"],
        skills=tuple(json.loads(row["skills"] or "[]")),
        attributes=json.loads(row["attributes"] or "{}"),
        external_key=row["external_key"],
        ip_addresses=tuple(json.loads(row["ip_addresses"] or "[]")),
        public_site=row["public_site"],
        session_type=row["session_type"],
        technician=row["technician"],
        owners=tuple(json.loads(row["owners"] or "[]")),
        grant=Grant(row["grant_level"]),
        paused=bool(row["paused"]),
        created_at=to_dt(row["created_at"]),  # type: ignore[arg-type]
        queued_at=to_dt(row["queued_at"]),  # type: ignore[arg-type]
        started_at=to_dt(row["started_at"]),
        ended_at=to_dt(row["ended_at"]),
        adb_server=row["adb_server"],
    )


def _transfer_values(transfer: Transfer) -> dict[str, Any]:
    values = {}
    for key in transfer.to_json():
        value = getattr(transfer, key)
        values[key] = to_ms(value) if key in _TRANSFER_TIMES else value.value if isinstance(value, Choice) else value
    return values


def _transfer_from_row(row: Any) -> Transfer:
    return Transfer(
        id=int(row["id"]),
        session_id=row["session_id"],
        direction=Direction(row["direction"]),
        origin=row["origin"],
        destination=row["destination"],
        state=TransferState(row["state"]),
        bytes_total=int(row["bytes_total"]),
        bytes_done=int(row["bytes_done"]),
        files_total=int(row["files_total"]),
        files_done=int(row["files_done"]),
        on_clash=OnClash(row["on_clash"]),
        preserve_times=bool(row["preserve_times"]),
        created_at=to_dt(row["created_at"]),  # type: ignore[arg-type]
        started_at=to_dt(row["started_at"]),
        finished_at=to_dt(row["finished_at"]),
        error=row["error"],
        cancel_requested=bool(row["cancel_requested"]),
    )
