"""A writer process for the durability tests: appends events and prints each acknowledged seq."""

from __future__ import annotations

import sys
from pathlib import Path

from bt_core.events import EventKind
from bt_core.store import Store


def main() -> None:
    url, session_id, actor, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = (
        Store.open(url)
        if "://" in url and not url.startswith("sqlite")
        else Store.open(None, sqlite_path=Path(url.removeprefix("sqlite:///")))
    )
    for index in range(count):
        event = store.append_event(session_id, actor, EventKind.CHAT_SENT, f"{actor} {index}", {"index": index})
        sys.stdout.write(f"{event.seq} {index}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
