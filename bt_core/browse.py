"""What a file browser shows, on either side: one entry type, folders first, the name rule, the clash rule.

The technician's folder and the device's are browsed the same way, so the rules a browser applies to
a listing or to a typed name live here once, not in each front end or each side.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from bt_core.errors import UsageError

if TYPE_CHECKING:
    from adb_backend.files import RemoteEntry


@dataclass(frozen=True)
class FileEntry:
    """One row of a browser: a file or a folder in the folder shown."""

    name: str
    is_dir: bool
    size: int
    mtime: float
    """Seconds since the epoch; 0 when unknown."""


def folders_first(entries: Iterable[FileEntry]) -> list[FileEntry]:
    """Folders, then files, each by name ignoring case (as file managers list them)."""
    return sorted(entries, key=lambda e: (not e.is_dir, e.name.lower()))


def from_remote(entry: RemoteEntry) -> FileEntry:
    """A device entry as a browser row; a link whose target could not be read is opened as a folder."""
    is_dir = entry.type == "dir" or (entry.type == "link" and entry.target is None)
    return FileEntry(entry.name, is_dir, entry.size, entry.mtime)


def check_name(name: str) -> str:
    """A new file or folder name, refused when it would name another folder (a '/', '.' or '..')."""
    if not name or "/" in name or name in (".", ".."):
        raise UsageError(f"{name!r} is not a name: use one without '/'", title="Not a name")
    return name


def transfer_name(source: str, direction: str) -> str:
    """The name a transferred file or folder gets at the destination (its own name)."""
    return posixpath.basename(source.rstrip("/")) if direction == "pull" else PurePath(source).name


def clashing_names(sources: Iterable[str], direction: str, existing: Iterable[str]) -> list[str]:
    """The names of `sources` already taken in the destination folder (whose names are `existing`)."""
    taken = set(existing)
    return [name for name in (transfer_name(s, direction) for s in sources) if name in taken]
