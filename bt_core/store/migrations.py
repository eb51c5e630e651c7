"""Schema migrations, numbered from 1 and applied in order, once, under a lock.

Each migration is a function of a connection inside a transaction; the applied version is recorded in
`bt_schema_version`. Add new ones at the end; never edit one that has shipped.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Connection, select, text

from bt_core.store import schema


def _v1_initial(conn: Connection) -> None:
    tables = [schema.sessions, schema.events, schema.notes, schema.transfers]
    schema.metadata.create_all(conn, tables=tables, checkfirst=True)


MIGRATIONS: list[Callable[[Connection], None]] = [_v1_initial]
LATEST = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    schema.metadata.create_all(conn, tables=[schema.schema_version], checkfirst=True)
    value = conn.execute(select(schema.schema_version.c.version).order_by(schema.schema_version.c.version.desc()))
    row = value.first()
    return int(row[0]) if row else 0


def migrate(conn: Connection) -> int:
    """Bring the schema up to date; returns the version now in place. Call inside a transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
    version = current_version(conn)
    if version > LATEST:
        from bt_core.errors import StoreError

        raise StoreError(
            f"the database has schema version {version}, newer than this bt ({LATEST}): upgrade bt"
        )
    for number in range(version + 1, LATEST + 1):
        MIGRATIONS[number - 1](conn)
        conn.execute(schema.schema_version.insert().values(version=number, applied_at=int(time.time() * 1000)))
    return LATEST
