"""Device claims for labs: one holder per device at a time, across processes and hosts.

A claim is a row in the shared store (`bt_claims`, one per device ever claimed; a NULL holder means
free). Taking one is atomic: on PostgreSQL the candidate row is locked with `SELECT ... FOR UPDATE SKIP
LOCKED`, so concurrent claimers each get a different device; on SQLite the transaction starts with
`BEGIN IMMEDIATE`, which takes the database's write lock before anything is read. A claim carries a TTL:
a holder that stops heartbeating (killed, crashed host) loses it when `expires_at` passes. A session's
claim has no expiry: it lasts until the session ends.
"""

from __future__ import annotations

import fnmatch
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bt_core.errors import DeviceBusy, NoDevice, UsageError, backend_errors

if TYPE_CHECKING:
    from adb_backend.types import DeviceInfo
    from bt_core.services import Services
    from bt_core.store.db import Connection, Row

DEFAULT_TTL = 600.0


def _now_ms() -> int:
    return int(time.time() * 1000)


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.strip().split("."):
        if not piece.isdigit():
            raise ValueError(text)
        parts.append(int(piece))
    return tuple(parts)


@dataclass(frozen=True)
class Selector:
    """Which devices a claim or a fleet command may use: a serial, a model glob, an Android range."""

    serials: tuple[str, ...] = ()
    model: str | None = None
    android_min: tuple[int, ...] | None = None
    android_max: tuple[int, ...] | None = None
    servers: tuple[str, ...] = ()

    @classmethod
    def build(
        cls,
        serials: Sequence[str] = (),
        model: str | None = None,
        android: str | None = None,
        servers: Sequence[str] = (),
    ) -> Selector:
        """Parse the options; `android` is `MIN..MAX`, `MIN..`, `..MAX` or one version."""
        low = high = None
        if android:
            first, sep, last = android.partition("..")
            try:
                low = _version_tuple(first) if first.strip() else None
                high = _version_tuple(last) if last.strip() else None
                if not sep:
                    high = low
            except ValueError:
                raise UsageError(f"--android takes MIN..MAX (for example 12..14), not {android!r}") from None
            if low is None and high is None:
                raise UsageError("--android needs a version on at least one side of '..'")
        return cls(tuple(serials), model or None, low, high, tuple(servers))

    @property
    def needs_versions(self) -> bool:
        return self.android_min is not None or self.android_max is not None

    def matches(self, info: DeviceInfo) -> bool:
        if self.serials and info.serial not in self.serials:
            return False
        if self.servers and info.adb_server not in self.servers:
            return False
        if self.model and not fnmatch.fnmatchcase((info.model or "").lower(), self.model.lower()):
            return False
        if self.needs_versions:
            try:
                version = _version_tuple(info.android_version or "")
            except ValueError:
                return False
            # compare on the precision given: 14 matches 14.0.1 for ..14
            if self.android_min is not None and version[: len(self.android_min)] < self.android_min:
                return False
            if self.android_max is not None and version[: len(self.android_max)] > self.android_max:
                return False
        return True

    def describe(self) -> str:
        parts = []
        if self.serials:
            parts.append("serial " + ", ".join(self.serials))
        if self.model:
            parts.append(f"model {self.model}")
        if self.needs_versions:
            low = ".".join(map(str, self.android_min)) if self.android_min else ""
            high = ".".join(map(str, self.android_max)) if self.android_max else ""
            parts.append(f"Android {low}..{high}")
        return ", ".join(parts) or "any device"


@dataclass(frozen=True)
class Claim:
    """A device held by one holder; `token` proves it in renew and release."""

    serial: str
    adb_server: str
    holder: str
    token: str
    purpose: str
    owner: str
    claimed_at: datetime
    heartbeat_at: datetime
    expires_at: datetime | None
    ttl: float | None
    model: str | None = None
    android_version: str | None = None

    def to_json(self) -> dict[str, Any]:
        from bt_core.models import iso

        return {
            "serial": self.serial,
            "adb_server": self.adb_server,
            "holder": self.holder,
            "token": self.token,
            "purpose": self.purpose,
            "owner": self.owner,
            "claimed_at": iso(self.claimed_at),
            "heartbeat_at": iso(self.heartbeat_at),
            "expires_at": iso(self.expires_at),
            "ttl": self.ttl,
            "model": self.model,
            "android_version": self.android_version,
        }

    @property
    def host(self) -> str:
        return self.adb_server.rpartition(":")[0] or "127.0.0.1"

    @property
    def port(self) -> str:
        return self.adb_server.rpartition(":")[2]

    def environment(self) -> dict[str, str]:
        """What a command run for this claim needs to reach the device (adb, adbutils and bt alike)."""
        return {
            "ANDROID_SERIAL": self.serial,
            "ANDROID_ADB_SERVER_PORT": self.port,
            "ANDROID_ADB_SERVER_HOST": self.host,
            "ANDROID_ADB_SERVER_ADDRESS": self.host,
            "BT_DEVICE": self.serial,
            "BT_ADB_SERVER": self.adb_server,
            "BT_CLAIM_TOKEN": self.token,
        }


def _claim_from_row(row: Any, info: DeviceInfo | None = None) -> Claim:
    from bt_core.store import to_dt

    ttl = row["ttl_ms"]
    return Claim(
        serial=row["serial"],
        adb_server=row["adb_server"] or "",
        holder=row["holder"] or "",
        token=row["token"] or "",
        purpose=row["purpose"] or "",
        owner=row["owner"] or "",
        claimed_at=to_dt(row["claimed_at"]),  # type: ignore[arg-type]
        heartbeat_at=to_dt(row["heartbeat_at"]),  # type: ignore[arg-type]
        expires_at=to_dt(row["expires_at"]),
        ttl=ttl / 1000 if ttl else None,
        model=info.model if info else None,
        android_version=info.android_version if info else None,
    )


def _die_with_parent() -> None:
    """In the child before exec: ask Linux for SIGTERM when the parent (bt) dies (PR_SET_PDEATHSIG)."""
    import ctypes
    import signal
    import sys

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(signal.SIGTERM), 0, 0, 0)
        except OSError:
            pass


def owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class ClaimService:
    """Claim, renew and release devices in the shared store."""

    def __init__(self, services: Services) -> None:
        self.services = services

    @property
    def holder(self) -> str:
        return self.services.technician

    # -- reading -------------------------------------------------------------------------------------
    def active(self) -> dict[str, Claim]:
        """Unexpired claims by serial."""
        with self._tx(write=False) as conn:
            rows = conn.execute(
                "SELECT * FROM bt_claims WHERE holder IS NOT NULL AND (expires_at IS NULL OR expires_at > :now)",
                {"now": _now_ms()},
            ).rows
        return {row["serial"]: _claim_from_row(row) for row in rows}

    def known(self) -> dict[str, str]:
        """Every device ever claimed, with the adb server it was last claimed on (for 'absent')."""
        with self._tx(write=False) as conn:
            rows = conn.execute("SELECT serial, adb_server FROM bt_claims").rows
        return {r["serial"]: r["adb_server"] or "" for r in rows}

    # -- claiming ------------------------------------------------------------------------------------
    def claim(
        self,
        selector: Selector,
        *,
        wait: float = 0.0,
        ttl: float | None = DEFAULT_TTL,
        purpose: str = "claim",
        on_wait: Callable[[str], None] | None = None,
    ) -> Claim:
        """A matching available device no one else holds; waits up to `wait` seconds for one.

        Raises NoDevice when nothing matches at all (and `wait` is 0), DeviceBusy when every match is held.
        """
        if ttl is not None and ttl <= 0:
            raise UsageError("--ttl takes a positive number of seconds")
        deadline = time.monotonic() + max(0.0, wait)
        told = False
        while True:
            candidates = self.candidates(selector)
            claim = self._take(candidates, ttl, purpose) if candidates else None
            if claim is not None:
                return claim
            if time.monotonic() >= deadline:
                if not candidates:
                    raise NoDevice(f"no available device matches {selector.describe()} ('bt fleet devices' lists them)")
                held = self.active()
                names = ", ".join(f"{c.serial} by {held[c.serial].holder}" for c in candidates if c.serial in held)
                raise DeviceBusy(f"every device matching {selector.describe()} is held ({names}): try --wait SECONDS")
            if on_wait is not None and not told:
                on_wait(f"waiting for a device matching {selector.describe()}…")
                told = True
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))

    def claim_device(self, info: DeviceInfo, *, ttl: float | None = DEFAULT_TTL, purpose: str = "claim") -> Claim:
        """This very device, or DeviceBusy naming its holder."""
        claim = self._take([info], ttl, purpose)
        if claim is None:
            held = self.active().get(info.serial)
            who = f"{held.holder} ({held.purpose})" if held else "someone else"
            raise DeviceBusy(f"{info.serial} is held by {who}")
        return claim

    def candidates(self, selector: Selector) -> list[DeviceInfo]:
        """Online devices on every configured server that match the selector (held or not)."""
        with backend_errors():
            infos = self.services.backend.devices(details=selector.needs_versions)
        return [i for i in infos if i.state == "device" and selector.matches(i)]

    def _take(self, candidates: Sequence[DeviceInfo], ttl: float | None, purpose: str) -> Claim | None:
        from bt_core.store import schema
        from bt_core.store.db import in_list

        t = schema.claims
        by_serial = {i.serial: i for i in candidates}
        serials = sorted(by_serial)  # one insert order for everyone: no deadlocks between inserters
        token = secrets.token_hex(16)
        listed, params = in_list("serial", serials)
        query = (
            f"SELECT * FROM bt_claims WHERE serial IN {listed} AND (holder IS NULL OR expires_at <= :now)"
            " ORDER BY COALESCE(claimed_at, 0), serial LIMIT 1"
        )
        with self._tx() as conn:
            for serial in serials:
                conn.execute(_INSERT_FREE, {"serial": serial, "adb_server": by_serial[serial].adb_server})
            now = _now_ms()
            if conn.dialect == "postgresql":  # concurrent claimers each lock a different row
                query += " FOR UPDATE SKIP LOCKED"
            row = conn.execute(query, {**params, "now": now}).first()
            if row is None:
                return None
            serial = row["serial"]
            values = {
                "adb_server": by_serial[serial].adb_server,
                "holder": self.holder,
                "token": token,
                "purpose": purpose,
                "owner": owner_id(),
                "claimed_at": now,
                "heartbeat_at": now,
                "expires_at": now + int(ttl * 1000) if ttl else None,
                "ttl_ms": int(ttl * 1000) if ttl else None,
            }
            sql = f"UPDATE bt_claims SET {t.assignments(values)} WHERE serial = :where_serial"
            conn.execute(sql, {**values, "where_serial": serial})
            row = conn.execute("SELECT * FROM bt_claims WHERE serial = :serial", {"serial": serial}).first()
        assert row is not None
        return _claim_from_row(row, by_serial[serial])

    def renew(self, token: str) -> Claim:
        """Heartbeat: push the expiry one TTL ahead; NotFound-style error once the claim is lost."""
        from bt_core.errors import NotFound

        now = _now_ms()
        with self._tx() as conn:
            row = conn.execute("SELECT * FROM bt_claims WHERE token = :token", {"token": token}).first()
            if row is None or row["holder"] is None or (row["expires_at"] is not None and row["expires_at"] <= now):
                raise NotFound("the claim is gone (released, or expired and taken): claim again")
            expires = now + int(row["ttl_ms"]) if row["ttl_ms"] else None
            conn.execute(
                "UPDATE bt_claims SET heartbeat_at = :now, expires_at = :expires WHERE token = :token",
                {"now": now, "expires": expires, "token": token},
            )
            row = conn.execute("SELECT * FROM bt_claims WHERE token = :token", {"token": token}).first()
        assert row is not None
        return _claim_from_row(row)

    def release(self, *, token: str | None = None, serial: str | None = None, everything: bool = False) -> list[str]:
        """Release claims: by token, by serial (this holder's), or all of this holder's; the serials freed."""
        if not (token or serial or everything):
            raise UsageError("name what to release: --token T, --serial S or --all")
        where = ["holder IS NOT NULL", "token = :token" if token else "holder = :holder"]
        if serial:
            where.append("serial = :serial")
        params = {"token": token, "holder": self.holder, "serial": serial}
        return [row["serial"] for row in self._free(" AND ".join(where), params)]

    def force_release(self, serial: str) -> Claim | None:
        """Free a device whatever holds it (another technician, a stuck job, a session): the
        administrator's override, allowed only by the policy's `[lab] release_any`. The claim as it was
        (who held it), or None when nothing held the device. The old holder's next renew finds it gone."""
        if not serial:
            raise UsageError("--force needs the device: --serial S")
        self.services.policy.check("lab.release_any")
        freed = self._free("holder IS NOT NULL AND serial = :serial", {"serial": serial})
        return _claim_from_row(freed[0]) if freed else None

    def _free(self, condition: str, params: dict[str, Any]) -> list[Row]:
        """Free the claims matching `condition` in one transaction; their rows as they were."""
        from bt_core.store.db import in_list

        with self._tx() as conn:
            rows = conn.execute(f"SELECT * FROM bt_claims WHERE {condition}", params).rows
            if rows:
                listed, freed_params = in_list("freed", [row["serial"] for row in rows])
                conn.execute(
                    "UPDATE bt_claims SET holder = NULL, token = NULL, expires_at = NULL"
                    f" WHERE serial IN {listed} AND {condition}",
                    {**params, **freed_params},
                )
        return rows

    # -- holding while work runs -------------------------------------------------------------------------
    @contextmanager
    def hold(self, claim: Claim, on_lost: Callable[[str], None] | None = None) -> Iterator[Claim]:
        """Heartbeat the claim every third of its TTL while the block runs, then release it, whatever happens."""
        stop = threading.Event()

        def beat() -> None:
            every = max(0.2, (claim.ttl or DEFAULT_TTL) / 3)
            while not stop.wait(every):
                try:
                    self.renew(claim.token)
                except Exception as error:  # a lost claim is reported, the work is not killed
                    if on_lost is not None:
                        on_lost(str(error))
                    return

        thread = threading.Thread(target=beat, name=f"claim-heartbeat-{claim.serial}", daemon=True)
        if claim.ttl:
            thread.start()
        try:
            yield claim
        finally:
            stop.set()
            self.release(token=claim.token)

    def run(self, claim: Claim, argv: Sequence[str], on_lost: Callable[[str], None] | None = None) -> int:
        """Run a command with the claimed device in its environment; its exit code (128+N for a signal).

        The claim is released when the command ends, however it ends. Should bt itself be killed, the
        command gets SIGTERM (Linux) rather than keep using a device whose claim will expire.
        """
        import signal
        import subprocess

        if not argv:
            self.release(token=claim.token)
            raise UsageError("--exec needs a command after '--' (for example: bt claim --exec -- pytest)")
        env = {**os.environ, **claim.environment()}
        started: list[subprocess.Popen[bytes]] = []
        terminated: list[bool] = []

        def forward(*_: object) -> None:  # SIGTERM (a cancelled CI job) goes to the command
            terminated.append(True)
            for child in started:
                child.send_signal(signal.SIGTERM)

        previous = signal.signal(signal.SIGTERM, forward)
        try:
            try:
                # before the heartbeat thread: preexec_fn is only safe while this process has one thread
                process = subprocess.Popen(list(argv), env=env, preexec_fn=_die_with_parent)
            except OSError as error:
                self.release(token=claim.token)
                raise UsageError(f"cannot run {argv[0]!r}: {error.strerror or error}") from None
            started.append(process)
            if terminated:
                process.send_signal(signal.SIGTERM)
            with self.hold(claim, on_lost):
                while True:
                    try:
                        code = process.wait()
                        break
                    except KeyboardInterrupt:
                        process.send_signal(signal.SIGINT)  # the child decides; we still release after it
        finally:
            signal.signal(signal.SIGTERM, previous)
        return code if code >= 0 else 128 - code

    # -- sessions ----------------------------------------------------------------------------------------
    def hold_for_session(self, serial: str, adb_server: str, session_id: str) -> None:
        """A session holds its device until it ends; refused when another holder has it."""
        from bt_core.store import schema

        t = schema.claims
        with self._tx() as conn:
            conn.execute(_INSERT_FREE, {"serial": serial, "adb_server": adb_server})
            now = _now_ms()
            lock = " FOR UPDATE" if conn.dialect == "postgresql" else ""  # SQLite: the write lock is held
            row = conn.execute(f"SELECT * FROM bt_claims WHERE serial = :serial{lock}", {"serial": serial}).first()
            assert row is not None
            live = row["holder"] is not None and (row["expires_at"] is None or row["expires_at"] > now)
            if live and row["holder"] != self.holder:
                raise DeviceBusy(f"{serial} is claimed by {row['holder']} ({row['purpose']}): wait or pick another")
            values = {
                "adb_server": adb_server,
                "holder": self.holder,
                "token": f"session-{session_id}",
                "purpose": f"session {session_id}",
                "owner": owner_id(),
                "claimed_at": now,
                "heartbeat_at": now,
                "expires_at": None,
                "ttl_ms": None,
            }
            conn.execute(
                f"UPDATE bt_claims SET {t.assignments(values)} WHERE serial = :where_serial"
                " AND (holder IS NULL OR holder = :where_holder OR expires_at <= :where_now)",
                {**values, "where_serial": serial, "where_holder": self.holder, "where_now": now},
            )

    def release_session(self, session_id: str) -> None:
        self.release(token=f"session-{session_id}")

    # -- plumbing --------------------------------------------------------------------------------------
    def _tx(self, *, write: bool = True) -> AbstractContextManager[Connection]:
        """A transaction in the shared store. A write one takes SQLite's write lock first (BEGIN
        IMMEDIATE), so nothing read in it can change before it commits; PostgreSQL locks rows instead."""
        return self.services.store.db.transaction(write=write)


# a device row, free, unless one exists (the same SQL on SQLite 3.24+ and PostgreSQL)
_INSERT_FREE = "INSERT INTO bt_claims (serial, adb_server) VALUES (:serial, :adb_server) ON CONFLICT DO NOTHING"
