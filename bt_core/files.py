"""Files on the device: browse, create folders, rename, delete, and push/pull through the transfer manager.

Every device path is normalised and checked against the policy's allowed folders before the device
is asked; changes need `files.modify`, and each one is written to the transcript.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bt_core.errors import PermissionDenied, UsageError
from bt_core.events import EventKind

if TYPE_CHECKING:
    from adb_backend.files import RemoteEntry
    from bt_core.models import SessionRecord, Transfer
    from bt_core.services import Services
    from bt_core.transfers import TransferManager


T = TypeVar("T")


class FilesService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def transfers(self) -> TransferManager:
        return self.services.transfers

    def _path(self, record: SessionRecord, action: str, path: str) -> str:
        clean = self._allowed(record, action, path)
        confine(self.services, record, action, [clean])
        return clean

    def _allowed(self, record: SessionRecord, action: str, path: str) -> str:
        """The path normalised and checked against the allowed folders (links not yet resolved)."""
        if not path:
            raise UsageError("name a device path, e.g. /sdcard/Download")
        try:
            return self.services.policy.check_remote_path(path)
        except PermissionDenied as error:
            self.services.sessions.deny(record, action, str(error), detail=path)

    # -- browsing ----------------------------------------------------------------------------------
    def list(self, session_id: str | None, path: str, hidden: bool = False) -> list[RemoteEntry]:
        """A folder's entries (hidden ones with hidden=True); browsing is allowed wherever paths are."""
        from adb_backend import files

        return self._browse(session_id, path, lambda d, clean, sync: files.list_dir(d, clean, hidden=hidden, sync=sync))

    def stat(self, session_id: str | None, path: str) -> RemoteEntry | None:
        from adb_backend import files

        return self._browse(session_id, path, lambda d, clean, sync: files.stat(d, clean, sync=sync))

    def _browse(self, session_id: str | None, path: str, read: Callable[[Any, str, Any], T]) -> T:
        """A read of an allowed device path: the link check and the read share one sync connection, one
        round trip to the device."""
        from adb_backend.sync import SyncClient

        record = self.services.sessions.guard(session_id)
        clean = self._allowed(record, "files.browse", path)

        def work(device: Any) -> T:
            with SyncClient.open(device) as sync:
                confine(self.services, record, "files.browse", [clean], device=device, sync=sync)
                return read(device, clean, sync)

        return self.services.sessions.on_device(record, work)

    # -- changes -----------------------------------------------------------------------------------
    def mkdir(self, session_id: str | None, path: str) -> str:
        from adb_backend import files

        record = self.services.sessions.guard(session_id, "files.modify", detail=path)
        clean = self._path(record, "files.modify", path)

        def work(device: Any) -> OutsideAtAction | None:
            try:
                files.mkdir(device, clean, inside=self.services.policy.remote_paths)
            except files.OutsideRoots as error:
                return OutsideAtAction(str(error))
            return None

        outside = self.services.sessions.on_device(record, work)
        if outside is not None:
            self.services.sessions.deny(record, "files.modify", outside.message, detail=clean)
        self.services.sessions.log(record, EventKind.FOLDER_CREATED, f"Created folder {clean}", {"path": clean})
        return clean

    def rename(self, session_id: str | None, source: str, target: str) -> str:
        from adb_backend import files

        record = self.services.sessions.guard(session_id, "files.modify", detail=f"{source} -> {target}")
        src = self._path(record, "files.modify", source)
        dst = self._path(record, "files.modify", target)

        def work(device: Any) -> str | OutsideAtAction:
            if files.stat(device, src) is None:
                raise _refused(f"cannot rename {src}: No such file or directory")
            existing = files.stat(device, dst)
            final = dst
            if existing is not None and existing.type == "dir":
                final = dst.rstrip("/") + "/" + src.rstrip("/").rsplit("/", 1)[-1]
                existing = files.stat(device, final)
            if existing is not None:
                raise _refused(f"cannot rename {src}: {final} already exists")
            try:
                files.rename(device, src, final, inside=self.services.policy.remote_paths)
            except files.OutsideRoots as error:
                return OutsideAtAction(str(error))
            return final

        final = self.services.sessions.on_device(record, work)
        if isinstance(final, OutsideAtAction):
            self.services.sessions.deny(record, "files.modify", final.message, detail=f"{src} -> {dst}")
        self.services.sessions.log(
            record, EventKind.FILE_RENAMED, f"Renamed {src} to {final}", {"from": src, "to": final}
        )
        return final

    def delete(self, session_id: str | None, path: str, *, recursive: bool = False) -> str:
        """Permanent deletion (Android has no trash for adb)."""
        from adb_backend import files

        record = self.services.sessions.guard(session_id, "files.modify", detail=path)
        clean = self._path(record, "files.modify", path)
        if clean in self.services.policy.remote_paths or clean == "/":
            raise UsageError(f"refusing to delete {clean}: it is an allowed root folder")

        def work(device: Any) -> OutsideAtAction | None:
            try:
                files.delete(device, clean, recursive=recursive, inside=self.services.policy.remote_paths)
            except files.OutsideRoots as error:
                return OutsideAtAction(str(error))
            return None

        outside = self.services.sessions.on_device(record, work)
        if outside is not None:
            self.services.sessions.deny(record, "files.modify", outside.message, detail=clean)
        what = "folder and everything in it" if recursive else "file"
        self.services.sessions.log(
            record,
            EventKind.FILE_DELETED,
            f"Deleted {clean} permanently ({what})",
            {"path": clean, "recursive": recursive, "permanent": True},
        )
        return clean

    # -- transfers ---------------------------------------------------------------------------------
    def push(
        self,
        session_id: str | None,
        sources: builtins.list[str],
        destination: str,
        *,
        on_clash: str = "overwrite",
        preserve_times: bool = True,
        queue: bool = False,
        **callbacks: Any,
    ) -> builtins.list[Transfer]:
        """Upload files or folders; queued only with queue=True (start them with the manager)."""
        return self._transfer("push", session_id, sources, destination, on_clash, preserve_times, queue, callbacks)

    def pull(
        self,
        session_id: str | None,
        sources: builtins.list[str],
        destination: str,
        *,
        on_clash: str = "overwrite",
        preserve_times: bool = True,
        queue: bool = False,
        **callbacks: Any,
    ) -> builtins.list[Transfer]:
        """Download files or folders from the device."""
        return self._transfer("pull", session_id, sources, destination, on_clash, preserve_times, queue, callbacks)

    def _transfer(
        self,
        direction: str,
        session_id: str | None,
        sources: builtins.list[str],
        destination: str,
        on_clash: str,
        preserve_times: bool,
        queue: bool,
        callbacks: dict[str, Any],
    ) -> builtins.list[Transfer]:
        manager = self.transfers
        queued = manager.enqueue(
            session_id, direction, sources, destination, on_clash=on_clash, preserve_times=preserve_times
        )
        if queue:
            return queued
        done, first_error = [], None
        for transfer in queued:  # one failure does not strand the others in the queue
            try:
                done.append(manager.run(transfer.id, **callbacks))
            except Exception as error:
                first_error = first_error or error
        if first_error is not None:
            raise first_error
        return done


def confine(
    services: Services,
    record: SessionRecord,
    action: str,
    paths: list[str],
    *,
    device: Any = None,
    sync: Any = None,
) -> None:
    """Refuse (permission.denied, exit 10) a device path whose real location, with every symlink
    resolved on the device, lies outside the allowed folders: a link in /data/local/tmp to / or to
    /sdcard/DCIM must not carry an action past the policy.

    Only a link below the allowed root a path is written under can lead it out, so one pipelined lstat
    on the sync connection (the caller's `sync` when given) looks for links; only paths with one cost a
    shell round trip (`readlink -f`, batched). With `device`, runs on it (already inside on_device).
    """
    from adb_backend import files

    roots = services.policy.remote_paths
    if "/" in roots or not paths:
        return
    checks = [(path, root) for path in paths if (root := _root_of(path, roots)) is not None]

    def work(handle: Any) -> dict[str, str | None]:
        suspects = files.links_below(handle, checks, sync=sync)
        return files.resolve_paths(handle, [*roots, *suspects]) if suspects else {}

    resolved = work(device) if device is not None else services.sessions.on_device(record, work)
    allowed = set(roots) | {real for root in roots if (real := resolved.get(root))}
    for path in paths:
        real = resolved.get(path)
        if real is None:  # no link on the way, or the device cannot resolve links: the path check stands
            continue
        if not any(real == root or real.startswith(root.rstrip("/") + "/") for root in allowed):
            message = (
                f"device path {path} leads to {real} through a symbolic link, outside the allowed folders "
                f"({', '.join(roots)})"
            )
            services.sessions.deny(record, action, message, detail=path)


@dataclass(frozen=True)
class OutsideAtAction:
    """The device refused an action because a path led out of the allowed folders at that moment."""

    message: str


def _root_of(path: str, roots: list[str]) -> str | None:
    """The deepest allowed root that `path` (already normalised) is written under."""
    inside = [r for r in roots if path == r or path.startswith(r.rstrip("/") + "/")]
    return max(inside, key=len) if inside else None


def _refused(message: str) -> Exception:
    from adb_backend.errors import DeviceRefused

    return DeviceRefused(message, reason=message.rsplit(": ", 1)[-1])
