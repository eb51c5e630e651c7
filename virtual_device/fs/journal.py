"""Virtual ownership and mode bits: a JSON snapshot beside the tree plus an append-only journal.

Host files stay ordinary files owned by whoever runs the device; what Android would show as owner,
group and permission bits lives here, keyed by canonical device path. Each change is one journal
line (cheap enough for a file per push); the snapshot is rewritten on compaction and at shutdown.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import IO

#: Journal lines after which the metadata sidecar is rewritten whole (a tree push changes thousands).
META_COMPACT_AFTER = 4096

Change = tuple[str, list[int] | None]


class MetaJournal:
    """The `[uid, gid, perm]` overrides by device path, persisted as snapshot + journal."""

    def __init__(self, root: Path, lock: threading.RLock) -> None:
        self.snapshot_path = root.parent / (root.name + ".meta.json")
        self.journal_path = root.parent / (root.name + ".meta.log")
        self.lock = lock
        self._journal: IO[str] | None = None
        self._lines = 0
        self.entries = self._load()

    def _load(self) -> dict[str, list[int]]:
        """The sidecar snapshot, then the journal of changes made since it was written."""
        meta: dict[str, list[int]] = {}
        try:
            data = json.loads(self.snapshot_path.read_text())
            meta = {str(k): [int(x) for x in v] for k, v in data.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            pass
        try:
            with open(self.journal_path, encoding="utf-8") as journal:
                for line in journal:
                    try:
                        key, value = json.loads(line)
                    except (ValueError, TypeError):
                        continue  # a line torn by a crash
                    if value is None:
                        meta.pop(str(key), None)
                    else:
                        meta[str(key)] = [int(x) for x in value]
        except OSError:
            pass
        return meta

    def log(self, changes: list[Change]) -> None:
        """Append changes (already applied to `entries`) to the journal."""
        if self._journal is None:
            self._journal = open(self.journal_path, "a", encoding="utf-8")  # noqa: SIM115
        self._journal.write("".join(json.dumps([k, v]) + "\n" for k, v in changes))
        self._journal.flush()
        self._lines += len(changes)
        if self._lines >= META_COMPACT_AFTER:
            self.flush()

    def flush(self) -> None:
        """Rewrite the sidecar whole and empty the journal (on compaction and when the device stops)."""
        with self.lock:
            if self._journal is None and not self.journal_path.exists():
                return
            tmp = self.snapshot_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.entries))
            os.replace(tmp, self.snapshot_path)
            if self._journal is not None:
                self._journal.close()
                self._journal = None
            self.journal_path.unlink(missing_ok=True)
            self._lines = 0
