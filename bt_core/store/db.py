"""A thin DB-API layer: one SQL text per query for SQLite (stdlib sqlite3) and PostgreSQL (psycopg 3).

Why not SQLAlchemy: importing it cost every bt command about 250 ms, for queries simple enough to write
once in the subset both databases share (RETURNING, ON CONFLICT DO NOTHING). Parameters are written
`:name`; for psycopg they become `%(name)s`. psycopg is imported only for a PostgreSQL URL.

Transactions are explicit on both: a write transaction is `BEGIN IMMEDIATE` on SQLite (the write lock is
taken before anything is read, so read-then-write sequences cannot deadlock and seq allocation stays
serialised) and `BEGIN` on PostgreSQL (row locks and advisory locks do the rest); a read runs each
statement on its own, as autocommit.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bt_core.errors import StoreError, UsageError

Row = dict[str, Any]
Params = Mapping[str, Any]

_SQLITE_PRAGMAS = (
    "PRAGMA busy_timeout = 60000",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
)
#: How long opening a SQLite store keeps trying while other processes hold it in ways SQLite answers
#: "database is locked" at once, without waiting (switching the journal to WAL, a WAL recovery).
_SQLITE_OPEN_PATIENCE = 30.0
_IDLE_KEPT = 8  # idle connections kept for reuse; more are closed
_PING_AFTER = 30.0  # seconds idle after which a PostgreSQL connection is checked before reuse
# a quoted literal (left alone), a :name outside one (not a PostgreSQL ::cast), or a % to escape
_TOKENS = re.compile(r"('(?:[^']|'')*')|(?<![:\w]):([A-Za-z_]\w*)|(%)")


class DatabaseError(StoreError):
    """A driver error, with the driver's own one-line message in `detail`."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"session store error: {detail}")
        self.detail = detail


class IntegrityError(DatabaseError):
    """A constraint refused the write (duplicate key, missing foreign row)."""


@functools.lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """The `:name` SQL in psycopg's `%(name)s` style (a literal % doubled)."""

    def swap(match: re.Match[str]) -> str:
        quoted, name, percent = match.groups()
        if quoted is not None:
            return quoted.replace("%", "%%")
        if name is not None:
            return f"%({name})s"
        return "%%" if percent else match.group(0)

    return _TOKENS.sub(swap, sql)


def in_list(prefix: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """`(:p0, :p1, ...)` and its parameters, for `column IN (...)` written once for both databases."""
    params = {f"{prefix}{i}": value for i, value in enumerate(values)}
    if not params:
        raise ValueError("an IN list needs at least one value")
    return "(" + ", ".join(f":{name}" for name in params) + ")", params


def one_line(error: BaseException) -> str:
    """The driver's message, first line only (psycopg adds LINE/DETAIL lines)."""
    lines = str(error).strip().splitlines()
    return lines[0] if lines else error.__class__.__name__


class Result:
    """Every row of a statement (as dicts, fetched at once) and its row count."""

    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self.rows = rows
        self.rowcount = rowcount

    def first(self) -> Row | None:
        return self.rows[0] if self.rows else None

    def scalar(self) -> Any:
        """The first column of the first row, or None."""
        return next(iter(self.rows[0].values())) if self.rows else None


class Connection:
    """One driver connection inside a transaction; errors come out as DatabaseError."""

    def __init__(self, raw: Any, database: Database) -> None:
        self.raw = raw
        self.dialect = database.dialect
        self._errors = database.driver_errors
        self._pg = database.dialect == "postgresql"

    def execute(self, sql: str, params: Params | None = None) -> Result:
        try:
            cursor = self.raw.execute(pyformat(sql) if self._pg else sql, dict(params or {}))
            if cursor.description is None:
                return Result([], cursor.rowcount)
            if self._pg:  # dict_row already
                rows = cursor.fetchall()
            else:
                names = [d[0] for d in cursor.description]
                rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            return Result(rows, cursor.rowcount)
        except self._errors as error:
            raise mapped(error) from None

    def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        try:
            if self._pg:
                with self.raw.cursor() as cursor:
                    cursor.executemany(pyformat(sql), [dict(r) for r in rows])
            else:
                self.raw.executemany(sql, [dict(r) for r in rows])
        except self._errors as error:
            raise mapped(error) from None


def mapped(error: BaseException) -> DatabaseError:
    """sqlite3's and psycopg's errors as bt's; an IntegrityError (psycopg: any subclass) stays one."""
    integrity = any(k.__name__ == "IntegrityError" for k in type(error).__mro__)
    return (IntegrityError if integrity else DatabaseError)(one_line(error))


class Database:
    """A SQLite file or a PostgreSQL URL, with a small pool of connections shared by threads."""

    def __init__(self, dialect: str, target: str) -> None:
        self.dialect = dialect  # "sqlite" or "postgresql"
        self._target = target
        self._idle: list[tuple[Any, float]] = []
        self._lock = threading.Lock()
        self._closed = False
        if dialect == "postgresql":
            import psycopg  # only for PostgreSQL: it costs start-up time

            self.driver_errors: tuple[type[BaseException], ...] = (psycopg.Error,)
        else:
            self.driver_errors = (sqlite3.Error,)

    @classmethod
    def sqlite(cls, path: Path) -> Database:
        return cls("sqlite", str(path))

    @classmethod
    def from_url(cls, url: str) -> Database:
        """postgres[ql][+psycopg]://… or sqlite:///relative/path, sqlite:////absolute/path."""
        scheme, sep, rest = url.partition("://")
        base = scheme.split("+", 1)[0].lower()
        if sep and base in ("postgres", "postgresql"):
            return cls("postgresql", f"postgresql://{rest}")
        if sep and base == "sqlite":
            path = rest[1:] if rest.startswith("/") else rest
            if not path or path == ":memory:":
                raise UsageError("a sqlite:/// URL needs a file path (sqlite:////var/lib/bt/bt.sqlite3)")
            return cls.sqlite(Path(path))
        raise UsageError(f"unsupported database URL {url.split(':', 1)[0]!r}: use postgresql:// or sqlite:///")

    # -- connections --------------------------------------------------------------------------------
    def _connect(self) -> Any:
        if self.dialect == "postgresql":
            import psycopg
            from psycopg.rows import dict_row

            return psycopg.connect(self._target, autocommit=True, row_factory=dict_row)
        raw = sqlite3.connect(self._target, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            for pragma in _SQLITE_PRAGMAS:
                raw.execute(pragma)
            _wal(raw)
        except sqlite3.Error:
            raw.close()
            raise
        return raw

    def _checkout(self) -> Any:
        while True:
            with self._lock:
                if not self._idle:
                    break
                raw, since = self._idle.pop()
            if self.dialect != "postgresql" or time.monotonic() - since < _PING_AFTER:
                return raw
            try:  # a long-idle PostgreSQL connection may have been dropped by the server
                raw.execute("SELECT 1")
                return raw
            except self.driver_errors:
                self._discard(raw)
        return self._connect()

    def _checkin(self, raw: Any) -> None:
        with self._lock:
            if not self._closed and len(self._idle) < _IDLE_KEPT:
                self._idle.append((raw, time.monotonic()))
                return
        self._discard(raw)

    def _discard(self, raw: Any) -> None:
        try:
            raw.close()
        except self.driver_errors:
            pass

    def _in_transaction(self, raw: Any) -> bool:
        if self.dialect == "postgresql":
            from psycopg.pq import TransactionStatus

            return bool(raw.info.transaction_status != TransactionStatus.IDLE)
        return bool(raw.in_transaction)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Connection]:
        """A connection for the block: committed at its end, rolled back if it raises.

        `write`: one transaction (SQLite: BEGIN IMMEDIATE, the write lock first); otherwise each
        statement stands alone, which is all a read needs.
        """
        try:
            raw = self._checkout()
        except self.driver_errors as error:
            raise mapped(error) from None
        healthy = False
        try:
            if write:
                raw.execute("BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN")
            yield Connection(raw, self)
            if write:
                raw.execute("COMMIT")
            healthy = True
        except self.driver_errors as error:
            raise mapped(error) from None
        finally:
            if not healthy:
                try:
                    if self._in_transaction(raw):
                        raw.execute("ROLLBACK")
                    healthy = not getattr(raw, "broken", False)
                except self.driver_errors:
                    healthy = False
            if healthy:
                self._checkin(raw)
            else:
                self._discard(raw)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for raw, _ in idle:
            self._discard(raw)


def _wal(raw: sqlite3.Connection) -> None:
    """The store in WAL mode (readers never block the writer), set once: the mode is kept in the file.

    Many processes opening the store at once (a lab's claimers) used to each ask for WAL, and asking
    takes a lock SQLite does not wait for: one of them failed with "database is locked" (exit 15).
    Reading the mode waits as any read does; the switch, only needed on a new store, is retried."""
    deadline = time.monotonic() + _SQLITE_OPEN_PATIENCE
    while True:
        try:
            mode = raw.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                raw.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
