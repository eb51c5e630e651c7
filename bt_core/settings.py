"""Settings: built-in defaults < config file < BT_* environment < command-line flags.

The config file is TOML at `bt_core.locations.config_file()`. Unknown keys are refused with a
"did you mean", so a typo never silently does nothing.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bt_core import locations
from bt_core.errors import ConfigError


@dataclass
class Settings:
    technician: str = ""
    """Who acts: the name written in the transcript (BT_TECHNICIAN, else the login name)."""
    display_name: str = ""
    """Shown to the device user on the customer page; defaults to the technician name."""
    avatar: str = ""
    """Path to an image shown beside the technician's name on the customer page."""
    database_url: str = ""
    """BT_DATABASE_URL: a postgresql:// URL for a shared team store; empty means the local SQLite file."""
    adb_servers: list[str] = field(default_factory=list)
    """BT_ADB_SERVER: adb servers as HOST:PORT (a lab host's too); empty means the local one."""
    adb_path: str = ""
    """BT_ADB: the adb binary; empty means the one bundled with adbutils."""
    device: str = ""
    """BT_DEVICE: the serial to use when several devices are attached."""
    session: str = ""
    """BT_SESSION: the session to act on instead of the current one."""
    screenshots_dir: str = ""
    """Where screenshots are saved; default: <data dir>/screenshots."""
    policy_path: str = ""
    """BT_POLICY: the administrator's policy file."""
    canned_path: str = ""
    """BT_CANNED: the administrator's canned messages file."""
    socket_timeout: float = 20.0
    """Seconds to wait for the adb server or the device before giving up."""
    spellcheck: bool = True
    """Warn about misspelled English words in chat messages."""
    skills: list[str] = field(default_factory=list)
    """BT_SKILLS: what this technician can handle; `bt queue next` takes sessions needing no more."""

    @property
    def data_dir(self) -> Path:
        return locations.data_dir()

    def resolved_screenshots_dir(self) -> Path:
        return Path(self.screenshots_dir).expanduser() if self.screenshots_dir else locations.screenshots_dir()

    def resolved_policy_path(self) -> Path:
        return Path(self.policy_path).expanduser() if self.policy_path else locations.policy_file()

    def resolved_canned_path(self) -> Path:
        if self.canned_path:
            return Path(self.canned_path).expanduser()
        return locations.site_config_dir() / "canned.toml"


_ENV = {
    "technician": "BT_TECHNICIAN",
    "display_name": "BT_DISPLAY_NAME",
    "database_url": "BT_DATABASE_URL",
    "adb_servers": "BT_ADB_SERVER",
    "adb_path": "BT_ADB",
    "device": "BT_DEVICE",
    "session": "BT_SESSION",
    "screenshots_dir": "BT_SCREENSHOTS_DIR",
    "policy_path": "BT_POLICY",
    "canned_path": "BT_CANNED",
    "skills": "BT_SKILLS",
}


def load_settings(path: Path | None = None, env: dict[str, str] | None = None, **flags: Any) -> Settings:
    """Defaults, then the config file, then BT_* variables, then non-empty flags."""
    env = dict(os.environ if env is None else env)
    settings = Settings()
    path = path or locations.config_file()
    if path.exists():
        _apply_file(settings, path)
    for name, var in _ENV.items():
        value = env.get(var)
        if value:
            if name in ("adb_servers", "skills"):
                setattr(settings, name, [v.strip() for v in value.split(",") if v.strip()])
            else:
                setattr(settings, name, value)
    for name, value in flags.items():
        if value not in (None, "", [], ()):
            setattr(settings, name, list(value) if isinstance(value, tuple) else value)
    _check(settings)
    if not settings.technician:
        try:
            import getpass  # only when BT_TECHNICIAN and the config name nobody

            settings.technician = getpass.getuser()
        except (KeyError, OSError):
            settings.technician = "technician"
    if not settings.display_name:
        settings.display_name = settings.technician
    return settings


def _apply_file(settings: Settings, path: Path) -> None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None
    known = {f.name: f for f in dataclasses.fields(Settings)}
    for key, value in data.items():
        if key not in known:
            import difflib  # only for a config file with an unknown key

            hint = difflib.get_close_matches(key, known, n=1)
            suggestion = f" (did you mean {hint[0]!r}?)" if hint else ""
            raise ConfigError(f"unknown key {key!r} in {path}{suggestion}")
        expected = type(getattr(settings, key))
        if expected is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, expected):
            raise ConfigError(f"{key!r} in {path} must be a {expected.__name__}, not {type(value).__name__}")
        setattr(settings, key, value)


def _check(settings: Settings) -> None:
    """Values a type check lets through but that would break bt later (a negative or NaN timeout)."""
    import math

    timeout = settings.socket_timeout
    if not isinstance(timeout, float | int) or not math.isfinite(timeout) or not 0 < timeout <= 3600:
        raise ConfigError(f"socket_timeout must be a number of seconds between 0 and 3600, not {timeout!r}")
