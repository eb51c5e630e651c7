"""Triage bundles: everything a lab or a technician needs to look at a device later, in one directory.

A bundle holds every sysinfo section (JSON and text), `logcat -d`, a screenshot, the package list with
version codes, key dumpsys services, optionally a bugreport (bugreportz), then a summary (Markdown and
HTML) and `manifest.json` with the sha256 of every other file. An item that fails is named in the
manifest with the device's reason and the rest goes on; a device that disappears fails the whole bundle
(the manifest still says what was collected). Device output streams to files, never whole into memory.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bt_core.errors import BtError, NoDevice, Offline, ServerUnreachable, UsageError, from_backend
from bt_core.events import EventKind
from bt_core.models import iso, utcnow

if TYPE_CHECKING:
    from adb_backend.device import Device
    from adb_backend.types import DeviceInfo
    from bt_core.fleet import DeviceRun
    from bt_core.models import SessionRecord
    from bt_core.services import Services

Progress = Callable[[str, int, int], None]
"""Called with (step, done, total): the triage step by name, or `bugreport` with bugreportz's units."""

DUMPSYS: dict[str, list[str]] = {
    "battery": ["dumpsys", "battery"],
    "meminfo": ["dumpsys", "meminfo"],
    "cpuinfo": ["dumpsys", "cpuinfo"],
    "diskstats": ["dumpsys", "diskstats"],
    "display": ["dumpsys", "display"],
    "window": ["dumpsys", "window", "windows"],
    "activity": ["dumpsys", "activity", "activities"],
    "wifi": ["dumpsys", "wifi"],
    "connectivity": ["dumpsys", "connectivity"],
    "notification": ["dumpsys", "notification"],
}
STEPS = ("sysinfo", "logcat", "screenshot", "packages", "dumpsys", "bugreport", "summary")
_GONE = (NoDevice, Offline, ServerUnreachable)


def bundle_name(serial: str) -> str:
    """A directory name for a device's bundle (127.0.0.1:5555 -> 127.0.0.1_5555)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", serial) or "device"


@dataclass(frozen=True)
class BundleFile:
    path: str
    """Relative to the bundle directory, with forward slashes."""
    item: str
    size: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "item": self.item, "size": self.size, "sha256": self.sha256}


@dataclass
class Manifest:
    """What a bundle holds; `manifest.json` is this, and `bt triage --json` prints it."""

    serial: str
    adb_server: str
    directory: str
    started_at: datetime
    model: str | None = None
    android_version: str | None = None
    sdk: int | None = None
    session_id: str | None = None
    finished_at: datetime | None = None
    elapsed_ms: float = 0.0
    complete: bool = False
    files: list[BundleFile] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    overview: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": "bt-triage/1",
            "serial": self.serial,
            "adb_server": self.adb_server,
            "model": self.model,
            "android_version": self.android_version,
            "sdk": self.sdk,
            "session_id": self.session_id,
            "directory": self.directory,
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
            "elapsed_ms": round(self.elapsed_ms, 1),
            "complete": self.complete,
            "files": [f.to_json() for f in self.files],
            "errors": self.errors,
        }


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class _Bundle:
    """Writes files into the bundle directory and records each in the manifest."""

    def __init__(self, root: Path, manifest: Manifest) -> None:
        self.root = root
        self.manifest = manifest

    def path(self, relative: str) -> Path:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def add(self, relative: str, item: str) -> None:
        target = self.root / relative
        self.manifest.files.append(BundleFile(relative, item, target.stat().st_size, sha256_of(target)))

    def write_text(self, relative: str, item: str, text: str) -> None:
        self.path(relative).write_text(text, encoding="utf-8")
        self.add(relative, item)

    def write_json(self, relative: str, item: str, value: Any) -> None:
        self.write_text(relative, item, json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")

    def stream(self, relative: str, item: str, device: Device, argv: Sequence[str], timeout: float = 120) -> None:
        """A command's stdout straight into a file, chunk by chunk."""
        with device.open_exec(list(argv), timeout=timeout) as stream, self.path(relative).open("wb") as sink:
            while chunk := stream.read(1 << 16):
                sink.write(chunk)
        self.add(relative, item)


class TriageService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def run(
        self, serial: str | None, out: Path | None, *, bugreport: bool = False, progress: Progress | None = None
    ) -> Manifest:
        """`bt triage`: the device named (or the session's); logged in the session when run in one."""
        from adb_backend.server import ServerAddress

        record = self._session_for(serial)
        if record is not None:
            self.services.sessions.check_policy(record, "system.info", detail="triage")
            server = ServerAddress.parse(record.adb_server) if record.adb_server else None
            from adb_backend.types import DeviceInfo

            info = DeviceInfo(serial=record.serial, state="device", adb_server=str(server or ""))
        else:
            try:
                info = self.services.backend.find(serial or self.services.settings.device or None)
            except Exception as error:
                raise from_backend(error) from None
        target = out or self._default_dir(info.serial)
        try:
            manifest = self.collect_device(info, target, bugreport=bugreport, progress=progress, session=record)
        except _GONE as error:
            if record is not None:
                self.services.sessions.mark_absent(record, str(error))
            raise
        if record is not None:
            failed = ", ".join(sorted(manifest.errors))
            self.services.sessions.log(
                record,
                EventKind.TRIAGE_COLLECTED,
                f"Triage bundle collected: {len(manifest.files)} files" + (f" (failed: {failed})" if failed else ""),
                {"directory": manifest.directory, "files": len(manifest.files), "errors": manifest.errors},
            )
        return manifest

    def _session_for(self, serial: str | None) -> SessionRecord | None:
        """The session this triage belongs to: the chosen or current one, on the same device, still open."""
        sessions = self.services.sessions
        chosen = self.services.settings.session or sessions.current_id()
        if not chosen:
            return None
        try:
            record: SessionRecord = sessions.store.get_session(chosen)
        except BtError:
            return None
        wanted = serial or self.services.settings.device
        if record.ended or (wanted and wanted != record.serial):
            return None
        return record

    def _default_dir(self, serial: str) -> Path:
        from bt_core import locations

        stamp = time.strftime("%Y%m%d-%H%M%S")
        return locations.data_dir() / "triage" / f"{bundle_name(serial)}-{stamp}"

    def collect_device(
        self,
        info: DeviceInfo,
        out: Path,
        *,
        bugreport: bool = False,
        progress: Progress | None = None,
        session: SessionRecord | None = None,
    ) -> Manifest:
        """Collect a bundle for one device into `out` (new or empty); raises Offline if the device goes."""
        from adb_backend.errors import BackendError
        from adb_backend.server import ServerAddress

        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise UsageError(f"{out} exists and is not an empty directory: choose another --out")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise UsageError(f"cannot create {out}: {error.strerror or error}") from None
        server = ServerAddress.parse(info.adb_server) if info.adb_server else None
        device = self.services.backend.open(info.serial, server=server)
        manifest = Manifest(
            serial=info.serial,
            adb_server=device.server,
            directory=str(out.resolve()),
            started_at=utcnow(),
            model=info.model,
            android_version=info.android_version,
            sdk=info.sdk,
            session_id=session.id if session else None,
        )
        bundle = _Bundle(out, manifest)
        started = time.monotonic()
        steps: list[tuple[str, Callable[[], None]]] = [
            ("sysinfo", lambda: self._sysinfo(device, bundle)),
            ("logcat", lambda: bundle.stream("logcat.txt", "logcat", device, ["logcat", "-d", "-v", "threadtime"])),
            ("screenshot", lambda: self._screenshot(device, bundle, session)),
            ("packages", lambda: self._packages(device, bundle)),
            ("dumpsys", lambda: self._dumpsys(device, bundle, manifest)),
        ]
        if bugreport:
            steps.append(("bugreport", lambda: self._bugreport(device, bundle, progress)))
        total = len(steps) + 1
        gone: BtError | None = None
        for done, (name, step) in enumerate(steps):
            if progress is not None:
                progress(name, done, total)
            try:
                step()
            except BackendError as error:
                bt_error = from_backend(error)
                manifest.errors[name] = str(bt_error)
                if isinstance(bt_error, _GONE):
                    gone = bt_error
                    break
            except BtError as error:
                manifest.errors[name] = str(error)
        if gone is None:
            gone = self._still_there(device)
        manifest.complete = gone is None and not manifest.errors
        manifest.finished_at = utcnow()
        manifest.elapsed_ms = (time.monotonic() - started) * 1000
        if progress is not None:
            progress("summary", total - 1, total)
        self._write_summaries(bundle)
        if progress is not None:
            progress("summary", total, total)
        if gone is not None:
            raise Offline(f"{info.serial} went away during triage ({gone}); the partial bundle is in {out}")
        return manifest

    # -- items -----------------------------------------------------------------------------------------
    def _sysinfo(self, device: Device, bundle: _Bundle) -> None:
        from adb_backend.sysinfo import SECTION_NAMES, collect
        from bt_core.sysinfo import SysinfoSnapshot

        collection = collect(device, SECTION_NAMES)
        manifest = bundle.manifest
        for name, section in collection.sections.items():
            snapshot = SysinfoSnapshot(
                manifest.session_id or "", device.serial, utcnow(), collection.elapsed_ms, 1, {name: section}
            )
            bundle.write_json(f"sysinfo/{name}.json", "sysinfo", section.to_json())
            bundle.write_text(f"sysinfo/{name}.txt", "sysinfo", snapshot.to_text())
            for slot, reason in section.errors.items():
                manifest.errors[f"sysinfo.{name}.{slot}"] = reason
        overview = collection.sections.get("overview")
        if overview is not None:
            data = overview.data
            manifest.overview = dict(data)
            manifest.model = data.get("model") or manifest.model
            manifest.android_version = data.get("android_version") or manifest.android_version
            manifest.sdk = data.get("sdk") or manifest.sdk

    def _screenshot(self, device: Device, bundle: _Bundle, session: SessionRecord | None) -> None:
        """In a session, only with the customer's view grant and not while sharing is paused."""
        from adb_backend.screen import screenshot

        if session is not None:
            record = self.services.grants.require(session.id, "view")
            if record.paused:
                self.services.sessions.deny(record, "screen.view", self.services.screen.paused_message(record))

        shot = screenshot(device)
        bundle.path("screenshot.png").write_bytes(shot.png)
        bundle.add("screenshot.png", "screenshot")

    def _packages(self, device: Device, bundle: _Bundle) -> None:
        from adb_backend.parsers.pm_list_packages import parse_pm_list_packages

        result = device.shell(["pm", "list", "packages", "-f", "-i", "-U", "--show-versioncode"], timeout=120)
        if not result.stdout.startswith("package:"):
            # -U and --show-versioncode arrived with Android 8 and 9: older pm refuses them
            result = device.shell(["pm", "list", "packages", "-f", "-i"], timeout=120)
        if not result.ok or "package:" not in result.stdout:
            raise UsageError(f"pm list packages failed: {result.reason}")
        rows = parse_pm_list_packages(result.stdout)
        bundle.write_json("packages.json", "packages", [row.to_json() for row in rows])
        bundle.write_text("packages.txt", "packages", result.stdout)

    def _dumpsys(self, device: Device, bundle: _Bundle, manifest: Manifest) -> None:
        from adb_backend.errors import BackendError

        for name, argv in DUMPSYS.items():
            try:
                bundle.stream(f"dumpsys/{name}.txt", "dumpsys", device, argv)
            except BackendError as error:
                bt_error = from_backend(error)
                if isinstance(bt_error, _GONE):
                    raise
                manifest.errors[f"dumpsys.{name}"] = str(bt_error)

    def _bugreport(self, device: Device, bundle: _Bundle, progress: Progress | None) -> None:
        from adb_backend.bugreport import make_bugreport, pull_bugreport

        def step(done: int, total: int) -> None:
            if progress is not None:
                progress("bugreport", done, total)

        remote = make_bugreport(device, step)
        name = remote.rsplit("/", 1)[-1] or "bugreport.zip"
        pull_bugreport(device, remote, bundle.path(f"bugreport/{name}"))
        bundle.add(f"bugreport/{name}", "bugreport")

    def _still_there(self, device: Device) -> BtError | None:
        """A last round trip: a device that vanished mid-way may have cut a stream short silently."""
        from adb_backend.errors import BackendError

        try:
            result = device.shell("echo bt-still-here", timeout=15)
        except BackendError as error:
            return from_backend(error)
        return None if "bt-still-here" in result.stdout else Offline(f"{device.serial} stopped answering")

    def _write_summaries(self, bundle: _Bundle) -> None:
        from bt_core.triage_render import summary_html, summary_markdown

        manifest = bundle.manifest
        bundle.write_text("summary.md", "summary", summary_markdown(manifest))
        bundle.write_text("summary.html", "summary", summary_html(manifest))
        (bundle.root / "manifest.json").write_text(
            json.dumps(manifest.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )

    # -- fleet index -----------------------------------------------------------------------------------
    def write_index(self, out: Path, runs: Sequence[DeviceRun], manifests: dict[str, Manifest]) -> Path:
        """index.json, index.md and index.html over the bundles of a fleet triage; the HTML's path."""
        from bt_core.triage_render import index_html, index_markdown

        rows = []
        for run in runs:
            manifest = manifests.get(run.serial)
            rows.append(
                {
                    "serial": run.serial,
                    "server": run.server,
                    "model": (manifest.model if manifest else None) or run.model,
                    "android_version": manifest.android_version if manifest else None,
                    "state": run.state,
                    "error": run.error,
                    "elapsed_s": run.elapsed_s,
                    "bundle": run.detail.get("bundle"),
                    "files": len(manifest.files) if manifest else 0,
                    "item_errors": manifest.errors if manifest else {},
                }
            )
        document = {"format": "bt-triage-index/1", "created_at": iso(utcnow()), "devices": rows}
        (out / "index.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (out / "index.md").write_text(index_markdown(rows), encoding="utf-8")
        (out / "index.html").write_text(index_html(rows), encoding="utf-8")
        return out / "index.html"
