"""The session store: SQLite (WAL) in the user's data dir, or PostgreSQL when BT_DATABASE_URL says so.

One code path (SQLAlchemy Core) for both. Every write is its own transaction, committed before the
method returns, so whatever a caller has been told is done survives a crash or `kill -9`.
"""

from __future__ import annotations

import fcntl
import json
import secrets
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, create_engine, event, exists, func, literal, select, text, update
from sqlalchemy.exc import DatabaseError, IntegrityError, SQLAlchemyError

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

_SESSION_JSON = {"skills", "attributes", "ip_addresses", "owners"}
_SESSION_TIMES = {"created_at", "queued_at", "started_at", "ended_at"}
_TRANSFER_TIMES = {"created_at", "started_at", "finished_at"}


def now_ms() -> int:
    return int(time.time() * 1000)


def to_dt(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC)


def to_ms(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp() * 1000)


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def normalise_url(url: str) -> str:
    """Accept plain postgres:// URLs and point them at psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Store:
    """Sessions, the transcript, notes and transfers."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- opening -----------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, sqlite_path: Path | None = None) -> Store:
        """Open (and migrate) the store at `url`, or the SQLite file at `sqlite_path`."""
        if url:
            url = normalise_url(url)
            if not url.startswith(("postgresql+psycopg://", "sqlite")):
                raise UsageError(f"unsupported database URL {url.split(':', 1)[0]!r}: use postgresql:// or sqlite:///")
            try:
                engine = create_engine(url, pool_pre_ping=True)
            except (SQLAlchemyError, ValueError) as error:
                raise StoreError(f"cannot use database URL: {error}") from None
            if url.startswith("sqlite"):
                _tune_sqlite(engine)
        else:
            assert sqlite_path is not None
            try:
                sqlite_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"cannot use {sqlite_path.parent} as the data folder: {error.strerror} (check BT_DATA_DIR)"
                ) from None
            engine = create_engine(sqlite_url(sqlite_path))
            _tune_sqlite(engine)
        store = cls(engine)
        store._migrate(sqlite_path)
        return store

    def _migrate(self, sqlite_path: Path | None) -> None:
        """Bring the schema up to date; on every run but the first after an upgrade, one query does."""
        where = f" at {sqlite_path}" if sqlite_path is not None else ""
        try:
            with self.engine.connect() as conn:
                if migrations.is_current(conn):
                    return
        except DatabaseError as error:
            raise StoreError(f"cannot open the session store{where}: {_one_line(error)}") from None
        lock_file = None
        try:
            if sqlite_path is not None:
                lock_file = open(f"{sqlite_path}.lock", "a+")  # noqa: SIM115 - held for the migration only
                fcntl.flock(lock_file, fcntl.LOCK_EX)
            with self.engine.begin() as conn:
                migrations.migrate(conn)
        except OSError as error:
            raise StoreError(f"cannot open the session store at {sqlite_path}: {error.strerror}") from None
        except DatabaseError as error:
            raise StoreError(f"cannot open the session store{where}: {_one_line(error)}") from None
        finally:
            if lock_file is not None:
                lock_file.close()

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except IntegrityError:
            raise
        except DatabaseError as error:
            raise StoreError(f"session store error: {_one_line(error)}") from None

    # -- sessions ----------------------------------------------------------------------------------
    def create_session(self, record: SessionRecord) -> SessionRecord:
        values = _session_values(record)
        with self._tx() as conn:
            conn.execute(schema.sessions.insert().values(**values, next_seq=0))
        return record

    def create_session_if_device_free(self, record: SessionRecord) -> bool:
        """Insert a session only when its device (serial on its adb server) has no open session, decided
        atomically; False when another session holds the device.

        SQLite: one INSERT … SELECT … WHERE NOT EXISTS statement runs under the write lock. PostgreSQL:
        the same statement after a transaction-scoped advisory lock on the device, since READ COMMITTED
        would let two concurrent inserts both see "no open session".
        """
        values = {**_session_values(record), "next_seq": 0}
        t = schema.sessions
        with self._tx() as conn:
            if conn.dialect.name == "postgresql":
                key = f"bt-device:{record.adb_server}:{record.serial}"
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
            same_server = t.c.adb_server.is_(None) if record.adb_server is None else t.c.adb_server == record.adb_server
            busy = select(t.c.id).where(and_(t.c.serial == record.serial, same_server, t.c.status != "ended"))
            names = list(values)
            row = select(*[literal(values[n], type_=t.c[n].type) for n in names]).where(~exists(busy))
            # RETURNING, not rowcount: psycopg reports no row count for INSERT ... SELECT through SQLAlchemy
            inserted = conn.execute(t.insert().from_select(names, row).returning(t.c.id)).first()
            return inserted is not None

    @staticmethod
    def new_session_id() -> str:
        return secrets.token_hex(4)

    def get_session(self, session_id: str) -> SessionRecord:
        """The session with this id, or the only one whose id starts with it."""
        t = schema.sessions
        with self._tx() as conn:
            row = conn.execute(select(t).where(t.c.id == session_id)).mappings().first()
            if row is None and session_id:
                rows = conn.execute(select(t).where(t.c.id.like(f"{session_id}%")).limit(3)).mappings().all()
                if len(rows) == 1:
                    row = rows[0]
                elif len(rows) > 1:
                    raise UsageError(f"session id {session_id!r} is ambiguous: type more of it")
        if row is None:
            raise SessionNotFound(f"no session {session_id!r}: 'bt session list' shows them")
        return _session_from_row(row)

    def list_sessions(self, status: str | None = None, *, serial: str | None = None) -> list[SessionRecord]:
        t = schema.sessions
        query = select(t).order_by(t.c.created_at)
        if status:
            query = query.where(t.c.status == status)
        if serial:
            query = query.where(t.c.serial == serial)
        with self._tx() as conn:
            return [_session_from_row(r) for r in conn.execute(query).mappings()]

    def update_session(self, session_id: str, **fields: Any) -> SessionRecord:
        values = _session_values_partial(fields)
        with self._tx() as conn:
            result = conn.execute(update(schema.sessions).where(schema.sessions.c.id == session_id).values(**values))
            if result.rowcount == 0:
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
        t = schema.events
        seen = 0
        last = after_seq
        while True:
            size = page if limit is None else min(page, limit - seen)
            if size <= 0:
                return
            query = select(t).where(and_(t.c.session_id == session_id, t.c.seq > last)).order_by(t.c.seq).limit(size)
            if kinds:
                query = query.where(t.c.kind.in_(list(kinds)))
            with self._tx() as conn:
                rows = conn.execute(query).mappings().all()
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
        t = schema.events
        with self._tx() as conn:
            return int(conn.execute(select(func.count()).where(t.c.session_id == session_id)).scalar_one())

    # -- notes -------------------------------------------------------------------------------------
    def add_note(
        self, session_id: str, author: str, text: str, *, event: tuple[str, str, dict[str, Any]] | None = None
    ) -> Note:
        """Insert a note; with `event` = (kind, text, data), its transcript event lands in the same
        transaction (data gets `note_id`), so a note never exists without its event or the reverse."""
        at = now_ms()
        with self._tx() as conn:
            result = conn.execute(schema.notes.insert().values(session_id=session_id, author=author, at=at, text=text))
            note_id = int(result.inserted_primary_key[0])
            if event is not None:
                kind, event_text, data = event
                _append_in(conn, session_id, [(author, kind, event_text, {"note_id": note_id, **data})], None)
        return Note(note_id, session_id, author, to_dt(at), text)  # type: ignore[arg-type]

    def notes(self, session_id: str) -> list[Note]:
        t = schema.notes
        with self._tx() as conn:
            rows = conn.execute(select(t).where(t.c.session_id == session_id).order_by(t.c.id)).mappings().all()
        return [Note(int(r["id"]), r["session_id"], r["author"], to_dt(r["at"]), r["text"]) for r in rows]  # type: ignore[arg-type]

    # -- transfers ---------------------------------------------------------------------------------
    def create_transfer(self, transfer: Transfer, spec: dict[str, Any], technician: str | None = None) -> Transfer:
        values = _transfer_values(transfer)
        values.pop("id", None)
        values["spec"] = json.dumps(spec)
        values["technician"] = technician
        with self._tx() as conn:
            result = conn.execute(schema.transfers.insert().values(**values))
            new_id = int(result.inserted_primary_key[0])
        return self.get_transfer(new_id)

    def get_transfer(self, transfer_id: int) -> Transfer:
        t = schema.transfers
        with self._tx() as conn:
            row = conn.execute(select(t).where(t.c.id == transfer_id)).mappings().first()
        if row is None:
            raise NotFound(f"no transfer {transfer_id}: 'bt transfers list' shows them")
        return _transfer_from_row(row)

    def transfer_spec(self, transfer_id: int) -> dict[str, Any]:
        t = schema.transfers
        with self._tx() as conn:
            row = conn.execute(select(t.c.spec).where(t.c.id == transfer_id)).first()
        if row is None:
            raise NotFound(f"no transfer {transfer_id}")
        spec: dict[str, Any] = json.loads(row[0] or "{}")
        return spec

    def list_transfers(self, session_id: str | None = None, states: Sequence[str] | None = None) -> list[Transfer]:
        t = schema.transfers
        query = select(t).order_by(t.c.id)
        if session_id:
            query = query.where(t.c.session_id == session_id)
        if states:
            query = query.where(t.c.state.in_(list(states)))
        with self._tx() as conn:
            return [_transfer_from_row(r) for r in conn.execute(query).mappings()]

    def update_transfer(self, transfer_id: int, *, only_if_state: Sequence[str] | None = None, **fields: Any) -> bool:
        """Update a transfer; with `only_if_state`, only when it is in one of those states (atomic)."""
        t = schema.transfers
        values = {k: (to_ms(v) if k in _TRANSFER_TIMES and isinstance(v, datetime) else v) for k, v in fields.items()}
        query = update(t).where(t.c.id == transfer_id)
        if only_if_state:
            query = query.where(t.c.state.in_(list(only_if_state)))
        with self._tx() as conn:
            return bool(conn.execute(query.values(**values)).rowcount > 0)

    def running_transfer_runners(self) -> list[tuple[int, str | None]]:
        t = schema.transfers
        with self._tx() as conn:
            rows = conn.execute(select(t.c.id, t.c.runner).where(t.c.state == "running")).all()
        return [(int(r[0]), r[1]) for r in rows]

    def delete_transfers(self, ids: Sequence[int]) -> int:
        if not ids:
            return 0
        t = schema.transfers
        with self._tx() as conn:
            return int(conn.execute(t.delete().where(t.c.id.in_(list(ids)))).rowcount)

    # -- session hosts -------------------------------------------------------------------------------
    def claim_host(self, session_id: str, pid: int, hostname: str) -> None:
        """Record this process as the session's host (replacing a dead one's row)."""
        t = schema.session_hosts
        at = now_ms()
        with self._tx() as conn:
            conn.execute(t.delete().where(t.c.session_id == session_id))
            conn.execute(
                t.insert().values(
                    session_id=session_id, pid=pid, hostname=hostname, started_at=at, heartbeat_at=at, state="{}"
                )
            )

    def host_heartbeat(self, session_id: str, pid: int, state: dict[str, Any]) -> bool:
        """Refresh the heartbeat and live state; False when another process has taken the session over."""
        t = schema.session_hosts
        query = update(t).where(and_(t.c.session_id == session_id, t.c.pid == pid))
        with self._tx() as conn:
            values = {"heartbeat_at": now_ms(), "state": json.dumps(state, default=str)}
            return bool(conn.execute(query.values(**values)).rowcount > 0)

    def get_host(self, session_id: str) -> dict[str, Any] | None:
        """The session host's row (pid, hostname, started_at, heartbeat_at in ms, state), or None."""
        t = schema.session_hosts
        with self._tx() as conn:
            row = conn.execute(select(t).where(t.c.session_id == session_id)).mappings().first()
        if row is None:
            return None
        return {**dict(row), "state": json.loads(row["state"] or "{}")}

    def release_host(self, session_id: str, pid: int | None = None) -> None:
        t = schema.session_hosts
        query = t.delete().where(t.c.session_id == session_id)
        if pid is not None:
            query = query.where(t.c.pid == pid)
        with self._tx() as conn:
            conn.execute(query)


def _one_line(error: DatabaseError) -> str:
    """The driver's message without SQLAlchemy's statement dump and background link."""
    lines = str(error.orig).strip().splitlines()
    return lines[0] if lines else error.__class__.__name__


def _append_in(
    conn: Any,
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
    values: dict[str, Any] = {"next_seq": t.c.next_seq + count}
    if session_updates:
        values.update(_session_values_partial(session_updates))
    where = t.c.id == session_id
    if open_only:
        where = and_(where, t.c.status != "ended")
    row = conn.execute(update(t).where(where).values(**values).returning(t.c.next_seq)).first()
    if row is None:
        if open_only and conn.execute(select(t.c.id).where(t.c.id == session_id)).first() is not None:
            raise SessionEnded(f"session {session_id} has ended: device actions are no longer allowed")
        raise SessionNotFound(f"no session {session_id!r}")
    first = int(row[0]) - count + 1
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
    conn.execute(schema.events.insert(), rows)
    return [
        Event(session_id, first + i, to_dt(at), actor, kind, text, data)  # type: ignore[arg-type]
        for i, (actor, kind, text, data) in enumerate(items)
    ]


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # DB-API objects
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout = 60000")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()


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
