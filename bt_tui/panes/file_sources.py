"""The two sides a file browser can show, behind one interface: this computer and the device.

A source holds no state but its root; every method that touches files blocks and is called from a
thread worker. The local source calls `bt_core.local_files`, the device source `services.files`, so
the rules (names, clashes, what a delete does) stay in the core and the browser only renders.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bt_core import local_files
from bt_core.browse import FileEntry, check_name, folders_first, from_remote

if TYPE_CHECKING:
    from bt_core.files import FilesService


class FileSource(Protocol):
    """What a browser needs from one side."""

    key: str
    """Stable id of the side ("local" or "remote"): the browser's table is named after it."""
    title: str
    """What the side is called in its header ("This computer", "Device")."""
    where: str
    """Where a taken name is, for the clash question ("in this folder", "on the device")."""
    fetches: bool
    """True when a file must be copied here before it can be previewed."""
    preview_hint: str
    """How to get the file to the other side, shown under a preview."""
    menu: tuple[tuple[str, str], ...]
    """The context menu (action, label) for a selected entry."""

    def start(self) -> str: ...
    def shown(self, folder: str) -> str: ...
    def join(self, folder: str, name: str) -> str: ...
    def parent(self, folder: str) -> str: ...
    def list(self, folder: str, hidden: bool) -> list[FileEntry]: ...
    def stat(self, path: str) -> FileEntry | None: ...
    def mkdir(self, folder: str, name: str) -> str: ...
    def rename(self, folder: str, old: str, new: str) -> str: ...
    def delete(self, folder: str, entry: FileEntry) -> str: ...
    def delete_question(self, folder: str, entry: FileEntry) -> tuple[str, str]: ...
    def preview(self, folder: str, entry: FileEntry) -> Path: ...


def _what(entry: FileEntry) -> str:
    return "this folder and everything in it" if entry.is_dir else "this file"


class LocalSource:
    """The technician's folders, through `bt_core.local_files` (no device, no transcript)."""

    key = "local"
    title = "This computer"
    where = "in this folder"
    fetches = False
    preview_hint = "u uploads it to the device"
    menu: tuple[tuple[str, str], ...] = (
        ("open", "Open"),
        ("upload", "Upload to the device"),
        ("rename", "Rename…"),
        ("delete", "Delete…"),
    )

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or Path.cwd()).resolve()

    def start(self) -> str:
        return str(self.root)

    def shown(self, folder: str) -> str:
        return local_files.home_relative(folder)

    def join(self, folder: str, name: str) -> str:
        return str(Path(folder) / name)

    def parent(self, folder: str) -> str:
        return str(Path(folder).parent)

    def list(self, folder: str, hidden: bool) -> list[FileEntry]:
        return local_files.list_folder(Path(folder), hidden)

    def stat(self, path: str) -> FileEntry | None:
        return local_files.stat(Path(path))

    def mkdir(self, folder: str, name: str) -> str:
        made = local_files.make_folder(Path(folder), name)
        return f"Created {local_files.home_relative(str(made))}"

    def rename(self, folder: str, old: str, new: str) -> str:
        return f"Renamed to {local_files.rename(Path(folder), old, new).name}"

    def delete(self, folder: str, entry: FileEntry) -> str:
        target = Path(folder) / entry.name
        local_files.delete(target)
        return f"Deleted {local_files.home_relative(str(target))}"

    def delete_question(self, folder: str, entry: FileEntry) -> tuple[str, str]:
        shown = local_files.home_relative(str(Path(folder) / entry.name))
        return (
            f"Delete {shown}?",
            f"This deletes {_what(entry)} from this computer permanently: it is not moved to the trash.",
        )

    def preview(self, folder: str, entry: FileEntry) -> Path:
        return Path(folder) / entry.name


class DeviceSource:
    """The device's folders, through `services.files` (policy, grant and transcript included)."""

    key = "remote"
    title = "Device"
    where = "on the device"
    fetches = True
    preview_hint = "w downloads it to this computer"
    menu: tuple[tuple[str, str], ...] = (
        ("open", "Open"),
        ("download", "Download"),
        ("rename", "Rename…"),
        ("delete", "Delete…"),
    )

    def __init__(self, files: FilesService, session_id: str, root: str = "/sdcard") -> None:
        self.files = files
        self.session_id = session_id
        self.root = root

    def start(self) -> str:
        return self.root

    def shown(self, folder: str) -> str:
        return folder

    def join(self, folder: str, name: str) -> str:
        return posixpath.join(folder, name)

    def parent(self, folder: str) -> str:
        return posixpath.dirname(folder.rstrip("/")) or "/"

    def list(self, folder: str, hidden: bool) -> list[FileEntry]:
        return folders_first(from_remote(e) for e in self.files.list(self.session_id, folder, hidden=hidden))

    def stat(self, path: str) -> FileEntry | None:
        found = self.files.stat(self.session_id, path)
        return None if found is None else from_remote(found)

    def mkdir(self, folder: str, name: str) -> str:
        return f"Created {self.files.mkdir(self.session_id, self.join(folder, check_name(name)))}"

    def rename(self, folder: str, old: str, new: str) -> str:
        final = self.files.rename(self.session_id, self.join(folder, old), self.join(folder, check_name(new)))
        return f"Renamed to {final}"

    def delete(self, folder: str, entry: FileEntry) -> str:
        gone = self.files.delete(self.session_id, self.join(folder, entry.name), recursive=entry.is_dir)
        return f"Deleted {gone}"

    def delete_question(self, folder: str, entry: FileEntry) -> tuple[str, str]:
        return (
            f"Delete {self.join(folder, entry.name)}?",
            f"This deletes {_what(entry)} permanently: Android has no recycle bin, so it cannot be restored.",
        )

    def preview(self, folder: str, entry: FileEntry) -> Path:
        """Fetch the file into a fresh folder under bt's data (a download, so the transcript records it)."""
        import tempfile

        from bt_tui.preview import preview_folder

        into = Path(tempfile.mkdtemp(prefix="open-", dir=preview_folder(self.session_id)))
        self.files.pull(self.session_id, [self.join(folder, entry.name)], str(into))
        return into / entry.name
