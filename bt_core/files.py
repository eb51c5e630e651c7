"""Files on the device: browse, create folders, rename, delete, and push/pull through the transfer manager.

Every device path is normalised and checked against the policy's allowed folders before the device
is asked; changes need `files.modify`, and each one is written to the transcript.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bt_core.errors import PermissionDenied, UsageError
from bt_core.events import EventKind

if TYPE_CHECKING:
    from adb_backend.files import RemoteEntry
    from bt_core.models import SessionRecord, Transfer
    from bt_core.services import Services
    from bt_core.transfers import TransferManager


class FilesService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def transfers(self) -> TransferManager:
        return self.services.transfers

    def _path(self, record: SessionRecord, action: str, path: str) -> str:
        if not path:
            raise UsageError("name a device path, e.g. /sdcard/Download")
        try:
            return self.services.policy.check_remote_path(path)
        except PermissionDenied as error:
            self.services.sessions.deny(record, action, str(error), detail=path)
            raise

    # -- browsing ----------------------------------------------------------------------------------
    def list(self, session_id: str | None, path: str, hidden: bool = False) -> list[RemoteEntry]:
        """A folder's entries (hidden ones with hidden=True); browsing is allowed wherever paths are."""
        from adb_backend import files

        record = self.services.sessions.guard(session_id)
        clean = self._path(record, "files.browse", path)
        return self.services.sessions.on_device(record, lambda d: files.list_dir(d, clean, hidden=hidden))

    def stat(self, session_id: str | None, path: str) -> RemoteEntry | None:
        from adb_backend import files

        record = self.services.sessions.guard(session_id)
        clean = self._path(record, "files.browse", path)
        return self.services.sessions.on_device(record, lambda d: files.stat(d, clean))

    # -- changes -----------------------------------------------------------------------------------
    def mkdir(self, session_id: str | None, path: str) -> str:
        from adb_backend import files

        record = self.services.sessions.guard(session_id, "files.modify", detail=path)
        clean = self._path(record, "files.modify", path)
        self.services.sessions.on_device(record, lambda d: files.mkdir(d, clean))
        self.services.sessions.log(record, EventKind.FOLDER_CREATED, f"Created folder {clean}", {"path": clean})
        return clean

    def rename(self, session_id: str | None, source: str, target: str) -> str:
        from adb_backend import files

        record = self.services.sessions.guard(session_id, "files.modify", detail=f"{source} -> {target}")
        src = self._path(record, "files.modify", source)
        dst = self._path(record, "files.modify", target)

        def work(device: Any) -> str:
            if files.stat(device, src) is None:
                raise _refused(f"cannot rename {src}: No such file or directory")
            existing = files.stat(device, dst)
            final = dst
            if existing is not None and existing.type == "dir":
                final = dst.rstrip("/") + "/" + src.rstrip("/").rsplit("/", 1)[-1]
                existing = files.stat(device, final)
            if existing is not None:
                raise _refused(f"cannot rename {src}: {final} already exists")
            files.rename(device, src, final)
            return final

        final = self.services.sessions.on_device(record, work)
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
        self.services.sessions.on_device(record, lambda d: files.delete(d, clean, recursive=recursive))
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
        sources: list[str],
        destination: str,
        *,
        on_clash: str = "overwrite",
        preserve_times: bool = True,
        queue: bool = False,
        **callbacks: Any,
    ) -> list[Transfer]:
        """Upload files or folders; queued only with queue=True (start them with the manager)."""
        return self._transfer("push", session_id, sources, destination, on_clash, preserve_times, queue, callbacks)

    def pull(
        self,
        session_id: str | None,
        sources: list[str],
        destination: str,
        *,
        on_clash: str = "overwrite",
        preserve_times: bool = True,
        queue: bool = False,
        **callbacks: Any,
    ) -> list[Transfer]:
        """Download files or folders from the device."""
        return self._transfer("pull", session_id, sources, destination, on_clash, preserve_times, queue, callbacks)

    def _transfer(
        self,
        direction: str,
        session_id: str | None,
        sources: list[str],
        destination: str,
        on_clash: str,
        preserve_times: bool,
        queue: bool,
        callbacks: dict[str, Any],
    ) -> list[Transfer]:
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


def _refused(message: str) -> Exception:
    from adb_backend.errors import DeviceRefused

    return DeviceRefused(message, reason=message.rsplit(": ", 1)[-1])
