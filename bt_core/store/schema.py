"""The tables, in SQLAlchemy Core, portable between SQLite and PostgreSQL.

Times are integer epoch milliseconds (UTC) and structured values are JSON text, so both databases store
and sort them the same way.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

schema_version = Table(
    "bt_schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", BigInteger, nullable=False),
)

sessions = Table(
    "bt_sessions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("serial", String(255), nullable=False),
    Column("status", String(32), nullable=False),
    Column("priority", String(16), nullable=False, default="medium"),
    Column("queue", String(128), nullable=False, default="general"),
    Column("customer", Text),
    Column("computer_name", Text),
    Column("platform", Text),
    Column("issue", Text),
    Column("skills", Text, nullable=False, default="[]"),
    Column("attributes", Text, nullable=False, default="{}"),
    Column("external_key", String(255)),
    Column("ip_addresses", Text, nullable=False, default="[]"),
    Column("public_site", Text),
    Column("session_type", String(64), nullable=False, default="Android (ADB)"),
    Column("technician", String(128)),
    Column("owners", Text, nullable=False, default="[]"),
    Column("grant_level", String(16), nullable=False, default="none"),
    Column("paused", Boolean, nullable=False, default=False),
    Column("created_at", BigInteger, nullable=False),
    Column("queued_at", BigInteger, nullable=False),
    Column("started_at", BigInteger),
    Column("ended_at", BigInteger),
    Column("adb_server", String(255)),
    Column("next_seq", BigInteger, nullable=False, default=0),
)
Index("bt_sessions_status", sessions.c.status)

events = Table(
    "bt_events",
    metadata,
    Column("session_id", String(32), ForeignKey("bt_sessions.id"), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("data", Text, nullable=False, default="{}"),
    PrimaryKeyConstraint("session_id", "seq", name="bt_events_pk"),
)

notes = Table(
    "bt_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(32), ForeignKey("bt_sessions.id"), nullable=False),
    Column("author", String(128), nullable=False),
    Column("at", BigInteger, nullable=False),
    Column("text", Text, nullable=False),
)
Index("bt_notes_session", notes.c.session_id)

transfers = Table(
    "bt_transfers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(32), ForeignKey("bt_sessions.id"), nullable=False),
    Column("direction", String(8), nullable=False),
    Column("origin", Text, nullable=False),
    Column("destination", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("bytes_total", BigInteger, nullable=False, default=0),
    Column("bytes_done", BigInteger, nullable=False, default=0),
    Column("files_total", Integer, nullable=False, default=0),
    Column("files_done", Integer, nullable=False, default=0),
    Column("on_clash", String(16), nullable=False, default="overwrite"),
    Column("preserve_times", Boolean, nullable=False, default=True),
    Column("created_at", BigInteger, nullable=False),
    Column("started_at", BigInteger),
    Column("finished_at", BigInteger),
    Column("error", Text),
    Column("cancel_requested", Boolean, nullable=False, default=False),
    Column("spec", Text, nullable=False, default="{}"),
    Column("technician", String(128)),
    Column("runner", String(255)),  # "host:pid" of the process running it (migration 2)
)
Index("bt_transfers_session", transfers.c.session_id)

claims = Table(
    "bt_claims",
    metadata,
    Column("serial", String(255), primary_key=True),
    Column("adb_server", String(255)),
    Column("holder", String(128)),  # NULL: free
    Column("token", String(64)),
    Column("purpose", Text),
    Column("owner", String(255)),  # "host:pid" of the claiming process
    Column("claimed_at", BigInteger),
    Column("heartbeat_at", BigInteger),
    Column("expires_at", BigInteger),  # NULL while held: until released (a session's claim)
    Column("ttl_ms", BigInteger),
)

session_hosts = Table(
    "bt_session_hosts",
    metadata,
    Column("session_id", String(32), ForeignKey("bt_sessions.id"), primary_key=True),
    Column("pid", Integer, nullable=False),
    Column("hostname", String(255), nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("heartbeat_at", BigInteger, nullable=False),
    Column("state", Text, nullable=False, default="{}"),  # JSON: page, mapping, presence, indicator (migration 4)
)
