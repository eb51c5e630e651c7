"""`pm list packages [-f] [-U] [-i] [--show-versioncode]`: one `package:` line per app."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import JsonMixin, lines

_LINE = re.compile(r"^package:(\S+)(.*)$")
_VERSION = re.compile(r"\bversionCode:(-?\d+)")
_UID = re.compile(r"\buid:(\d+)")
_INSTALLER = re.compile(r"\binstaller=(\S+)")
_SYSTEM_ROOTS = ("/system/", "/product/", "/vendor/", "/system_ext/", "/apex/", "/odm/", "/oem/", "/india/")


@dataclass(frozen=True)
class PackageRow(JsonMixin):
    package: str
    apk_path: str | None = None
    uid: int | None = None
    version_code: int | None = None
    installer: str | None = None
    system: bool | None = None
    """True for an APK on a read-only partition, False under /data, None when no path was listed."""


def parse_pm_list_packages(text: str) -> list[PackageRow]:
    """Parse `pm list packages` in any of its option combinations.

    With `-f` the line is `package:<apk path>=<name>`; Android 11+ paths hold `==`
    (`/data/app/~~abc==/com.foo-xyz==/base.apk`), so the name is what follows the *last* `=`.
    """
    rows: list[PackageRow] = []
    for line in lines(text):
        match = _LINE.match(line.strip())
        if not match:
            continue
        body, rest = match.group(1), match.group(2)
        apk_path: str | None = None
        if "=" in body:
            apk_path, _, package = body.rpartition("=")
        else:
            package = body
        if not package:
            continue
        version = _VERSION.search(rest)
        uid = _UID.search(rest)
        installer = _INSTALLER.search(rest)
        installer_name = installer.group(1) if installer else None
        system = None
        if apk_path:
            system = apk_path.startswith(_SYSTEM_ROOTS) or not apk_path.startswith(("/data/", "/mnt/"))
        rows.append(
            PackageRow(
                package=package,
                apk_path=apk_path or None,
                uid=int(uid.group(1)) if uid else None,
                version_code=int(version.group(1)) if version else None,
                installer=None if installer_name in (None, "null") else installer_name,
                system=system,
            )
        )
    return rows
