"""PARSERS covers the CLI's kinds, every result is JSON, and every capture has value assertions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adb_backend.parsers import PARSERS, to_jsonable
from tests.captures import needs_captures

from ._fixtures import all_fixture_paths, fixture

CLI_KINDS = {
    "getprop", "battery", "meminfo", "cpuinfo", "ps", "packages", "df", "wm-size", "wm-density", "wifi",
    "ip-addr", "window", "diskstats", "proc-meminfo", "proc-cpuinfo", "activities", "display", "package", "uptime",
}  # fmt: skip

KIND_OF_DIRECTORY = {
    "getprop": "getprop",
    "dumpsys_battery": "battery",
    "dumpsys_meminfo": "meminfo",
    "dumpsys_cpuinfo": "cpuinfo",
    "ps": "ps",
    "pm_list_packages": "packages",
    "df": "df",
    "wm_size": "wm-size",
    "wm_density": "wm-density",
    "dumpsys_wifi": "wifi",
    "ip_addr": "ip-addr",
    "dumpsys_window": "window",
    "dumpsys_activity_activities": "activities",
    "dumpsys_diskstats": "diskstats",
    "proc_meminfo": "proc-meminfo",
    "proc_cpuinfo": "proc-cpuinfo",
}


def test_every_kind_the_cli_accepts_has_a_parser() -> None:
    assert set(PARSERS) == CLI_KINDS


@needs_captures
def test_every_capture_is_named_in_a_value_test() -> None:
    sources = "".join(p.read_text() for p in Path(__file__).parent.glob("test_*.py") if p.name != Path(__file__).name)
    paths = all_fixture_paths()
    assert len(paths) >= 90
    missing = [f"{p.parent.name}/{p.name}" for p in paths if f"{p.parent.name}/{p.name}" not in sources]
    assert missing == []


@pytest.mark.parametrize("path", all_fixture_paths(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_own_parser_gives_json_with_snake_case_keys(path: Path) -> None:
    kind = KIND_OF_DIRECTORY[path.parent.name]
    data = to_jsonable(PARSERS[kind](fixture(f"{path.parent.name}/{path.name}")))
    encoded = json.dumps(data)
    assert json.loads(encoded) == data
    if kind != "getprop" and kind != "battery":  # getprop keys are property names; battery extra keeps OEM words
        keys = _keys(data)
        assert all(k == k.lower() and " " not in k for k in keys), keys


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()
