"""`dumpsys package <name>`: version, uid, install path and times of one package."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import JsonMixin, lines

_PACKAGE = re.compile(r"^\s*Package \[([^\]]+)\]")
_VALUE = {
    "version_name": re.compile(r"\bversionName=(\S+)"),
    "version_code": re.compile(r"\bversionCode=(\d+)"),
    "min_sdk": re.compile(r"\bminSdk=(\d+)"),
    "target_sdk": re.compile(r"\btargetSdk=(\d+)"),
    "user_id": re.compile(r"^\s*(?:userId|appId)=(\d+)"),
    "code_path": re.compile(r"^\s*codePath=(\S+)"),
    "data_dir": re.compile(r"^\s*dataDir=(\S+)"),
    "first_install_time": re.compile(r"\bfirstInstallTime=(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"),
    "last_update_time": re.compile(r"\blastUpdateTime=(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)"),
    "installer": re.compile(r"\binstallerPackageName=(\S+)"),
    "flags": re.compile(r"^\s*(?:pkgFlags|flags)=\[\s*(.*?)\s*\]"),
}


@dataclass(frozen=True)
class PackageInfo(JsonMixin):
    package: str | None = None
    version_name: str | None = None
    version_code: int | None = None
    user_id: int | None = None
    code_path: str | None = None
    data_dir: str | None = None
    first_install_time: str | None = None
    """Device local time as printed, `YYYY-MM-DD HH:MM:SS` (Android 12+ prints it per user; user 0's wins)."""
    last_update_time: str | None = None
    min_sdk: int | None = None
    target_sdk: int | None = None
    installer: str | None = None
    system: bool | None = None


def parse_dumpsys_package(text: str, package: str | None = None) -> PackageInfo:
    """Parse the first `Package [name]` block (the installed one; a `Hidden system packages` copy comes later).

    When `package` is given, the block for that name is used.
    """
    block: list[str] = []
    name: str | None = None
    for line in lines(text):
        match = _PACKAGE.match(line)
        if match:
            if name is not None:
                break
            if package is None or match.group(1) == package:
                name = match.group(1)
            continue
        if name is not None:
            if line and not line[:1].isspace():  # the next top-level section
                break
            block.append(line)
    found: dict[str, str] = {}
    for line in block:
        for key, rx in _VALUE.items():
            if key not in found and (m := rx.search(line)):
                found[key] = m.group(1)
    flags = found.get("flags", "").split() if "flags" in found else None
    installer = found.get("installer")
    return PackageInfo(
        package=name,
        version_name=found.get("version_name"),
        version_code=int(found["version_code"]) if "version_code" in found else None,
        user_id=int(found["user_id"]) if "user_id" in found else None,
        code_path=found.get("code_path"),
        data_dir=found.get("data_dir"),
        first_install_time=found.get("first_install_time"),
        last_update_time=found.get("last_update_time"),
        min_sdk=int(found["min_sdk"]) if "min_sdk" in found else None,
        target_sdk=int(found["target_sdk"]) if "target_sdk" in found else None,
        installer=None if installer in (None, "null") else installer,
        system=("SYSTEM" in flags) if flags is not None else None,
    )
