"""getprop: a flat {name: value} object, multi-line values intact, on captures from Android 7 to 16."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_getprop

from ._fixtures import fixture

# (file, property count, ro.product.model, ro.build.version.release, ro.build.version.sdk)
CASES = [
    ("getprop/emulator-x86-a7.1.1.txt", 204, "Android SDK built for x86", "7.1.1", "25"),
    ("getprop/infinix-x670-mt6781-a13.txt", 1644, "Infinix X670", "13", "33"),
    ("getprop/lg-v60-timelm-a11.txt", 1158, "LM-V600", "11", "30"),
    ("getprop/motorola-edge20-berlin-a13.txt", 863, "motorola edge 20", "13", "33"),
    ("getprop/mtk-mt8168-tablet-a13.txt", 1186, "tb8168p1_64_bsp_k510", "13", "33"),
    ("getprop/oneplus-nord-n10-billie-a11.txt", 1120, "BE2028", "11", "30"),
    ("getprop/pixel-8-pro-husky-a16.txt", 812, "Pixel 8 Pro", "16", "36"),
    ("getprop/pixel-sailfish-a8.1.txt", 526, "Pixel", "8.1.0", "27"),
    ("getprop/poco-f6-peridot-lineage22-a15.txt", 1067, "24069PC21I", "15", "35"),
    ("getprop/redmi-9-power-lime-miui14-a12.txt", 794, "M2010J19SI", "12", "31"),
    ("getprop/samsung-s25plus-sm-s936b-a16.txt", 1582, "SM-S936B", "16", "36"),
    ("getprop/smartron-tphone-a8.1.txt", 581, "T5911", "8.1.0", "27"),
    ("getprop/xiaomi-pad6-pipa-hyperos2-a14.txt", 1178, "23043RP34G", "14", "34"),
]


@pytest.mark.parametrize(("path", "count", "model", "release", "sdk"), CASES)
def test_full_getprop_dumps(path: str, count: int, model: str, release: str, sdk: str) -> None:
    props = parse_getprop(fixture(path))
    assert len(props) == count
    assert props["ro.product.model"] == model
    assert props["ro.build.version.release"] == release
    assert props["ro.build.version.sdk"] == sdk
    assert props.to_json()["ro.product.model"] == model


def test_multiline_value_keeps_its_lines_and_the_next_property_follows() -> None:
    props = parse_getprop(fixture("getprop/emulator-pixel9-avd-a16-excerpt.txt"))
    assert len(props) == 25
    assert (
        props["persist.sys.boot.reason.history"]
        == "reboot,1753125763\nreboot,factory_reset,1753122839\nreboot,1753122820"
    )
    assert props["remote_provisioning.hostname"] == "remoteprovisioning.googleapis.com"
    assert props["ro.wifi.channels"] == ""
    assert props["ro.boot.logcat"] == "*:V"


def test_json_value_spanning_lines_and_a_value_ending_in_newline() -> None:
    smartron = parse_getprop(fixture("getprop/smartron-tphone-a8.1.txt"))
    assert smartron["persist.vendor.radio.ver_info"].startswith('{\n    "Image_Build_IDs": {')
    assert smartron["persist.vendor.radio.ver_info"].endswith('"apps"')
    assert smartron["pm.dexopt.ab-ota"] == "speed-profile"
    mtk = parse_getprop(fixture("getprop/mtk-mt8168-tablet-a13.txt"))
    assert mtk["persist.vendor.sys.pq.modeindex"] == "0\n"
    assert mtk["ro.serialno"] == "0123456789ABCDEF"


def test_unterminated_value_is_cut_at_the_next_property_and_brackets_in_values_survive() -> None:
    props = parse_getprop("[a.b]: [first line\n[c.d]: [x]\n[e.f]: [[nested] brackets]\n[g]: [tail")
    assert props["a.b"] == "first line"
    assert props["c.d"] == "x"
    assert props["e.f"] == "[nested] brackets"
    assert props["g"] == "tail"
