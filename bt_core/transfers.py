"""The transfer manager: every push and pull is a row in the store that any process can see and cancel.

A transfer is queued (with its final paths already checked against the policy), then run: planned
(what exists at the destination), filtered (identical content skipped with a warning, name clashes
settled by the clash policy), executed through adb_backend.files, and finished with one transcript
event. A runner polls `cancel_requested` in the store between chunks, at most every 0.2 s, so
`bt transfers cancel ID` from another process stops it.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import posixpath
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bt_core.errors import BtError, Cancelled, NotFound, PermissionDenied, UsageError
from bt_core.events import EventKind
from bt_core.models import Direction, OnClash, Transfer, TransferState, utcnow
from bt_core.processes import pid_alive
from bt_core.units import human_size

if TYPE_CHECKING:
    from adb_backend.files import FileJob, TreePlan
    from bt_core.models import SessionRecord
    from bt_core.services import Services
    from bt_core.sessions import SessionService
    from bt_core.store import Store

CLASH_POLICIES = OnClash.choices()
STATES = TransferState.choices()
FINISHED = ("done", "skipped", "failed", "cancelled")
ACTION = {"push": "files.upload", "pull": "files.download"}
_POLL_SECONDS = 0.2
_PROGRESS_SECONDS = 0.1


@dataclass(frozen=True)
class ProgressUpdate:
    """What a progress bar needs, sent at most every 0.1 s and at each file boundary."""

    transfer_id: int
    direction: str
    origin: str
    destination: str
    bytes_done: int
    bytes_total: int
    files_done: int
    files_total: int
    state: str = "running"

    def to_json(self) -> dict[str, Any]:
        return {
            "event": "progress",
            "transfer": self.transfer_id,
            "direction": self.direction,
            "origin": self.origin,
            "destination": self.destination,
            "bytes_done": self.bytes_done,
            "bytes_total": self.bytes_total,
            "files_done": self.files_done,
            "files_total": self.files_total,
            "state": self.state,
        }


@dataclass(frozen=True)
class Clash:
    """A file that already exists at the destination with different content."""

    transfer_id: int
    source: str
    target: str
    size: int
    existing_size: int


ProgressFn = Callable[[ProgressUpdate], None]
AskFn = Callable[[Clash], str]
"""Returns overwrite, skip, cancel, overwrite-all or skip-all."""
WarnFn = Callable[[str], None]


class TransferManager:
    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def sessions(self) -> SessionService:
        return self.services.sessions

    # -- queueing ----------------------------------------------------------------------------------
    def enqueue(
        self,
        session_id: str | None,
        direction: str,
        sources: list[str],
        destination: str,
        *,
        on_clash: str = "overwrite",
        preserve_times: bool = True,
    ) -> list[Transfer]:
        """One queued transfer per source, with final paths resolved and checked against the policy."""
        if direction not in ACTION:
            raise UsageError(f"direction must be push or pull, not {direction!r}")
        if on_clash not in CLASH_POLICIES:
            raise UsageError(f"--on-clash must be one of {', '.join(CLASH_POLICIES)}, not {on_clash!r}")
        if not sources:
            raise UsageError("name at least one file or folder to transfer")
        action = ACTION[direction]
        record = self.sessions.guard(session_id, action, detail=", ".join(sources) + f" -> {destination}")
        pairs = (self._push_pairs if direction == "push" else self._pull_pairs)(record, sources, destination)
        created = []
        for origin, target in pairs:
            transfer = Transfer(
                id=0,
                session_id=record.id,
                direction=Direction(direction),
                origin=origin,
                destination=target,
                state=TransferState.QUEUED,
                on_clash=OnClash(on_clash),
                preserve_times=preserve_times,
            )
            created.append(
                self.store.create_transfer(
                    transfer, {"origin": origin, "destination": target}, technician=self.services.technician
                )
            )
        return created

    def _remote(self, record: SessionRecord, action: str, path: str) -> str:
        try:
            return self.services.policy.check_remote_path(path)
        except PermissionDenied as error:
            self.sessions.deny(record, action, str(error), detail=path)
            raise

    def _local(self, record: SessionRecord, action: str, path: str | Path) -> Path:
        try:
            return self.services.policy.check_local_path(Path(path))
        except PermissionDenied as error:
            self.sessions.deny(record, action, str(error), detail=str(path))
            raise

    def _push_pairs(self, record: SessionRecord, sources: list[str], destination: str) -> list[tuple[str, str]]:
        from adb_backend import files

        locals_ = []
        for source in sources:
            local = self._local(record, "files.upload", source)
            if not local.exists():
                raise NotFound(f"no such local file or folder: {source}")
            locals_.append(local)
        target = self._remote(record, "files.upload", destination)
        existing = self.sessions.on_device(record, lambda d: files.stat(d, target))
        into = (existing is not None and existing.type in ("dir", "link")) or destination.endswith("/")
        if len(locals_) > 1 and not into:
            raise UsageError(f"{destination} is not a folder on the device: several sources need a folder")
        pairs = []
        for local in locals_:
            final = posixpath.join(target, local.name) if into else target
            pairs.append((str(local), self._remote(record, "files.upload", final)))
        return pairs

    def _pull_pairs(self, record: SessionRecord, sources: list[str], destination: str) -> list[tuple[str, str]]:
        remotes = [self._remote(record, "files.download", s) for s in sources]
        local = self._local(record, "files.download", destination)
        into = local.is_dir() or destination.endswith(os.sep)
        if len(remotes) > 1 and not into:
            raise UsageError(f"{destination} is not a folder: several sources need a folder")
        pairs = []
        for remote in remotes:
            name = posixpath.basename(remote.rstrip("/")) or "root"
            final = self._local(record, "files.download", local / name if into else local)
            if not final.parent.is_dir():
                raise NotFound(f"no such local folder: {final.parent}")
            pairs.append((remote, str(final)))
        return pairs

    # -- running -----------------------------------------------------------------------------------
    def run(
        self,
        transfer_id: int,
        *,
        progress: ProgressFn | None = None,
        ask: AskFn | None = None,
        warn: WarnFn | None = None,
    ) -> Transfer:
        """Run one queued transfer to its end; raises the BtError of a failure or cancel."""
        transfer = self.show(transfer_id)
        action = ACTION[transfer.direction]
        record = self.sessions.guard(transfer.session_id, action, detail=f"{transfer.origin} -> {transfer.destination}")
        if transfer.direction == "push":
            self._local(record, action, transfer.origin)
            self._remote(record, action, transfer.destination)
        else:
            self._remote(record, action, transfer.origin)
            self._local(record, action, transfer.destination)
        if not self.store.update_transfer(
            transfer_id,
            only_if_state=["queued"],
            state="running",
            started_at=utcnow(),
            cancel_requested=False,
            runner=runner_id(),
        ):
            raise UsageError(f"transfer {transfer_id} is {self.show(transfer_id).state}, not queued")
        job = _Run(self, self.store.get_transfer(transfer_id), record, progress, ask, warn)
        return job.execute()

    def start(self, session_id: str | None = None, transfer_id: int | None = None, **callbacks: Any) -> list[Transfer]:
        """Run one queued transfer, or every queued one of the session in order."""
        if transfer_id is not None:
            return [self.run(transfer_id, **callbacks)]
        record = self.sessions.resolve(session_id)
        return [self.run(t.id, **callbacks) for t in self.store.list_transfers(record.id, ["queued"])]

    def cancel(self, transfer_id: int) -> Transfer:
        """Cancel a queued transfer now, or ask the process running it to stop (it checks every 0.2 s)."""
        transfer = self.show(transfer_id)
        if self.store.update_transfer(
            transfer_id,
            only_if_state=["queued"],
            state="cancelled",
            finished_at=utcnow(),
            error="cancelled before it started",
        ):
            record = self.store.get_session(transfer.session_id)
            self.sessions.log(
                record, EventKind.TRANSFER_CANCELLED, f"{_label(transfer)} cancelled before it started", _data(transfer)
            )
        elif not self.store.update_transfer(transfer_id, only_if_state=["running"], cancel_requested=True):
            state = self.show(transfer_id).state
            raise UsageError(
                f"transfer {transfer_id} has already finished ({state}): there is nothing to cancel",
                title="Already finished",
            )
        return self.show(transfer_id)

    # -- browsing ----------------------------------------------------------------------------------
    def show(self, transfer_id: int) -> Transfer:
        try:
            transfer_id = int(transfer_id)
        except (TypeError, ValueError):
            raise UsageError(f"transfer id must be a number, not {transfer_id!r}") from None
        if not 0 < transfer_id < 2**63:  # no row has it, and the store's integer column cannot hold it
            raise NotFound(f"no transfer {transfer_id}: 'bt transfers list' shows them")
        self.reap_orphans()
        return self.store.get_transfer(transfer_id)

    def list(
        self, session_id: str | None = None, *, all_sessions: bool = False, states: list[str] | None = None
    ) -> list[Transfer]:
        sid = None if all_sessions else self.sessions.resolve(session_id).id
        self.reap_orphans()
        return self.store.list_transfers(sid, states)

    def reap_orphans(self) -> builtins.list[int]:
        """Mark failed the running transfers whose process on this host is gone (killed, crashed).

        Their temporary files never reached the final name; the record and the transcript say what
        happened instead of showing "running" forever. Transfers run on other hosts are left alone.
        """
        host = socket.gethostname()
        reaped = []
        for transfer_id, runner in self.store.running_transfer_runners():
            runner_host, _, pid_text = (runner or "").rpartition(":")
            if runner_host != host or not pid_text.isdigit() or pid_alive(int(pid_text)):
                continue
            message = f"the bt process running it (pid {pid_text}) stopped before it finished"
            if self.store.update_transfer(
                transfer_id, only_if_state=["running"], state="failed", finished_at=utcnow(), error=message
            ):
                transfer = self.store.get_transfer(transfer_id)
                with contextlib.suppress(BtError):
                    record = self.store.get_session(transfer.session_id)
                    self.sessions.log(
                        record,
                        EventKind.TRANSFER_FAILED,
                        f"{_label(transfer)} failed: {message}",
                        {**_data(transfer), "error": message},
                        actor="system",
                    )
                reaped.append(transfer_id)
        return reaped

    def clean(self, session_id: str | None = None) -> CleanResult:
        """Remove the staging files and folders that killed transfers of this session left behind, on
        the device and here, in every folder the session's transfers used (none that a running
        transfer uses)."""
        record = self.sessions.guard(session_id)
        self.reap_orphans()
        transfers = self.store.list_transfers(record.id)
        result: CleanResult = self.sessions.on_device(record, lambda device: self._reap_staging(device, transfers))
        return result

    def _reap_staging(
        self, device: Any, transfers: Sequence[Transfer], *, sync: Any = None, skip: int | None = None
    ) -> CleanResult:
        """The reaper: staging leftovers in the folders these transfers write to (the target and its
        parent, where a stage folder or temporary files live), on both sides, except in folders that
        another running transfer is writing to."""
        from adb_backend import files

        busy_remote: set[str] = set()
        busy_local: set[str] = set()
        for running in self.store.list_transfers(None, ["running"]):
            if running.id != skip:
                remote, local = _sides(running)
                busy_remote.update({remote, posixpath.dirname(remote)})
                busy_local.update({local, os.path.dirname(local)})
        remote_dirs: builtins.list[str] = []
        local_dirs: builtins.list[str] = []
        for transfer in transfers:
            remote, local = _sides(transfer)
            remote_dirs += [d for d in (posixpath.dirname(remote), remote) if d not in busy_remote]
            local_dirs += [d for d in (os.path.dirname(local), local) if d not in busy_local]
        return CleanResult(files.reap_remote(device, remote_dirs, sync=sync), files.reap_local(local_dirs))

    def clear(self, session_id: str | None = None, *, all_sessions: bool = False) -> int:
        """Forget finished transfers (the transcript keeps their events)."""
        done = self.list(session_id, all_sessions=all_sessions, states=list(FINISHED))
        return self.store.delete_transfers([t.id for t in done])


class _Run:
    """One execution of one transfer: plan, filter, move bytes, record the outcome."""

    def __init__(
        self,
        manager: TransferManager,
        transfer: Transfer,
        record: SessionRecord,
        progress: ProgressFn | None,
        ask: AskFn | None,
        warn: WarnFn | None,
    ) -> None:
        self.m = manager
        self.t = transfer
        self.record = record
        self.progress_fn = progress
        self.ask = ask
        self.warn = warn or (lambda _m: None)
        self.bytes_sent = 0
        """Bytes moved so far, for the progress bar."""
        self.bytes_done = 0
        """Bytes that arrived: received here (pull) or acknowledged by the device (push). The record
        keeps only these, so a failed transfer never claims bytes the device did not take."""
        self.bytes_total = 0
        self.files_done = 0
        self.files_total = 0
        self._last_poll = time.monotonic()
        self._last_progress = 0.0
        self._cancel = False
        self.identical: builtins.list[str] = []
        self.clash_skipped: builtins.list[str] = []
        self._skip_reason = ""

    # callbacks from adb_backend ------------------------------------------------------------------
    def on_bytes(self, n: int) -> None:
        self.bytes_sent += n
        if self.t.direction == "pull":  # a received chunk has arrived; a sent one only once acknowledged
            self.bytes_done += n
        now = time.monotonic()
        if now - self._last_progress >= _PROGRESS_SECONDS:
            self._last_progress = now
            self._report()

    def on_acked(self, n: int) -> None:
        self.bytes_done += n

    def on_file(self, _job: FileJob) -> None:
        self.files_done += 1

    def cancelled(self) -> bool:
        now = time.monotonic()
        if not self._cancel and now - self._last_poll >= _POLL_SECONDS:
            self._last_poll = now
            self._cancel = self.m.store.get_transfer(self.t.id).cancel_requested
            # live progress for other processes; the finished record keeps only what arrived (_close)
            self.m.store.update_transfer(self.t.id, bytes_done=self.bytes_sent, files_done=self.files_done)
        return self._cancel

    def _report(self, state: str = "running") -> None:
        if self.progress_fn is not None:
            self.progress_fn(
                ProgressUpdate(
                    self.t.id,
                    self.t.direction,
                    self.t.origin,
                    self.t.destination,
                    self.bytes_done if state != "running" else self.bytes_sent,
                    self.bytes_total,
                    self.files_done,
                    self.files_total,
                    state,
                )
            )

    # the run -------------------------------------------------------------------------------------
    def execute(self) -> Transfer:
        try:
            plan = self.m.sessions.on_device(self.record, self._work)
        except Cancelled as error:
            return self._finish_cancelled(str(error))
        except BtError as error:
            self._finish_failed(str(error))
            raise
        except OSError as error:
            message = f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
            self._finish_failed(message)
            raise BtError(message) from None
        except BaseException:
            self._finish_failed("interrupted")
            raise
        if plan is None:
            return self._close("skipped", self._skip_reason)
        return self._finish_done(plan)

    def _work(self, device: Any) -> TreePlan | None:
        """Plan, settle clashes and move the bytes over one device handle and one sync connection."""
        from adb_backend import files
        from adb_backend.sync import SyncClient
        from bt_core.files import confine

        t = self.t
        with SyncClient.open(device) as sync:
            # a device path that a symlink leads out of the allowed folders is refused before planning
            remote = t.destination if t.direction == "push" else t.origin
            confine(self.m.services, self.record, ACTION[t.direction], [remote], device=device, sync=sync)
            self.m._reap_staging(device, [t], sync=sync, skip=t.id)
            plan = self._plan(device, sync)
            self._settle(plan)
            moving = [j for j in plan.files if not j.skip]
            self.files_total = len(moving)
            self.bytes_total = sum(j.size for j in moving)
            self.m.store.update_transfer(t.id, bytes_total=self.bytes_total, files_total=self.files_total)
            for source, why in plan.skipped:
                self.warn(f"skipped {source}: {why}")
            if not moving and plan.files and not plan.new_dirs:
                self._log_skipped()
                return None
            self._report()
            common: dict[str, Any] = {
                "preserve_times": t.preserve_times,
                "progress": self.on_bytes,
                "cancelled": self.cancelled,
                "file_done": self.on_file,
                "sync": sync,
            }
            if t.direction == "push":
                files.execute_push(device, plan, acked=self.on_acked, **common)
            else:
                files.execute_pull(device, plan, **common)
        return plan

    def _plan(self, device: Any, sync: Any = None) -> TreePlan:
        from adb_backend import files

        policy = self.m.services.policy
        if self.t.direction == "push":

            def allowed(path: Path) -> bool:
                try:
                    policy.check_local_path(path)
                except PermissionDenied:
                    return False
                return True

            plan = files.plan_push(device, Path(self.t.origin), self.t.destination, allowed=allowed, sync=sync)
        else:
            plan = files.plan_pull(device, self.t.origin, Path(self.t.destination), sync=sync)
            for folder in plan.dirs:  # an existing symlinked folder must not carry writes elsewhere
                if os.path.lexists(folder):
                    self.m._local(self.record, "files.download", folder)
        self._identical(device, plan)
        return plan

    def _identical(self, device: Any, plan: TreePlan) -> None:
        """Same size at the destination? Compare hashes on both sides; equal content is skipped."""
        from adb_backend import files

        candidates = [j for j in plan.files if j.exists and j.existing_size == j.size]
        if not candidates:
            return
        remote_paths = [j.target if plan.direction == "push" else j.source for j in candidates]
        local_paths = [j.source if plan.direction == "push" else j.target for j in candidates]
        # this computer hashes its copies while the device hashes its own (sha256sum, as toybox has it)
        local = _LocalHashes(local_paths, "sha256")
        try:
            algo, digests = files.hash_remote(device, remote_paths)
        except BaseException:
            local.stop()
            raise
        ours = local.result()
        if not algo:
            return
        if algo != "sha256":
            ours = [_local_hash(path, algo) for path in local_paths]
        for job, remote, mine in zip(candidates, remote_paths, ours, strict=True):
            if digests.get(remote) and digests[remote] == mine:
                job.skip = True
                self.identical.append(job.target)
                self.warn(f"skipped {job.source}: identical content is already at {job.target}")

    def _settle(self, plan: TreePlan) -> None:
        """Apply the clash policy to files whose destination exists with other content."""
        import stat as S

        policy: str = self.t.on_clash
        for job in plan.files:
            if job.skip or not job.exists:
                continue
            mode = job.existing.mode if hasattr(job.existing, "mode") else job.existing.st_mode  # type: ignore[union-attr]
            if S.S_ISDIR(mode):
                raise BtError(f"cannot replace the folder {job.target} with a file")
            choice = policy
            if policy == "ask":
                if self.ask is None:
                    raise UsageError("--on-clash ask needs someone to answer: use overwrite, skip or cancel")
                choice = self.ask(Clash(self.t.id, job.source, job.target, job.size, job.existing_size))
                if choice in ("overwrite-all", "skip-all"):
                    choice = policy = choice.removesuffix("-all")
            if choice == "skip":
                job.skip = True
                self.clash_skipped.append(job.target)
                self.warn(f"skipped {job.source}: {job.target} already exists")
            elif choice == "cancel":
                raise Cancelled(f"{job.target} already exists")
            elif choice != "overwrite":
                raise UsageError(f"unknown answer {choice!r}: overwrite, skip or cancel")

    # outcomes ------------------------------------------------------------------------------------
    def _close(self, state: str, error: str | None = None) -> Transfer:
        self.m.store.update_transfer(
            self.t.id,
            state=state,
            finished_at=utcnow(),
            error=error,
            bytes_done=self.bytes_done,
            files_done=self.files_done,
            bytes_total=self.bytes_total,
            files_total=self.files_total,
        )
        self._report(state)
        return self.m.show(self.t.id)

    def _data(self) -> dict[str, Any]:
        return {
            **_data(self.t),
            "bytes": self.bytes_done,
            "bytes_total": self.bytes_total,
            "files": self.files_done,
            "files_total": self.files_total,
            "skipped_identical": len(self.identical),
            "skipped_existing": len(self.clash_skipped),
        }

    def _finish_done(self, plan: TreePlan) -> Transfer:
        t = self.t
        kind = EventKind.FILE_PUSHED if t.direction == "push" else EventKind.FILE_PULLED
        verb = "Pushed" if t.direction == "push" else "Pulled"
        what = f"{self.files_done} file{'s' if self.files_done != 1 else ''}, {human_size(self.bytes_done)}"
        extra = f"; {len(self.identical)} identical skipped" if self.identical else ""
        extra += f"; {len(self.clash_skipped)} existing skipped" if self.clash_skipped else ""
        self.m.sessions.log(
            self.record,
            kind,
            f"{verb} {t.origin} → {t.destination} ({what}{extra})",
            {**self._data(), "folders_created": len(plan.new_dirs)},
        )
        return self._close("done")

    def _log_skipped(self) -> None:
        t = self.t
        why = (
            "identical content already there"
            if self.identical and not self.clash_skipped
            else "the destination already exists"
        )
        self._skip_reason = why
        self.m.sessions.log(
            self.record, EventKind.TRANSFER_SKIPPED, f"Skipped {_label(t)}: {why}", {**self._data(), "reason": why}
        )

    def _finish_failed(self, message: str) -> None:
        t = self.t
        with contextlib.suppress(BtError):
            self.m.sessions.log(
                self.record,
                EventKind.TRANSFER_FAILED,
                f"{_label(t)} failed: {message}",
                {**self._data(), "error": message},
            )
        with contextlib.suppress(BtError):
            self._close("failed", message)

    def _finish_cancelled(self, reason: str) -> Transfer:
        t = self.t
        said = "cancelled" if reason.strip().lower() in ("transfer cancelled", "") else reason
        text = (
            f"{_label(t)} cancelled ({human_size(self.bytes_done)} of {human_size(self.bytes_total)} moved, "
            f"nothing left under the final name)"
            if said == "cancelled"
            else f"{_label(t)} cancelled: {said}"
        )
        self.m.sessions.log(self.record, EventKind.TRANSFER_CANCELLED, text, {**self._data(), "reason": said})
        self._close("cancelled", said)
        raise Cancelled(f"transfer {t.id} cancelled" + ("" if said == "cancelled" else f": {said}"))


@dataclass(frozen=True)
class CleanResult:
    """Staging leftovers the reaper removed, on the device and on this computer."""

    device: builtins.list[str]
    local: builtins.list[str]

    def to_json(self) -> dict[str, Any]:
        return {"device": self.device, "local": self.local}


def _sides(t: Transfer) -> tuple[str, str]:
    """(device path, local path) of a transfer."""
    return (t.destination, t.origin) if t.direction == "push" else (t.origin, t.destination)


def _label(t: Transfer) -> str:
    what = "Upload" if t.direction == "push" else "Download"
    return f"{what} of {t.origin} → {t.destination}"


def _data(t: Transfer) -> dict[str, Any]:
    return {"transfer_id": t.id, "direction": t.direction, "origin": t.origin, "destination": t.destination}


class _LocalHashes:
    """Hashes of local files computed on a thread (hashlib and file reads release the GIL)."""

    def __init__(self, paths: builtins.list[str], algo: str) -> None:
        self._paths = paths
        self._algo = algo
        self._out: builtins.list[str | None] = [None] * len(paths)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bt-local-hash", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        buffer = bytearray(1 << 20)
        for index, path in enumerate(self._paths):
            if self._stop.is_set():
                return
            self._out[index] = _local_hash(path, self._algo, self._stop, buffer)

    def result(self) -> builtins.list[str | None]:
        self._thread.join()
        return self._out

    def stop(self) -> None:
        """Give up (the device side failed): the thread stops at its next chunk."""
        self._stop.set()


def _local_hash(
    path: str, algo: str, stop: threading.Event | None = None, buffer: bytearray | None = None
) -> str | None:
    try:
        import hashlib  # only when a destination may already hold the content (OpenSSL loads in ~3 ms)

        digest = hashlib.new(algo)
        buffer = buffer if buffer is not None else bytearray(1 << 20)
        view = memoryview(buffer)
        with open(path, "rb", buffering=0) as handle:
            while n := handle.readinto(buffer):
                digest.update(view[:n])
                if stop is not None and stop.is_set():
                    return None
        return digest.hexdigest()
    except OSError:
        return None


def runner_id() -> str:
    """host:pid of this process, recorded on the transfers it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"
