"""The administrator's policy: what technicians may do, checked here and nowhere else.

A TOML file (BT_POLICY, else policy.toml in the system config dir). A missing file means the built-in
defaults (everything allowed, paths limited to /sdcard on the device and the home folder here).
"""

from __future__ import annotations

import os
import posixpath
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bt_core.errors import ConfigError, PermissionDenied

ACTIONS = {
    "files.upload": ("files", "upload"),
    "files.download": ("files", "download"),
    "files.modify": ("files", "modify"),
    "screen.view": ("screen", "view"),
    "screen.control": ("screen", "control"),
    "system.kill": ("system", "kill"),
    "system.uninstall": ("system", "uninstall"),
    "system.info": ("system", "info"),
    "chat.send": ("chat", "send"),
    "chat.url_push": ("chat", "url_push"),
    "lab.release_any": ("lab", "release_any"),
}

_DEFAULTS: dict[str, dict[str, Any]] = {
    "files": {
        "upload": True,
        "download": True,
        "modify": True,
        "remote_paths": ["/sdcard", "/storage/emulated/0", "/data/local/tmp"],
        "local_paths": ["~"],
    },
    "screen": {"view": True, "control": True},
    "system": {"kill": True, "uninstall": True, "info": True},
    "chat": {"send": True, "url_push": True},
    # an administrator's override: free a lab device someone else's claim (or a stuck job's) still holds
    "lab": {"release_any": False},
}

DESCRIPTIONS = {
    "files.upload": "upload files to the device",
    "files.download": "download files from the device",
    "files.modify": "create, rename or delete files on the device",
    "screen.view": "view the device's screen",
    "screen.control": "control the device (tap, swipe, type, keys)",
    "system.kill": "end processes",
    "system.uninstall": "uninstall apps",
    "system.info": "read system information",
    "chat.send": "chat with the device user",
    "chat.url_push": "open URLs on the device",
    "lab.release_any": "release a device claimed by someone else (an administrator's override)",
}


@dataclass(frozen=True)
class Policy:
    values: dict[str, dict[str, Any]] = field(default_factory=lambda: {k: dict(v) for k, v in _DEFAULTS.items()})
    source: Path | None = None

    def allows(self, action: str) -> bool:
        section, key = ACTIONS[action]
        return bool(self.values[section][key])

    @property
    def remote_paths(self) -> list[str]:
        return [posixpath.normpath(p) for p in self.values["files"]["remote_paths"]]

    @property
    def local_paths(self) -> list[Path]:
        return [Path(os.path.expanduser(p)).resolve() for p in self.values["files"]["local_paths"]]

    def check(self, action: str) -> None:
        """Raise PermissionDenied when the policy forbids the action."""
        if not self.allows(action):
            raise PermissionDenied(f"the administrator's policy does not allow you to {DESCRIPTIONS[action]}")

    def check_remote_path(self, path: str) -> str:
        """The normalised device path, if it lies inside an allowed root; else PermissionDenied."""
        if not path.startswith("/"):
            raise PermissionDenied(f"device path {path!r} must be absolute")
        clean = posixpath.normpath(path)
        if clean.startswith("//"):
            clean = "/" + clean.lstrip("/")
        for root in self.remote_paths:
            if root == "/" or clean == root or clean.startswith(root.rstrip("/") + "/"):
                return clean
        allowed = ", ".join(self.remote_paths)
        raise PermissionDenied(f"device path {clean} is outside the allowed folders ({allowed})")

    def check_local_path(self, path: Path) -> Path:
        """The resolved local path (symlinks and .. resolved first), if inside an allowed root."""
        resolved = Path(os.path.expanduser(str(path))).resolve()
        for root in self.local_paths:
            if resolved == root or resolved.is_relative_to(root):
                return resolved
        allowed = ", ".join(str(p) for p in self.local_paths)
        raise PermissionDenied(f"local path {resolved} is outside the allowed folders ({allowed})")

    def to_json(self) -> dict[str, Any]:
        return {"source": str(self.source) if self.source else None, **self.values}


def load_policy(path: Path) -> Policy:
    """Read the policy file; a missing file gives the defaults, a broken one a one-line ConfigError."""
    values = {k: dict(v) for k, v in _DEFAULTS.items()}
    if not path.exists():
        return Policy(values, None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"policy file {path} is not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"policy file {path} is not UTF-8 text") from None
    except OSError as error:
        raise ConfigError(f"cannot read policy file {path}: {error.strerror}") from None
    for section, entries in data.items():
        if section not in values or not isinstance(entries, dict):
            raise ConfigError(f"policy file {path}: unknown section [{section}]")
        for key, value in entries.items():
            if key not in values[section]:
                raise ConfigError(f"policy file {path}: unknown key {key!r} in [{section}]")
            default = values[section][key]
            if isinstance(default, bool) and not isinstance(value, bool):
                raise ConfigError(f"policy file {path}: {section}.{key} must be true or false")
            if isinstance(default, list) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                raise ConfigError(f"policy file {path}: {section}.{key} must be a list of paths")
            values[section][key] = value
    return Policy(values, path)
