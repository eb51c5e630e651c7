"""The transcript at scale: 100,000 events appended (one committed transaction each, as bt does),
then exported as JSON lines, on SQLite and (with BT_TEST_DATABASE_URL) PostgreSQL.

Usage: .venv/bin/python bench/bench_transcript.py [--events 100000]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bt_core.store import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run(label: str, store: Store, events: int) -> None:
    from bt_core.models import SessionRecord, SessionStatus
    from bt_core.transcript_export import _write

    new = SessionRecord(id=store.new_session_id(), serial="bench", status=SessionStatus.IN_PROGRESS)
    record = store.create_session(new)
    start = time.perf_counter()
    for index in range(events):
        store.append_event(record.id, "alice", "chat.sent", f"message number {index}", {"index": index})
    append_s = time.perf_counter() - start
    sink = io.StringIO()
    start = time.perf_counter()
    count = _write(store, record, "jsonl", sink)
    export_s = time.perf_counter() - start
    assert count == events
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:10} append {events} events: {append_s:6.1f} s ({events / append_s:8.0f}/s)   "
        f"export jsonl: {export_s:5.2f} s ({len(sink.getvalue()) / 1e6:.1f} MB)   peak RSS {rss_mb:.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    from bt_core.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(None, sqlite_path=Path(tmp) / "bench.sqlite3")
        run("sqlite", store, args.events)
        store.close()
    url = os.environ.get("BT_TEST_DATABASE_URL")
    if url:
        from bt_core.store.db import Database

        db = Database.from_url(url)
        with db.transaction() as conn:
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
        db.close()
        store = Store.open(url)
        run("postgresql", store, args.events)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
