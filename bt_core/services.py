"""The one object every front end holds: settings, the store, the adb backend, the policy, and the
service for each area of a support session. Parts are built on first use so `bt --help` stays fast.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from bt_core import locations
from bt_core.settings import Settings

if TYPE_CHECKING:
    from adb_backend.client import AdbBackend
    from bt_core.policy import Policy
    from bt_core.sessions import SessionService
    from bt_core.store import Store


class Services:
    """Built once per process (CLI invocation, TUI app, customer page) and passed down explicitly."""

    def __init__(self, settings: Settings, *, store: Store | None = None, backend: AdbBackend | None = None) -> None:
        self.settings = settings
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
        from adb_backend.server import ServerAddress, resolve_adb_path
        from bt_core.errors import ConfigError, UsageError

        try:
            servers = [ServerAddress.parse(s) for s in self.settings.adb_servers] or None
        except ValueError as error:
            raise UsageError(str(error)) from None
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

    def area(self, name: str) -> Any:
        """A feature service by name (sysinfo, files, screen, chat, ...), imported on first use."""
        cache = self.__dict__.setdefault("_areas", {})
        if name not in cache:
            import importlib

            module = importlib.import_module(f"bt_core.{name}")
            cache[name] = module.SERVICE(self)
        return cache[name]

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
