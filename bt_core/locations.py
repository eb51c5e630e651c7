"""Where bt keeps things, decided by platformdirs and overridable per directory (for tests and labs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformdirs import PlatformDirs

APP = "bt"


def _dirs() -> PlatformDirs:
    import platformdirs  # small, but only needed once paths are asked for

    return platformdirs.PlatformDirs(APP, appauthor=False)


def config_dir() -> Path:
    return Path(os.environ.get("BT_CONFIG_DIR") or _dirs().user_config_dir)


def data_dir() -> Path:
    return Path(os.environ.get("BT_DATA_DIR") or _dirs().user_data_dir)


def site_config_dir() -> Path:
    """The administrator's folder (policy.toml, canned.toml)."""
    return Path(os.environ.get("BT_SITE_CONFIG_DIR") or _dirs().site_config_dir)


def config_file() -> Path:
    return Path(os.environ.get("BT_CONFIG") or config_dir() / "config.toml")


def policy_file() -> Path:
    return Path(os.environ.get("BT_POLICY") or site_config_dir() / "policy.toml")


def database_file() -> Path:
    return data_dir() / "bt.sqlite3"


def screenshots_dir() -> Path:
    return data_dir() / "screenshots"


def reports_dir() -> Path:
    return data_dir() / "reports"
