"""Pure parsers for Android system-information commands (no adb, no I/O).

Each `parse_*` is named after the command it reads and returns a frozen dataclass (or a list of them)
with `to_json()`: snake_case keys, units in the names, None where the capture does not say. None of
them raises on unknown lines, OEM extras, CRLF endings or truncated captures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._common import jsonable
from .df import DfRow, parse_df
from .dumpsys_activity import ActivitiesState, parse_dumpsys_activity_activities
from .dumpsys_battery import BatteryState, parse_dumpsys_battery
from .dumpsys_cpuinfo import CpuInfo, CpuProcess, parse_dumpsys_cpuinfo
from .dumpsys_diskstats import AppStorage, DiskStats, parse_dumpsys_diskstats
from .dumpsys_display import DisplayInfo, parse_dumpsys_display
from .dumpsys_meminfo import Meminfo, MeminfoProcess, parse_dumpsys_meminfo
from .dumpsys_package import PackageInfo, parse_dumpsys_package
from .dumpsys_wifi import WifiState, parse_dumpsys_wifi
from .dumpsys_window import WindowFocus, parse_dumpsys_window
from .getprop import Properties, parse_getprop
from .ip_addr import Interface, parse_ip_addr
from .pm_list_packages import PackageRow, parse_pm_list_packages
from .proc_cpuinfo import CpuCore, ProcCpuinfo, parse_proc_cpuinfo
from .proc_meminfo import ProcMeminfo, parse_proc_meminfo
from .proc_uptime import Uptime, parse_uptime
from .ps import ProcessRow, parse_ps
from .wm import WmDensity, WmSize, parse_wm_density, parse_wm_size

PARSERS: dict[str, Callable[[str], Any]] = {
    "getprop": parse_getprop,
    "battery": parse_dumpsys_battery,
    "meminfo": parse_dumpsys_meminfo,
    "cpuinfo": parse_dumpsys_cpuinfo,
    "ps": parse_ps,
    "packages": parse_pm_list_packages,
    "df": parse_df,
    "wm-size": parse_wm_size,
    "wm-density": parse_wm_density,
    "wifi": parse_dumpsys_wifi,
    "ip-addr": parse_ip_addr,
    "window": parse_dumpsys_window,
    "activities": parse_dumpsys_activity_activities,
    "diskstats": parse_dumpsys_diskstats,
    "proc-meminfo": parse_proc_meminfo,
    "proc-cpuinfo": parse_proc_cpuinfo,
    "display": parse_dumpsys_display,
    "package": parse_dumpsys_package,
    "uptime": parse_uptime,
}
"""KIND (as `bt sysinfo parse KIND` accepts it) -> parser."""


def to_jsonable(result: Any) -> Any:
    """Any parser result (dataclass, list of them, plain values) as JSON-ready dicts and lists."""
    return jsonable(result)


__all__ = [
    "PARSERS",
    "ActivitiesState",
    "AppStorage",
    "BatteryState",
    "CpuCore",
    "CpuInfo",
    "CpuProcess",
    "DfRow",
    "DiskStats",
    "DisplayInfo",
    "Interface",
    "Meminfo",
    "MeminfoProcess",
    "PackageInfo",
    "PackageRow",
    "ProcCpuinfo",
    "ProcMeminfo",
    "ProcessRow",
    "Properties",
    "Uptime",
    "WifiState",
    "WindowFocus",
    "WmDensity",
    "WmSize",
    "parse_df",
    "parse_dumpsys_activity_activities",
    "parse_dumpsys_battery",
    "parse_dumpsys_cpuinfo",
    "parse_dumpsys_diskstats",
    "parse_dumpsys_display",
    "parse_dumpsys_meminfo",
    "parse_dumpsys_package",
    "parse_dumpsys_wifi",
    "parse_dumpsys_window",
    "parse_getprop",
    "parse_ip_addr",
    "parse_pm_list_packages",
    "parse_proc_cpuinfo",
    "parse_proc_meminfo",
    "parse_ps",
    "parse_uptime",
    "parse_wm_density",
    "parse_wm_size",
    "to_jsonable",
]
