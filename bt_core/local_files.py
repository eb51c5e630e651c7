"""The technician's own files: list, create, rename and delete in a local folder (no device, no transcript).

These are the rules the Files tab applies to this computer's side: hidden files only on request, a
rename never replaces an existing name (POSIX rename would), a folder is deleted with everything in it.
Failures are BtErrors carrying the operating system's reason.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bt_core.browse import FileEntry, check_name, folders_first
from bt_core.errors import BtError, NotFound, UsageError


@contextmanager
def _os_errors(action: str) -> Iterator[None]:
    """An OSError becomes a one-line BtError saying what could not be done, and why."""
    try:
        yield
    except FileExistsError as error:
        raise UsageError(f"cannot {action}: {_where(error)} already exists", title="Name taken") from None
    except FileNotFoundError as error:
        raise NotFound(f"cannot {action}: {_where(error)} does not exist") from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise BtError(f"cannot {action}: {reason}", title="This computer refused") from None


def _where(error: OSError) -> str:
    return home_relative(str(error.filename)) if error.filename else "it"


def home_relative(path: str) -> str:
    """`~/support` rather than `/home/alice/support`: shorter, and the part a person recognises."""
    try:
        rest = Path(path).relative_to(Path.home())
    except (ValueError, RuntimeError):
        return path
    return "~" if str(rest) == "." else f"~/{rest}"


def stat(path: Path) -> FileEntry | None:
    """The entry at `path` (a link as what it points to), or None when nothing is there."""
    try:
        info = path.stat()
    except OSError:
        return None
    return FileEntry(path.name, path.is_dir(), info.st_size, info.st_mtime)


def list_folder(folder: Path, hidden: bool = False) -> list[FileEntry]:
    """The folder's entries, folders first; names starting with '.' only with hidden=True."""
    entries = []
    with _os_errors(f"list {home_relative(str(folder))}"), os.scandir(folder) as found:
        for item in found:
            if not hidden and item.name.startswith("."):
                continue
            try:
                info = item.stat()
            except OSError:  # a dangling link, or gone since the listing: not shown
                continue
            entries.append(FileEntry(item.name, item.is_dir(), info.st_size, info.st_mtime))
    return folders_first(entries)


def make_folder(folder: Path, name: str) -> Path:
    """Create the folder `name` in `folder`; refused if the name is taken."""
    target = folder / check_name(name)
    with _os_errors(f"create {home_relative(str(target))}"):
        target.mkdir()
    return target


def rename(folder: Path, old: str, new: str) -> Path:
    """Rename `old` to `new` in `folder`, never over an existing name."""
    source, target = folder / old, folder / check_name(new)
    if target.exists() or target.is_symlink():
        raise UsageError(f"{new} already exists in {home_relative(str(folder))}", title="Name taken")
    with _os_errors(f"rename {old}"):
        source.rename(target)
    return target


def delete(path: Path) -> None:
    """Delete a file, a link, or a folder with everything in it, permanently (not to the trash)."""
    with _os_errors(f"delete {home_relative(str(path))}"):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def pasted_paths(text: str) -> tuple[list[Path], list[str]]:
    """Local paths in pasted text: those that exist, and the path-like ones that do not.

    A terminal pastes a dropped file's path, often quoted or as a file:// URL. Plain text that is not
    a path gives ([], []).
    """
    import shlex
    from urllib.parse import unquote, urlparse

    found: list[Path] = []
    missing: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            words = [line] if Path(line).exists() else shlex.split(line)
        except ValueError:
            words = [line]
        for word in words:
            if word.startswith("file://"):
                word = unquote(urlparse(word).path)
            word = os.path.expanduser(word)
            if not word.startswith("/"):
                continue
            path = Path(word)
            if path.exists():
                found.append(path)
            else:
                missing.append(word)
    return found, missing
