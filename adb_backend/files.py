"""Device files: listing, stat, mkdir -p, rename, delete, hashes, and push/pull of files and trees.

Transfers write to a hidden temporary name on the receiving side and rename everything at the end
(one batched `mv` on the device, `os.replace` here), so a cancel, a dropped cable or a crash never
leaves a half file under its final name. Every shell word is quoted with shlex.quote.

A push costs one sync stream and one shell: the shell that renames is opened while the data still
moves and gets its script only after the device has acknowledged the last file; folders that hold
files are made by adbd itself (`fixed_push_mkdir`), only empty ones by that same final script.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import posixpath
import re
import shlex
import stat as S
import struct
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adb_backend.errors import BackendError, DeviceRefused, TransferCancelled, translate
from adb_backend.sync import (
    CancelCheck,
    Progress,
    RemoteStat,
    SendItem,
    Sink,
    SyncClient,
    close_sink,
    device_features,
)

if TYPE_CHECKING:
    from adb_backend.device import Device

_SCRIPT_MAX = 48 * 1024  # bytes of shell per round trip (the service string is capped at 64 KiB)
# Other shell commands wait as long as the configured socket_timeout; hashing a big file or deleting a big
# tree can leave the device silent longer, so those keep the minute they always had.
_SILENT_FOR_LONG = 60.0


@dataclass(frozen=True)
class RemoteEntry:
    """One device file as `bt files ls` shows it."""

    name: str
    path: str
    type: str  # file, dir, link, other
    size: int
    mode: int
    mtime: int
    target: str | None = None

    @property
    def hidden(self) -> bool:
        return self.name.startswith(".")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "type": self.type,
            "size": self.size,
            "mode": f"{S.S_IMODE(self.mode):04o}",
            "permissions": S.filemode(self.mode),
            "mtime": self.mtime,
            "target": self.target,
        }


def kind_of(mode: int) -> str:
    if S.S_ISDIR(mode):
        return "dir"
    if S.S_ISREG(mode):
        return "file"
    if S.S_ISLNK(mode):
        return "link"
    return "other"


def _entry(path: str, st: RemoteStat, target: str | None = None) -> RemoteEntry:
    name = posixpath.basename(path.rstrip("/")) or "/"
    return RemoteEntry(name, path, kind_of(st.mode), st.size, st.mode, st.mtime, target)


# -- browsing --------------------------------------------------------------------------------------
def stat(device: Device, path: str, *, sync: SyncClient | None = None) -> RemoteEntry | None:
    """The entry at `path` (not following a final symlink), or None when it does not exist."""
    with _sync(device, sync) as client:
        st = client.stat(path)
    if not st.exists:
        if st.error not in (0, 2):
            from adb_backend.sync import errno_text

            raise DeviceRefused(
                f"cannot stat {path}: {errno_text(st.error)}", reason=errno_text(st.error), serial=device.serial
            )
        return None
    return _entry(path, st)


def list_dir(device: Device, path: str, *, hidden: bool = False, sync: SyncClient | None = None) -> list[RemoteEntry]:
    """A folder's entries sorted by name (symlink targets read in one extra round trip), on the caller's
    sync connection when given."""
    with _sync(device, sync) as client:
        st = client.stat(path, follow=True) if client.stat_v2 else client.stat(path)
        if not st.exists:
            from adb_backend.sync import errno_text

            why = errno_text(st.error or 2)
            raise DeviceRefused(f"cannot list {path}: {why}", reason=why, serial=device.serial)
        if not st.is_dir and not st.is_link:
            return [_entry(path, st)]
        raw = client.list(path)
    if not raw:
        _check_listable(device, path)
    entries = [_entry(posixpath.join(path, e.name), e.stat) for e in raw if hidden or not e.name.startswith(".")]
    links = [e for e in entries if e.type == "link"]
    if links:
        result = device.batch({e.path: f"readlink {shlex.quote(e.path)}" for e in links})
        targets = {p: r.stdout.rstrip("\n") if r.ok else None for p, r in result.results.items()}
        entries = [
            RemoteEntry(e.name, e.path, e.type, e.size, e.mode, e.mtime, targets.get(e.path)) if e.type == "link" else e
            for e in entries
        ]
    return sorted(entries, key=lambda e: e.name)


def resolve_paths(device: Device, paths: list[str]) -> dict[str, str | None]:
    """Canonical device paths (every symlink and `..` resolved on the device), in one shell round trip.

    `readlink -f` (toybox) fails when a folder on the way is missing, so every ancestor is resolved in
    the same batch and a path that does not exist yet resolves through its deepest existing ancestor.
    None means the device could not say (no readlink, e.g. before toybox).
    """
    prefixes: set[str] = set()
    for path in paths:
        parts = [p for p in path.split("/") if p]
        prefixes.update("/" + "/".join(parts[:i]) for i in range(len(parts) + 1))
    ordered = sorted(prefixes)
    result = device.batch({prefix: f"readlink -f {shlex.quote(prefix)}" for prefix in ordered})
    known: dict[str, str] = {}
    for prefix, res in result.results.items():
        text = res.stdout.strip("\n")
        if res.ok and text.startswith("/") and "\n" not in text:
            known[prefix] = text
    out: dict[str, str | None] = {}
    for path in paths:
        parts = [p for p in path.split("/") if p]
        out[path] = None
        for depth in range(len(parts), -1, -1):
            base = known.get("/" + "/".join(parts[:depth]))
            if base is not None:
                out[path] = posixpath.normpath(posixpath.join(base, *parts[depth:]))
                break
    return out


def links_below(device: Device, checks: list[tuple[str, str]], *, sync: SyncClient | None = None) -> list[str]:
    """The paths, of (path, root) pairs, with a symbolic link among their components below `root`.

    Only such a link can lead a path out of the root it is written under; one pipelined lstat per
    component on the sync connection (the caller's when given) finds them without a shell.
    """
    components: dict[str, list[str]] = {}
    for path, root in checks:
        below = path[len(root.rstrip("/")) :].strip("/").split("/") if path != root else []
        base = root.rstrip("/")
        components[path] = [f"{base}/{'/'.join(below[: i + 1])}" for i in range(len(below)) if below[i]]
    wanted = sorted({c for cs in components.values() for c in cs})
    if not wanted:
        return []
    with _sync(device, sync) as client:
        stats = dict(zip(wanted, client.stat_many(wanted), strict=True))
    return [path for path, cs in components.items() if any(stats[c].exists and stats[c].is_link for c in cs)]


def _check_listable(device: Device, path: str) -> None:
    """An empty LIST may hide a refusal (adbd sends DONE when opendir fails): ask `ls` for the reason."""
    result = device.shell(["ls", "-a", path])
    if not result.ok:
        raise DeviceRefused(f"cannot list {path}: {_reason(result.reason)}", reason=result.reason, serial=device.serial)


class OutsideRoots(DeviceRefused):
    """At the moment of the action, the device resolved a path (through a symlink) outside the allowed
    folders, so the action did not run."""


_OUTSIDE = 10  # the guard's exit code


def _guard(paths: list[str], inside: Sequence[str] | None) -> str:
    """A shell prefix that resolves each path on the device (`readlink -f`) and exits 10 unless it lies
    under one of the `inside` folders (resolved too), so the action after it never follows a link out.
    Devices without `readlink -f` skip it (the check before the action stands)."""
    if not inside or "/" in inside:
        return ""
    roots = " ".join(shlex.quote(r) for r in inside)
    checks = []
    for path in paths:
        refusal = shlex.quote(f"{path} leads outside the allowed folders")
        checks.append(
            f'ok=; d=$(readlink -f {shlex.quote(path)}) && for r in {roots}; do r=$(readlink -f "$r"); '
            f'case "$d/" in "$r"/*) ok=1;; esac; done; [ -n "$ok" ] || {{ echo {refusal} >&2; exit {_OUTSIDE}; }}'
        )
    return f"if readlink -f / >/dev/null 2>&1; then {'; '.join(checks)}; fi; "


def mkdir(device: Device, path: str, *, inside: Sequence[str] | None = None) -> None:
    """`mkdir -p`. With `inside`, the folders below the allowed root are made one at a time, each one
    resolved on the device (`readlink -f`) before a folder is made in it, so a link planted on the way
    after bt's check never carries the new folders out of those roots (refused: OutsideRoots)."""
    if not inside or "/" in inside:
        _run(device, ["mkdir", "-p", path], f"cannot create {path}")
        return
    under = [r for r in inside if path == r or path.startswith(r.rstrip("/") + "/")]
    if not under:
        raise OutsideRoots(
            f"cannot create {path}: {path} leads outside the allowed folders",
            reason=f"{path} leads outside the allowed folders",
            serial=device.serial,
        )
    root = max(under, key=len).rstrip("/") or "/"
    steps = [root]
    for name in path[len(root) :].strip("/").split("/"):
        if name:
            steps.append(steps[-1].rstrip("/") + "/" + name)
    roots = " ".join(shlex.quote(r) for r in inside)
    script = (
        f"mkdir -p {shlex.quote(root)} || exit 1; g=; readlink -f / >/dev/null 2>&1 && g=1; "
        f"for p in {' '.join(shlex.quote(s) for s in steps)}; do "
        '[ -d "$p" ] || mkdir "$p" || exit 1; [ -n "$g" ] || continue; '
        f'ok=; d=$(readlink -f "$p") && for r in {roots}; do r=$(readlink -f "$r"); '
        'case "$d/" in "$r"/*) ok=1;; esac; done; '
        f'[ -n "$ok" ] || {{ echo "$p leads outside the allowed folders" >&2; exit {_OUTSIDE}; }}; done'
    )
    _run(device, script, f"cannot create {path}")


def rename(device: Device, source: str, target: str, *, inside: Sequence[str] | None = None) -> None:
    """`mv`; with `inside`, refused (OutsideRoots) when the source's folder or the target, resolved on
    the device at that moment, leads out of those folders (mv moves into a linked folder)."""
    guard = _guard([posixpath.dirname(source) or "/", target], inside)
    _run(device, guard + shlex.join(["mv", source, target]), f"cannot rename {source}")


def delete(device: Device, path: str, *, recursive: bool = False, inside: Sequence[str] | None = None) -> None:
    """Permanent: there is no trash on the device. With `inside`, the folder holding `path` must resolve
    inside those folders at the moment of deletion (rm never follows the final link itself)."""
    entry = stat(device, path)
    if entry is None:
        raise DeviceRefused(
            f"cannot delete {path}: No such file or directory", reason="No such file or directory", serial=device.serial
        )
    guard = _guard([posixpath.dirname(path) or "/"], inside)
    if entry.type == "dir" and not recursive:
        _run(device, guard + shlex.join(["rmdir", path]), f"cannot delete {path}")
    else:
        argv = ["rm", "-rf" if recursive else "-f", path]
        _run(device, guard + shlex.join(argv), f"cannot delete {path}", timeout=_SILENT_FOR_LONG)


def hash_remote(device: Device, paths: list[str]) -> tuple[str, dict[str, str | None]]:
    """(algorithm, {path: hex digest}) from sha256sum, or md5sum on devices without it."""
    for algo in ("sha256", "md5"):
        result = device.batch({p: f"{algo}sum {shlex.quote(p)}" for p in paths}, timeout=_SILENT_FOR_LONG)
        digests: dict[str, str | None] = {}
        missing = False
        for path, res in result.results.items():
            word = res.stdout.split(" ", 1)[0].strip() if res.ok else ""
            if res.exit_code == 127:
                missing = True
            digests[path] = word or None
        if not missing:
            return algo, digests
    return "", {p: None for p in paths}


def _run(device: Device, argv: list[str] | str, what: str, *, timeout: float | None = None) -> None:
    """Run a command or a script; a script runs in a subshell, so its `exit` (a guard's refusal) still
    lets Android 6's `shell:` report the exit code (bt appends an `echo` of `$?` there)."""
    result = device.shell(argv if isinstance(argv, list) else f"( {argv} )", timeout=timeout)
    if result.exit_code == _OUTSIDE and result.reason.endswith("leads outside the allowed folders"):
        raise OutsideRoots(f"{what}: {result.reason}", reason=result.reason, serial=device.serial)
    if not result.ok:
        raise DeviceRefused(f"{what}: {_reason(result.reason)}", reason=result.reason, serial=device.serial)


def _reason(text: str) -> str:
    """toybox prints `mkdir: '/x': Permission denied`; keep the last part, the device's reason."""
    return text.rsplit(": ", 1)[-1] if ": " in text else text


def _shell_batches(device: Device, lines: list[str], what: str) -> None:
    """Run many shell lines in as few round trips as the service string allows; stop at a failure."""
    chunk: list[str] = []
    size = 0
    for line in [*lines, None]:
        if line is None or (chunk and size + len(line) + 4 > _SCRIPT_MAX):
            if chunk:
                result = device.shell(" && ".join(chunk))
                if not result.ok:
                    raise DeviceRefused(f"{what}: {_reason(result.reason)}", reason=result.reason, serial=device.serial)
            chunk, size = [], 0
        if line is not None:
            chunk.append(line)
            size += len(line.encode()) + 4


@contextlib.contextmanager
def _sync(device: Device, given: SyncClient | None, *, timeout: float | None = 60.0) -> Iterator[SyncClient]:
    """The caller's sync connection while it is usable (left open for it), else a fresh one."""
    if given is not None and not given.broken:
        given.stream.settimeout(timeout)
        yield given
        return
    with SyncClient.open(device, timeout=timeout) as client:
        yield client


def _word_lines(command: str, words: list[str]) -> list[str]:
    """`command w1 w2 ...` lines of quoted words, each short enough for one service string."""
    lines: list[str] = []
    batch: list[str] = []
    size = 0
    for word in words:
        quoted = shlex.quote(word)
        if batch and size + len(quoted) > _SCRIPT_MAX:
            lines.append(f"{command} {' '.join(batch)}")
            batch, size = [], 0
        batch.append(quoted)
        size += len(quoted.encode()) + 1
    if batch:
        lines.append(f"{command} {' '.join(batch)}")
    return lines


class _Finisher:
    """A device `sh` opened before the data is sent, so the final renames add no stream round trip.

    Its script goes to stdin only after the last file is acknowledged, inside `{ ...; }`: a cancel, a
    crash or a cut connection gives it nothing (or an unfinished group, a syntax error), so nothing runs.
    """

    def __init__(self, device: Device) -> None:
        self.serial = device.serial
        self.stream = device.open_stream("shell,v2,raw:sh", timeout=None)

    def run(self, lines: list[str], what: str) -> None:
        script = ("{ " + " &&\n".join(lines) + "\n}\n").encode("utf-8", "surrogateescape")
        out = bytearray()
        for start in range(0, len(script), 65536):
            chunk = script[start : start + 65536]
            out += struct.pack("<BI", _ID_STDIN, len(chunk)) + chunk
        out += struct.pack("<BI", _ID_CLOSE_STDIN, 0)
        self.stream.write(bytes(out))
        err = bytearray()
        while True:
            kind, length = struct.unpack("<BI", self.stream.read_exact(5))
            data = self.stream.read_exact(length) if length else b""
            if kind == _ID_STDERR:
                err += data
            elif kind == _ID_EXIT:
                code = data[0] if data else 255
                break
        if code != 0:
            reason = err.decode("utf-8", "replace").strip().splitlines()
            text = reason[-1] if reason else f"exit code {code}"
            raise DeviceRefused(f"{what}: {_reason(text)}", reason=text, serial=self.serial)

    def close(self) -> None:
        self.stream.close()


_ID_STDIN, _ID_STDERR, _ID_EXIT, _ID_CLOSE_STDIN = 0, 2, 3, 4


# -- transfers -------------------------------------------------------------------------------------
@dataclass
class FileJob:
    """One file of a transfer: where from, where to, and what is already at the destination."""

    source: str
    target: str
    size: int
    mtime: int
    mode: int = 0o644
    existing: RemoteStat | os.stat_result | None = None
    skip: bool = False
    ident: tuple[int, int] | None = None
    """(st_dev, st_ino) of the local file seen when planning a push: what is opened must be it."""
    link: bool = False
    """The planned local entry is a symbolic link (inside the allowed folders) and is followed."""

    @property
    def exists(self) -> bool:
        return self.existing is not None

    @property
    def existing_size(self) -> int:
        if self.existing is None:
            return -1
        return self.existing.size if isinstance(self.existing, RemoteStat) else self.existing.st_size


@dataclass
class TreePlan:
    """Everything one push or pull will do, known before the first byte moves."""

    direction: str
    files: list[FileJob] = field(default_factory=list)
    dirs: list[str] = field(default_factory=list)  # target folders to create (parents first)
    new_dirs: list[str] = field(default_factory=list)  # those that did not exist yet
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source, why)
    local_dirs: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Local folders walked for a push, with their (st_dev, st_ino): files are opened relative to them."""

    @property
    def bytes_total(self) -> int:
        return sum(f.size for f in self.files if not f.skip)


LocalGuard = Callable[[Path], bool]


def plan_push(
    device: Device, source: Path, target: str, *, allowed: LocalGuard | None = None, sync: SyncClient | None = None
) -> TreePlan:
    """Walk a local file or tree and stat its destinations on the device (pipelined).

    A tree whose root folder does not exist yet needs no stat below it: everything there is new.
    """
    plan = TreePlan("push")
    tree = source.is_dir()
    if tree:
        plan.dirs.append(target)
        _walk_local(plan, str(source), target, allowed)
    else:
        _add_local(plan, str(source), target, allowed)
    with _sync(device, sync) as client:
        if tree:
            [root] = client.stat_many([target])
            if not root.exists:
                plan.new_dirs.extend(plan.dirs)
                return plan
            if not root.is_dir and not root.is_link:
                raise DeviceRefused(
                    f"cannot push into {target}: a file is in the way", reason="Not a directory", serial=device.serial
                )
            stats = client.stat_many([f.target for f in plan.files] + plan.dirs[1:])
        else:
            stats = client.stat_many([f.target for f in plan.files])
    for job, st in zip(plan.files, stats, strict=False):
        if st.exists:
            job.existing = st
    for path, st in zip(plan.dirs[1:], stats[len(plan.files) :], strict=True):
        if not st.exists:
            plan.new_dirs.append(path)
        elif st.is_link:  # adbd would follow it, wherever it leads: never push through a link below the root
            raise DeviceRefused(
                f"cannot push into {path}: it is a symbolic link on the device",
                reason="Symbolic link",
                serial=device.serial,
            )
        elif not st.is_dir:
            raise DeviceRefused(
                f"cannot push into {path}: a file is in the way", reason="Not a directory", serial=device.serial
            )
    return plan


def _walk_local(plan: TreePlan, local_dir: str, remote_dir: str, allowed: LocalGuard | None) -> None:
    """Folders first (parents before children), files by name; symlinked folders are not followed."""
    pending = [(local_dir, remote_dir)]
    while pending:
        here, there = pending.pop(0)
        seen = os.stat(here, follow_symlinks=here == local_dir)
        plan.local_dirs[here] = (seen.st_dev, seen.st_ino)
        with os.scandir(here) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        files = []
        for entry in entries:
            remote = posixpath.join(there, entry.name)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                files.append((entry, remote))
            elif entry.is_symlink():
                plan.skipped.append((entry.path, "a symbolic link to a folder"))
            else:
                plan.dirs.append(remote)
                pending.append((entry.path, remote))
        for entry, remote in files:
            _add_local(plan, entry.path, remote, allowed, entry)


def _add_local(
    plan: TreePlan, local: str, remote: str, allowed: LocalGuard | None, entry: os.DirEntry[str] | None = None
) -> None:
    try:
        st = entry.stat() if entry is not None else os.stat(local)
    except OSError as error:
        plan.skipped.append((local, error.strerror or str(error)))
        return
    if not S.S_ISREG(st.st_mode):
        plan.skipped.append((local, "not a regular file"))
        return
    link = entry.is_symlink() if entry is not None else os.path.islink(local)
    if link and allowed is not None and not allowed(Path(os.path.realpath(local))):
        plan.skipped.append((local, "a symbolic link out of the allowed folders"))
        return
    plan.files.append(
        FileJob(
            local, remote, st.st_size, int(st.st_mtime), S.S_IMODE(st.st_mode), ident=(st.st_dev, st.st_ino), link=link
        )
    )


def plan_pull(device: Device, source: str, target: Path, *, sync: SyncClient | None = None) -> TreePlan:
    """Walk a device file or tree (each level's folders listed in one round trip) and look at its local destinations."""
    plan = TreePlan("pull")
    with _sync(device, sync) as client:
        st = client.stat(source, follow=True) if client.stat_v2 else client.stat(source)
        if not st.exists:
            from adb_backend.sync import errno_text

            why = errno_text(st.error or 2)
            raise DeviceRefused(f"cannot read {source}: {why}", reason=why, serial=device.serial)
        if st.is_dir:
            plan.dirs.append(str(target))
            level = [(source, str(target))]
            while level:  # one round trip lists every folder of a level
                listings = client.list_many([remote_dir for remote_dir, _ in level])
                below = []
                for (remote_dir, local_dir), entries in zip(level, listings, strict=True):
                    if not entries:
                        _check_listable(device, remote_dir)
                    for entry in sorted(entries, key=lambda e: e.name):
                        if "/" in entry.name or entry.name in (".", ".."):
                            continue
                        remote = posixpath.join(remote_dir, entry.name)
                        local = os.path.join(local_dir, entry.name)
                        if entry.stat.is_dir:
                            plan.dirs.append(local)
                            below.append((remote, local))
                        elif entry.stat.is_file:
                            plan.files.append(
                                FileJob(remote, local, entry.stat.size, entry.stat.mtime, S.S_IMODE(entry.stat.mode))
                            )
                        elif entry.stat.is_link:
                            plan.skipped.append((remote, "a symbolic link"))
                        else:
                            plan.skipped.append((remote, "not a regular file"))
                level = below
        elif st.is_file:
            plan.files.append(FileJob(source, str(target), st.size, st.mtime, S.S_IMODE(st.mode)))
        else:
            raise DeviceRefused(f"cannot pull {source}: not a regular file", serial=device.serial)
    new: set[str] = set()
    for path in plan.dirs:  # parents come first: below a missing folder everything is missing
        if os.path.dirname(path) in new or not os.path.isdir(path):
            if os.path.dirname(path) not in new and os.path.lexists(path):
                raise DeviceRefused(f"cannot pull into {path}: a file is in the way", reason="Not a directory")
            plan.new_dirs.append(path)
            new.add(path)
    for job in plan.files:
        if os.path.dirname(job.target) not in new:
            with contextlib.suppress(OSError):
                job.existing = os.stat(job.target)
    return plan


def _temp_name(target: str, token: str, index: int) -> str:
    return posixpath.join(posixpath.dirname(target), f".bt-{token}-{index}.part")


def execute_push(
    device: Device,
    plan: TreePlan,
    *,
    preserve_times: bool = True,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    file_done: Callable[[FileJob], None] | None = None,
    sync: SyncClient | None = None,
    acked: Progress | None = None,
) -> None:
    """SEND every file to a temporary name, then create empty folders and rename everything into place.

    `progress` hears bytes as they are sent; `acked` hears each file's bytes once the device has them.
    """
    token = os.urandom(4).hex()
    jobs = [j for j in plan.files if not j.skip]
    root = plan.dirs[0] if plan.dirs and plan.dirs[0] in plan.new_dirs else None
    if root is not None:  # a new tree: build it under a hidden name, then one rename puts it in place
        stage = posixpath.join(posixpath.dirname(root), f".bt-{token}.part")
        temps = {id(j): stage + j.target[len(root) :] for j in jobs}
        new_dirs = [stage + d[len(root) :] for d in plan.new_dirs]
        cleanup, renames = [stage], [f"mv {shlex.quote(stage)} {shlex.quote(root)}"]
    else:
        temps = {id(j): _temp_name(j.target, token, i) for i, j in enumerate(jobs)}
        new_dirs = plan.new_dirs
        cleanup = list(temps.values())
        renames = [f"mv -f {shlex.quote(temps[id(j)])} {shlex.quote(j.target)}" for j in jobs]
    features = device_features(device)
    if "fixed_push_mkdir" in features:  # adbd makes a file's missing folders; only empty ones are left
        filled = _folders_of(temps.values())
        early, late = [], [d for d in new_dirs if d not in filled]
    else:
        early, late = new_dirs, []
    script = _word_lines("mkdir -p", late) + (renames if jobs or root is not None else [])
    finisher: _Finisher | None = None
    try:
        if early:
            _shell_batches(device, _word_lines("mkdir -p", early), "cannot create folder")
        if script and "shell_v2" in features:
            finisher = _Finisher(device)
        now = int(time.time())
        if jobs:
            with _sync(device, sync, timeout=None) as client:
                client.push_many(
                    _open_items(jobs, temps, preserve_times, now, plan.local_dirs),
                    progress=progress,
                    cancelled=cancelled,
                    acked=acked,
                )
        if cancelled is not None and cancelled():
            raise TransferCancelled("transfer cancelled")
        if finisher is not None:
            try:
                finisher.run(script, "cannot move the file into place")
            except OSError as error:
                raise translate(error, device.serial) from None
        elif script:
            _shell_batches(device, script, "cannot move the file into place")
        for job in jobs:
            if file_done is not None:
                file_done(job)
    except BaseException:
        if finisher is not None:
            finisher.close()
            finisher = None
        _cleanup_remote(device, cleanup, [] if root is not None else plan.new_dirs)
        raise
    finally:
        if finisher is not None:
            finisher.close()


def _folders_of(paths: Iterable[str]) -> set[str]:
    """Every folder above the given device paths."""
    folders: set[str] = set()
    for path in paths:
        folder = posixpath.dirname(path)
        while folder not in folders and folder not in ("/", ""):
            folders.add(folder)
            folder = posixpath.dirname(folder)
    return folders


def _open_items(
    jobs: list[FileJob], temps: dict[int, str], preserve: bool, now: int, dirs: dict[str, tuple[int, int]]
) -> Iterator[SendItem]:
    """Open each planned file as it is sent, and only that file.

    A file or folder swapped for a symbolic link after planning must not be followed: each file is
    opened relative to its folder's descriptor (checked to be the folder walked), without following a
    final link unless the plan chose to, non-blocking (a FIFO put in its place cannot hang the push),
    and its fstat must match the planned file.
    """
    folders: dict[str, int] = {}
    try:
        for job in jobs:
            fd = _open_planned(job, folders, dirs)
            try:
                yield SendItem(fd, temps[id(job)], job.mode, job.mtime if preserve else now, job.size)
            finally:
                os.close(fd)
    finally:
        for folder_fd in folders.values():
            os.close(folder_fd)


def _open_planned(job: FileJob, folders: dict[str, int], dirs: dict[str, tuple[int, int]]) -> int:
    cloexec = getattr(os, "O_CLOEXEC", 0)
    folder, name = os.path.split(job.source)
    changed = DeviceRefused(
        f"cannot read {job.source}: it changed since the transfer was planned (replaced by a link?)",
        reason="changed during the transfer",
    )
    try:
        if folder not in folders:
            # a walked folder swapped for a link opens elsewhere: its identity check below refuses it
            folder_fd = os.open(folder or ".", os.O_RDONLY | os.O_DIRECTORY | cloexec)
            folders[folder] = folder_fd
            seen = os.fstat(folder_fd)
            if folder in dirs and (seen.st_dev, seen.st_ino) != dirs[folder]:
                raise changed
        flags = os.O_RDONLY | os.O_NONBLOCK | cloexec | (0 if job.link else os.O_NOFOLLOW)
        fd = os.open(name, flags, dir_fd=folders[folder])
    except DeviceRefused:
        raise
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise changed from None
        raise DeviceRefused(f"cannot read {job.source}: {error.strerror}", reason=error.strerror or "") from None
    opened = os.fstat(fd)
    if not S.S_ISREG(opened.st_mode) or (job.ident is not None and (opened.st_dev, opened.st_ino) != job.ident):
        os.close(fd)
        raise changed
    return fd


def _cleanup_remote(device: Device, temps: list[str], new_dirs: list[str]) -> None:
    """Best effort: remove temporary files and the folders this transfer created (if still empty)."""
    lines = [f"rm -rf {shlex.quote(t)}" for t in temps]
    lines += [f"rmdir {shlex.quote(d)} 2>/dev/null" for d in sorted(new_dirs, key=len, reverse=True)]
    with contextlib.suppress(BackendError):
        chunk: list[str] = []
        for line in lines:
            chunk.append(line)
            if sum(len(x) for x in chunk) > _SCRIPT_MAX:
                device.shell("; ".join(chunk), timeout=15)
                chunk = []
        if chunk:
            device.shell("; ".join(chunk), timeout=15)


def execute_pull(
    device: Device,
    plan: TreePlan,
    *,
    preserve_times: bool = True,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    file_done: Callable[[FileJob], None] | None = None,
    sync: SyncClient | None = None,
) -> None:
    """Create local folders, RECV every file to a temporary name, then rename them all into place.

    A new tree is built under a hidden stage folder beside it and renamed into place at the end, as a
    tree push is: a killed pull leaves nothing under the final name (so a rerun does not nest the tree
    one level down), and the reaper removes the stage later.
    """
    token = os.urandom(4).hex()
    jobs = [j for j in plan.files if not j.skip]
    root = plan.dirs[0] if plan.dirs and plan.dirs[0] in plan.new_dirs else None
    if root is not None:
        stage = os.path.join(os.path.dirname(root), f".bt-{token}.part")
        temps = {id(j): stage + j.target[len(root) :] for j in jobs}
        folders = [stage + d[len(root) :] for d in plan.dirs]
    else:
        temps = {id(j): _temp_name(j.target, token, i) for i, j in enumerate(jobs)}
        folders = list(plan.dirs)
    created: list[str] = []
    try:
        for path in folders:
            if not os.path.isdir(path):
                os.makedirs(path, exist_ok=True)
                created.append(path)
        if jobs:
            with _sync(device, sync, timeout=None) as client:
                paths = [temps[id(j)] for j in jobs]
                client.pull_many(
                    [j.source for j in jobs],
                    lambda i: _open_sink(paths[i], jobs[i].target),
                    lambda i, sink: _finish_sink(jobs[i], paths[i], sink, preserve_times),
                    progress=progress,
                    cancelled=cancelled,
                )
        if cancelled is not None and cancelled():
            raise TransferCancelled("transfer cancelled")
        if root is not None:
            os.rename(stage, root)  # one rename puts the whole tree in place
        else:
            for job in jobs:
                os.replace(temps[id(job)], job.target)
        for job in jobs:
            if file_done is not None:
                file_done(job)
    except BaseException:
        if root is not None:
            import shutil

            shutil.rmtree(stage, ignore_errors=True)
        for temp in temps.values():
            with contextlib.suppress(OSError):
                os.unlink(temp)
        for path in sorted(set(created) | set(plan.new_dirs), key=len, reverse=True):
            with contextlib.suppress(OSError):
                os.rmdir(path)
        raise


STAGING = re.compile(r"\.bt-[0-9a-f]{8}(?:-\d+)?\.part")
"""Names of bt's staging files and folders (`.bt-TOKEN-N.part`, `.bt-TOKEN.part`), on both sides."""


def reap_local(folders: Iterable[str]) -> list[str]:
    """Remove bt's staging files and folders left in these local folders by a killed transfer.

    Links are never followed; the caller makes sure no running transfer uses these folders.
    """
    removed = []
    for folder in dict.fromkeys(folders):
        try:
            with os.scandir(folder) as listing:
                stale = [e for e in listing if STAGING.fullmatch(e.name)]
        except OSError:
            continue
        for entry in stale:
            with contextlib.suppress(OSError):
                if entry.is_dir(follow_symlinks=False):
                    import shutil

                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed.append(entry.path)
    return removed


def reap_remote(device: Device, folders: Iterable[str], *, sync: SyncClient | None = None) -> list[str]:
    """Remove bt's staging files and folders left in these device folders (a LIST each on the sync
    connection, then one shell only when something is found)."""
    found = []
    with _sync(device, sync) as client:
        for folder in dict.fromkeys(folders):
            st = client.stat(folder)
            if st.exists and st.is_dir:
                found += [posixpath.join(folder, e.name) for e in client.list(folder) if STAGING.fullmatch(e.name)]
    if found:
        _cleanup_remote(device, found, [])
    return found


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_UTIME_FD = os.utime in os.supports_fd


def _open_sink(temp: str, target: str) -> int:
    try:  # a fresh name of bt's own: nothing (not even a planted link) may already be there
        return os.open(temp, _CREATE, 0o600)
    except OSError as error:  # named by the file the user asked for, not bt's temporary name
        raise DeviceRefused(f"cannot write {target}: {error.strerror}", reason=error.strerror or "") from None


@functools.cache
def _umask() -> int:
    """This process's umask (read by setting it, so once, and set straight back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _finish_sink(job: FileJob, temp: str, sink: Sink, preserve: bool) -> None:
    """The pulled file gets its device permissions less the umask, as any file this user creates (a file
    everyone may write on the device's shared storage is not made world-writable here), and stays
    readable and writable by its owner; with `preserve`, its device mtime; both through the open
    descriptor; then it is closed."""
    fd = sink if isinstance(sink, int) else sink.fileno()
    try:
        with contextlib.suppress(OSError):
            os.fchmod(fd, ((job.mode & 0o777) | 0o600) & ~_umask())
        if preserve and _UTIME_FD:
            os.utime(fd, (job.mtime, job.mtime))
    finally:
        close_sink(sink)
    if preserve and not _UTIME_FD:
        os.utime(temp, (job.mtime, job.mtime))
