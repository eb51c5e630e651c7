"""pm list packages (all option shapes, Android 11+ `==` paths) and dumpsys package."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_dumpsys_package, parse_pm_list_packages

from ._fixtures import fixture

# file -> (rows, third-party rows (None if no paths), (package, apk path) of one app)
CASES = {
    "pm_list_packages/emulator-pixel9-avd-a16-pm-f.txt": (
        247, 4, ("com.android.chrome",
                 "/data/app/~~fUgOqJOJ6mDej7PFQKTwGA==/com.android.chrome-UXbc3qw6MSB2c4HdOVgKhQ==/Chrome.apk")),
    "pm_list_packages/magch-m610-rk3326-a11go-plain.txt": (192, None, ("com.google.android.youtube", None)),
    "pm_list_packages/nexus7-flo-a6.0.1-pm-f.txt": (
        107, 41, ("com.google.android.apps.currents", "/data/app/com.google.android.apps.currents-2.apk")),
    "pm_list_packages/xiaomi-pad6-pipa-hyperos2-a14-pm-f.txt": (
        322, 79, ("com.android.vending",
                  "/data/app/~~0E70nvX4lYyFkEjbiGteQQ==/com.android.vending-V-iEIYTWafIKrZ3M3bgcvQ==/base.apk")),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(CASES))
def test_pm_list_packages(path: str) -> None:
    count, third_party, (package, apk_path) = CASES[path]
    rows = parse_pm_list_packages(fixture(path))
    assert len(rows) == count
    assert len({r.package for r in rows}) == count
    row = next(r for r in rows if r.package == package)
    assert row.to_json()["apk_path"] == apk_path
    if third_party is None:
        assert all(r.system is None for r in rows)
    else:
        assert sum(1 for r in rows if r.system is False) == third_party


def test_apex_and_system_paths_are_system() -> None:
    rows = parse_pm_list_packages(fixture("pm_list_packages/emulator-pixel9-avd-a16-pm-f.txt"))
    uwb = next(r for r in rows if r.package == "com.google.android.uwb.resources")
    assert uwb.apk_path.startswith("/apex/com.android.uwb/priv-app/") and uwb.system is True


def test_uid_version_code_and_installer_options() -> None:
    text = (
        "package:/data/app/~~abc==/com.foo-xyz==/base.apk=com.foo versionCode:1234  installer=com.android.vending"
        " uid:10123\n"
        "package:/system/app/Bar/Bar.apk=com.bar versionCode:34  installer=null uid:1000\r\n"
        "package:com.baz uid:10200,1010200\n"
        "Error: something unrelated\n"
    )
    foo, bar, baz = parse_pm_list_packages(text)
    assert foo.to_json() == {
        "package": "com.foo",
        "apk_path": "/data/app/~~abc==/com.foo-xyz==/base.apk",
        "uid": 10123,
        "version_code": 1234,
        "installer": "com.android.vending",
        "system": False,
    }
    assert (bar.package, bar.uid, bar.installer, bar.system) == ("com.bar", 1000, None, True)
    assert (baz.package, baz.uid, baz.apk_path) == ("com.baz", 10200, None)


DUMPSYS_PACKAGE = """\
Packages:
  Package [com.baidu.map.location] (b179259):
    userId=10154
    pkg=Package{1769e1e com.baidu.map.location}
    codePath=/product/priv-app/BaiduNetworkLocation
    resourcePath=/product/priv-app/BaiduNetworkLocation
    versionCode=52 minSdk=14 targetSdk=30
    versionName=5.2.0
    flags=[ SYSTEM HAS_CODE ]
    dataDir=/data/user/0/com.baidu.map.location
    timeStamp=2009-01-01 08:00:00
    lastUpdateTime=2009-01-01 08:00:00
    installerPackageName=null
    pkgFlags=[ SYSTEM HAS_CODE ]
    User 0: ceDataInode=6185 installed=true hidden=false suspended=false stopped=false
      firstInstallTime=2009-01-01 08:00:00
Hidden system packages:
  Package [com.baidu.map.location] (aaaaaaa):
    versionCode=1 minSdk=14 targetSdk=30
"""


def test_dumpsys_package_first_block_wins() -> None:
    info = parse_dumpsys_package(DUMPSYS_PACKAGE)
    assert info.to_json() == {
        "package": "com.baidu.map.location",
        "version_name": "5.2.0",
        "version_code": 52,
        "user_id": 10154,
        "code_path": "/product/priv-app/BaiduNetworkLocation",
        "data_dir": "/data/user/0/com.baidu.map.location",
        "first_install_time": "2009-01-01 08:00:00",
        "last_update_time": "2009-01-01 08:00:00",
        "min_sdk": 14,
        "target_sdk": 30,
        "installer": None,
        "system": True,
    }
    assert parse_dumpsys_package("Unable to find package: com.nope\n").package is None
