"""The fleet: every device on every configured adb server, with its lab state, and work across them.

States follow STF/DeviceFarmer's: `available` (online, unclaimed), `busy` (claimed: the holder is named),
`offline`, `unauthorized`, `preparing` (connecting, authorizing, recovery...), `absent` (claimed once,
attached to no server now) and `unreachable` (its adb server does not answer). Work across devices
(`run`, `triage`) claims each device for its duration, so two jobs never share one.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bt_core.claims import Selector
from bt_core.errors import BtError, DeviceBusy, UsageError

if TYPE_CHECKING:
    from adb_backend.types import DeviceInfo
    from bt_core.claims import Claim
    from bt_core.services import Services
    from bt_core.triage import Manifest

_ADB_STATES = {"device": "available", "offline": "offline", "unauthorized": "unauthorized"}
_STDERR_KEEP = 4000


@dataclass(frozen=True)
class FleetDevice:
    """One line of `bt fleet devices`."""

    server: str
    serial: str
    state: str
    holder: str | None = None
    purpose: str | None = None
    model: str | None = None
    android_version: str | None = None
    sdk: int | None = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "server": self.server,
            "serial": self.serial,
            "state": self.state,
            "holder": self.holder,
            "purpose": self.purpose,
            "model": self.model,
            "android_version": self.android_version,
            "sdk": self.sdk,
            "error": self.error,
        }

    def info(self) -> DeviceInfo:
        from adb_backend.types import DeviceInfo

        return DeviceInfo(
            serial=self.serial,
            state="device",
            model=self.model,
            android_version=self.android_version,
            sdk=self.sdk,
            adb_server=self.server,
        )


@dataclass
class DeviceRun:
    """What happened on one device in `fleet run` / `fleet triage`."""

    serial: str
    server: str
    model: str | None = None
    state: str = "queued"  # queued, running, done, failed, skipped
    exit_code: int | None = None
    elapsed_s: float | None = None
    error: str | None = None
    stdout: str = ""
    stderr: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "serial": self.serial,
            "server": self.server,
            "model": self.model,
            "state": self.state,
            "exit_code": self.exit_code,
            "elapsed_s": self.elapsed_s,
            "error": self.error,
            "stdout": self.stdout,
            "stderr": self.stderr,
            **self.detail,
        }


def parse_select(items: Sequence[str]) -> Selector:
    """`--select KEY=VALUE` (serial=, model=, android=, server=), repeatable; serials and servers add up."""
    serials: list[str] = []
    servers: list[str] = []
    model = android = None
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().lower()
        if not sep or not value.strip():
            raise UsageError(f"--select takes KEY=VALUE (serial, model, android, server), not {item!r}")
        if key == "serial":
            serials.append(value.strip())
        elif key == "server":
            servers.append(value.strip())
        elif key == "model":
            model = value.strip()
        elif key == "android":
            android = value.strip()
        else:
            raise UsageError(f"unknown --select key {key!r}: use serial, model, android or server")
    return Selector.build(serials, model, android, servers)


class FleetService:
    def __init__(self, services: Services) -> None:
        self.services = services

    # -- listing -------------------------------------------------------------------------------------
    def servers(self) -> list[str]:
        return [str(s) for s in self.services.backend.servers]

    def devices(self) -> list[FleetDevice]:
        """Every device of every server (one failing server does not hide the others), with claims."""
        backend = self.services.backend
        with ThreadPoolExecutor(max_workers=max(1, len(backend.servers))) as pool:
            per_server = list(pool.map(self._list_server, backend.servers))
        claims = self.services.claims.active()
        found: list[FleetDevice] = []
        for rows in per_server:
            for row in rows:
                held = claims.get(row.serial)
                if held is not None and row.state == "available":
                    row = replace(row, state="busy", holder=held.holder, purpose=held.purpose)
                found.append(row)
        listed = {row.serial for row in found}
        for serial, server in sorted(self.services.claims.known().items()):
            if serial not in listed:
                held = claims.get(serial)
                found.append(
                    FleetDevice(server, serial, "absent", held.holder if held else None, held.purpose if held else None)
                )
        return found

    def _list_server(self, server: Any) -> list[FleetDevice]:
        from adb_backend.client import AdbBackend
        from adb_backend.errors import BackendError

        backend = self.services.backend
        single = AdbBackend([server], adb_path=backend.adb_path, socket_timeout=backend.socket_timeout)
        try:
            infos = single.devices(details=True)
        except BackendError as error:
            return [FleetDevice(str(server), "", "unreachable", error=str(error))]
        return [
            FleetDevice(
                info.adb_server,
                info.serial,
                _ADB_STATES.get(info.state, "preparing"),
                model=info.model,
                android_version=info.android_version,
                sdk=info.sdk,
            )
            for info in infos
        ]

    def watch(self, every: float = 1.0) -> Iterator[list[FleetDevice]]:
        """The fleet each time it changes (the first listing at once)."""
        last: list[FleetDevice] | None = None
        while True:
            rows = self.devices()
            if rows != last:
                yield rows
                last = rows
            time.sleep(every)

    def select(self, selector: Selector) -> list[FleetDevice]:
        """Devices the selection names that can take work now or soon (available or busy)."""
        rows = [r for r in self.devices() if r.state in ("available", "busy") and selector.matches(_as_info(r))]
        if not rows:
            raise UsageError(f"no device matches {selector.describe()} ('bt fleet devices' lists them)")
        return rows

    # -- work across devices ---------------------------------------------------------------------------
    def run(
        self,
        selector: Selector,
        argv_for: Callable[[FleetDevice], list[str]],
        *,
        parallel: int = 4,
        on_change: Callable[[DeviceRun], None] | None = None,
        timeout: float | None = None,
    ) -> list[DeviceRun]:
        """Run a command per selected device, at most `parallel` at once, each under a claim."""

        def work(row: FleetDevice, claim: Claim, run: DeviceRun) -> None:
            import os

            try:
                done = subprocess.run(
                    argv_for(row),
                    capture_output=True,
                    text=True,
                    env={**os.environ, **claim.environment()},
                    timeout=timeout,
                    stdin=subprocess.DEVNULL,
                )
            except subprocess.TimeoutExpired:
                run.state, run.error = "failed", f"timed out after {timeout:.0f} s"
                return
            run.exit_code = done.returncode
            run.stdout = done.stdout
            run.stderr = done.stderr[-_STDERR_KEEP:]
            if done.returncode == 0:
                run.state = "done"
            else:
                run.state = "failed"
                lines = [line for line in done.stderr.splitlines() if line.strip()]
                run.error = lines[-1] if lines else f"exit code {done.returncode}"

        return self._each(selector, work, parallel=parallel, on_change=on_change, purpose="fleet run")

    def triage(
        self,
        selector: Selector,
        out: Path,
        *,
        parallel: int = 4,
        bugreport: bool = False,
        on_change: Callable[[DeviceRun], None] | None = None,
    ) -> tuple[list[DeviceRun], Path]:
        """A triage bundle per selected device under `out`, then an index of them; (runs, index path)."""
        from bt_core.triage import bundle_name

        out.mkdir(parents=True, exist_ok=True)
        manifests: dict[str, Manifest] = {}

        def work(row: FleetDevice, claim: Claim, run: DeviceRun) -> None:
            target = out / bundle_name(row.serial)
            try:
                manifest = self.services.triage.collect_device(row.info(), target, bugreport=bugreport)
            except BtError as error:
                run.state, run.error = "failed", str(error)
                run.detail["bundle"] = target.name
                return
            manifests[row.serial] = manifest
            run.detail.update(bundle=target.name, files=len(manifest.files), item_errors=manifest.errors)
            run.state = "done"

        runs = self._each(selector, work, parallel=parallel, on_change=on_change, purpose="fleet triage")
        index = self.services.triage.write_index(out, runs, manifests)
        return runs, index

    def _each(
        self,
        selector: Selector,
        work: Callable[[FleetDevice, Claim, DeviceRun], None],
        *,
        parallel: int,
        on_change: Callable[[DeviceRun], None] | None,
        purpose: str,
    ) -> list[DeviceRun]:
        if parallel < 1:
            raise UsageError("--parallel takes a number of devices, 1 or more")
        rows = self.select(selector)
        runs = {row.serial: DeviceRun(row.serial, row.server, row.model) for row in rows}
        claims = self.services.claims

        def notify(run: DeviceRun) -> None:
            if on_change is not None:
                on_change(run)

        def one(row: FleetDevice) -> None:
            run = runs[row.serial]
            started = time.monotonic()
            try:
                claim = claims.claim_device(row.info(), purpose=purpose, ttl=60.0)
            except DeviceBusy as error:
                run.state, run.error = "skipped", str(error)
                notify(run)
                return
            run.state = "running"
            notify(run)
            try:
                with claims.hold(claim):
                    work(row, claim, run)
            except Exception as error:  # kept per device; the others go on
                run.state, run.error = "failed", f"{error.__class__.__name__}: {error}"
            run.elapsed_s = round(time.monotonic() - started, 3)
            notify(run)

        for run in runs.values():
            notify(run)
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            list(pool.map(one, rows))
        return list(runs.values())


def _as_info(row: FleetDevice) -> DeviceInfo:
    return row.info()


def safe_name(serial: str) -> str:
    """A file name for a serial (127.0.0.1:5555 -> 127.0.0.1_5555)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", serial) or "device"
