"""The state every view of one device tree shares, and the device-path to host-path mapping."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from virtual_device.fs.journal import MetaJournal


@dataclass
class Shared:
    """One tree's state, shared by the shell user's view and the root view (`as_root()`)."""

    meta: MetaJournal
    lock: threading.RLock
    used: int | None = None  # bytes in the data pool; None = not counted yet
    quota: int | None = None
    root_view: Any = None
    staging_ready: bool = False
    proc: Any = None  # the /proc provider (virtual_device.procfs.ProcFiles)


class FsCore:
    """A device tree under `root`, seen as the shell user unless `privileged`."""

    def __init__(self, root: Path, *, privileged: bool = False, _shared: Shared | None = None) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.privileged = privileged
        self._root_s = str(self.root)
        if _shared is None:
            lock = threading.RLock()
            _shared = Shared(meta=MetaJournal(self.root, lock), lock=lock)
        self._shared = _shared

    @property
    def _meta(self) -> dict[str, list[int]]:
        return self._shared.meta.entries

    @property
    def _lock(self) -> threading.RLock:
        return self._shared.lock

    def _log_meta(self, changes: list[tuple[str, list[int] | None]]) -> None:
        self._shared.meta.log(changes)

    def flush_meta(self) -> None:
        """Persist ownership and mode bits whole (when the device stops)."""
        self._shared.meta.flush()

    @property
    def _staging(self) -> Path:
        return self.root.parent / (self.root.name + ".staging")

    def _host(self, device_path: str) -> str:
        rel = device_path.lstrip("/")
        return f"{self._root_s}/{rel}" if rel else self._root_s
