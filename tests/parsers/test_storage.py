"""df (1K-blocks, -h, old toolbox) and dumpsys diskstats."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_df, parse_dumpsys_diskstats

from ._fixtures import fixture

K, M, G = 1024, 1024**2, 1024**3

# file -> (rows, mount, filesystem, size_bytes, used_bytes, available_bytes, use_percent)
DF = {
    "df/asus-tf201-a4.0.3-toolbox.txt": (8, "/system", None, 503 * M, 467 * M, 36 * M, 93),
    "df/emulator-x86-a7.1.1-df-k.txt": (7, "/storage/17FB-2603", "/dev/fuse", 100796 * K, 14 * K, 100781 * K, 1),
    "df/magch-m610-rk3326-a11go-df-h.txt": (12, "/data", "/dev/block/dm-10", 115 * G, 20 * G, 95 * G, 18),
    "df/mtk-mt8168-tablet-a13-df-k.txt": (15, "/data", "/dev/block/dm-7", 54563696 * K, 411164 * K, 54005076 * K, 1),
    "df/mtk-phone-a6-toolbox.txt": (13, "/data", None, round(10.9 * G), round(6.3 * G), round(4.6 * G), 58),
    "df/oppo-a59-a5.1-toolbox.txt": (13, "/mnt/cd-rom", None, round(20.5 * M), round(20.5 * M), 0, 100),
    "df/pixel-sailfish-a8.1-df-k.txt": (
        6, "/data", "/dev/block/platform/soc/624000.ufshc/by-name/userdata", 25497924 * K, 16553236 * K,
        8928304 * K, 65),
    "df/smartron-tphone-a8.1-df-k.txt": (9, "/firmware", "/dev/block/bootdevice/by-name/modem", 85968 * K,
                                         76464 * K, 9504 * K, 89),
    "df/ufs-phone-a9-df-h.txt": (11, "/system/vendor/dsp", "/dev/block/sde37", 12 * M, 10 * M, round(1.4 * M), 88),
    "df/vivo-pd1619-a7-df-h.txt": (12, "/data", "/dev/block/dm-2", 53 * G, round(3.3 * G), 49 * G, 7),
    "df/vivo-pd2254-a14-df-h.txt": (51, "/apex/com.android.tzdata@340090000", "/dev/block/loop7", 764 * K,
                                    736 * K, 16 * K, 98),
}  # fmt: skip


@pytest.mark.parametrize("path", sorted(DF))
def test_df(path: str) -> None:
    count, mount, filesystem, size, used, available, percent = DF[path]
    rows = parse_df(fixture(path))
    assert len(rows) == count
    row = next(r for r in rows if r.mount == mount).to_json()
    assert (row["filesystem"], row["size_bytes"], row["used_bytes"]) == (filesystem, size, used)
    assert (row["available_bytes"], row["use_percent"]) == (available, percent)


def test_toolbox_permission_denied_lines_are_skipped_and_crlf_handled() -> None:
    rows = parse_df(fixture("df/mtk-phone-a6-toolbox.txt"))
    assert "/storage/emulated" in [r.mount for r in rows]
    assert not any("runtime" in r.mount for r in rows)
    crlf = fixture("df/asus-tf201-a4.0.3-toolbox.txt")
    assert "\r\n" in crlf
    asus = parse_df(crlf)
    assert asus[-1].mount == "/mnt/sdcard" and asus[-1].block_size_bytes == 4096


def test_busybox_wrapped_filesystem_name() -> None:
    text = (
        "Filesystem           1K-blocks      Used Available Use% Mounted on\n"
        "/dev/block/platform/msm_sdcc.1/by-name/userdata\n"
        "                       12345678   2345678  10000000  19% /data\n"
    )
    (row,) = parse_df(text)
    assert row.filesystem == "/dev/block/platform/msm_sdcc.1/by-name/userdata"
    assert (row.mount, row.size_bytes, row.use_percent) == ("/data", 12345678 * K, 19)


# file -> (latency, data free/total, system free/total, write speed, file-based encryption, apps)
DISKSTATS = {
    "dumpsys_diskstats/emulator-pixel10-avd-a17.txt": (0, (1208200, 6082144), (0, 580644), 14998, True, 0),
    "dumpsys_diskstats/emulator-x86-a7.1.1-short.txt": (0, (645008, 793488), (118640, 2031440), None, None, 0),
    "dumpsys_diskstats/mtk-mt8168-tablet-a13.txt": (1, (54003092, 54563696), (0, 1579928), None, True, 0),
    "dumpsys_diskstats/pixel-sailfish-a8.1.txt": (1, (8924568, 25497924), (196744, 1999196), None, True, None),
    "dumpsys_diskstats/samsung-galaxy-s25-era.txt": (1, (86155812, 230744064), (0, 8567332), 58079, True, 12),
    "dumpsys_diskstats/smartron-tphone-a8.1-short.txt": (0, (52581572, 54432680), (624888, 2999516), None, None, 0),
}


@pytest.mark.parametrize("path", sorted(DISKSTATS))
def test_diskstats(path: str) -> None:
    latency, data_kb, system_kb, speed, fbe, apps = DISKSTATS[path]
    stats = parse_dumpsys_diskstats(fixture(path)).to_json()
    assert stats["latency_ms"] == latency
    assert (stats["data_free_kb"], stats["data_total_kb"]) == data_kb
    assert (stats["system_free_kb"], stats["system_total_kb"]) == system_kb
    assert stats["write_speed_kbps"] == speed
    assert stats["file_based_encryption"] is fbe
    if apps is not None:
        assert len(stats["apps"]) == apps


def test_diskstats_category_and_app_sizes() -> None:
    pixel = parse_dumpsys_diskstats(fixture("dumpsys_diskstats/pixel-sailfish-a8.1.txt"))
    assert (pixel.app_size_bytes, pixel.app_cache_size_bytes, pixel.system_size_bytes) == (
        11558617088, 3719344128, 5890125824)  # fmt: skip
    assert pixel.app_data_size_bytes is None  # Android 8 prints no App Data Size
    shop = pixel.apps[0]
    assert (shop.package, shop.app_size_bytes, shop.cache_size_bytes, shop.data_size_bytes) == (
        "com.amazon.mShop.android.shopping", 178343936, 67022848, None)  # fmt: skip
    samsung = parse_dumpsys_diskstats(fixture("dumpsys_diskstats/samsung-galaxy-s25-era.txt"))
    assert samsung.metadata_free_kb == 19132 and samsung.app_data_size_bytes == 55770203878
    shopping = next(a for a in samsung.apps if a.package == "com.amazon.mShop.android.shopping")
    assert (shopping.app_size_bytes, shopping.data_size_bytes, shopping.cache_size_bytes) == (
        217011712, 118075392, 33271808)  # fmt: skip
