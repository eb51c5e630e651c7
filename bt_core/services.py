"""The one object every front end holds: settings, the store, the adb backend, the policy, and the
service for each area of a support session. Parts are built on first use so `bt --help` stays fast.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from bt_core import locations
from bt_core.settings import Settings

if TYPE_CHECKING:
    from adb_backend.client import AdbBackend
    from bt_core.camera import CameraService
    from bt_core.chat import ChatService
    from bt_core.claims import ClaimService
    from bt_core.control import ControlService
    from bt_core.devices import DeviceService
    from bt_core.files import FilesService
    from bt_core.fleet import FleetService
    from bt_core.grants import GrantService
    from bt_core.host import HostService
    from bt_core.notes import NotesService
    from bt_core.policy import Policy
    from bt_core.reports import ReportService
    from bt_core.screen import ScreenService
    from bt_core.sessions import SessionService
    from bt_core.store import Store
    from bt_core.sysinfo import SysinfoService
    from bt_core.system import SystemService
    from bt_core.transcript import TranscriptService
    from bt_core.transfers import TransferManager
    from bt_core.triage import TriageService
    from bt_core.work_queue import QueueService


class Services:
    """Built once per process (CLI invocation, TUI app, customer page) and passed down explicitly."""

    def __init__(self, settings: Settings, *, store: Store | None = None, backend: AdbBackend | None = None) -> None:
        self.settings = settings
        #: True inside a session host process, which must never try to start another host.
        self.is_host = False
        if store is not None:
            self.__dict__["store"] = store
        if backend is not None:
            self.__dict__["backend"] = backend

    @property
    def technician(self) -> str:
        return self.settings.technician

    @cached_property
    def store(self) -> Store:
        from bt_core.store import Store

        return Store.open(self.settings.database_url or None, sqlite_path=locations.database_file())

    @cached_property
    def backend(self) -> AdbBackend:
        from adb_backend.client import AdbBackend
        from adb_backend.server import ServerAddress, default_server_address, resolve_adb_path
        from bt_core.errors import ConfigError, UsageError

        try:
            servers = [ServerAddress.parse(s) for s in self.settings.adb_servers] or None
        except ValueError as error:
            raise UsageError(str(error)) from None
        try:
            default_server_address()  # adbutils reads ANDROID_ADB_SERVER_PORT too: a bad one fails here
        except ValueError as error:
            raise ConfigError(str(error)) from None
        try:
            adb_path = resolve_adb_path(self.settings.adb_path or None)
        except FileNotFoundError as error:
            raise ConfigError(f"{error} (set BT_ADB or adb_path in the config)") from None
        return AdbBackend(servers, adb_path=adb_path, socket_timeout=self.settings.socket_timeout)

    @cached_property
    def policy(self) -> Policy:
        from bt_core.policy import load_policy

        return load_policy(self.settings.resolved_policy_path())

    @cached_property
    def sessions(self) -> SessionService:
        from bt_core.sessions import SessionService

        return SessionService(self)

    # One typed attribute per area of a session, each imported and built on first use.
    @cached_property
    def devices(self) -> DeviceService:
        from bt_core.devices import DeviceService

        return DeviceService(self)

    @cached_property
    def transcript(self) -> TranscriptService:
        from bt_core.transcript import TranscriptService

        return TranscriptService(self)

    @cached_property
    def sysinfo(self) -> SysinfoService:
        from bt_core.sysinfo import SysinfoService

        return SysinfoService(self)

    @cached_property
    def system(self) -> SystemService:
        from bt_core.system import SystemService

        return SystemService(self)

    @cached_property
    def files(self) -> FilesService:
        from bt_core.files import FilesService

        return FilesService(self)

    @cached_property
    def transfers(self) -> TransferManager:
        from bt_core.transfers import TransferManager

        return TransferManager(self)

    @cached_property
    def screen(self) -> ScreenService:
        from bt_core.screen import ScreenService

        return ScreenService(self)

    @cached_property
    def control(self) -> ControlService:
        from bt_core.control import ControlService

        return ControlService(self)

    @cached_property
    def camera(self) -> CameraService:
        from bt_core.camera import CameraService

        return CameraService(self)

    @cached_property
    def grants(self) -> GrantService:
        from bt_core.grants import GrantService

        return GrantService(self)

    @cached_property
    def chat(self) -> ChatService:
        from bt_core.chat import ChatService

        return ChatService(self)

    @cached_property
    def notes(self) -> NotesService:
        from bt_core.notes import NotesService

        return NotesService(self)

    @cached_property
    def reports(self) -> ReportService:
        from bt_core.reports import ReportService

        return ReportService(self)

    # Device labs: claims, the fleet, triage bundles and the work queue.
    @cached_property
    def claims(self) -> ClaimService:
        from bt_core.claims import ClaimService

        return ClaimService(self)

    @cached_property
    def fleet(self) -> FleetService:
        from bt_core.fleet import FleetService

        return FleetService(self)

    @cached_property
    def triage(self) -> TriageService:
        from bt_core.triage import TriageService

        return TriageService(self)

    @cached_property
    def queue(self) -> QueueService:
        from bt_core.work_queue import QueueService

        return QueueService(self)

    @cached_property
    def host(self) -> HostService:
        from bt_core.host import HostService

        return HostService(self)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
