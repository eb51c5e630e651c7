"""System information collectors: which commands each section needs, batched into few round trips.

Over ADB every shell round trip costs tens of milliseconds (more over Wi-Fi), so the number of round
trips is the speed: the overview's commands run in ONE batched shell, all sections in at most three
(heavy dumpsys commands get their own batches, run side by side). Outputs are split by the batch
markers and handed to the pure parsers in `adb_backend.parsers`; a command that fails (permission
denied, missing on an old Android) is reported in its own slot while the rest still arrive.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from adb_backend.device import Device
from adb_backend.types import ShellResult

MAX_BATCHES = 3


@dataclass(frozen=True)
class Probe:
    """One device command and the parser kind that reads its output (None: the trimmed text)."""

    command: str
    kind: str | None = None
    heavy: bool = False
    """Slow on a real phone (walks every process or service): batched apart, in parallel."""
    empty_ok: bool = False
    """A `| grep` pipeline: no match (exit 1, nothing on stderr) is an empty answer, not a failure."""


_FOCUS = "dumpsys window | grep -E 'mCurrentFocus|mFocusedApp'"
PROBES: dict[str, Probe] = {
    "getprop": Probe("getprop", "getprop"),
    "device_name": Probe("settings get global device_name"),
    "battery": Probe("dumpsys battery", "battery"),
    "proc_meminfo": Probe("cat /proc/meminfo", "proc-meminfo"),
    "df_data": Probe("df /data", "df"),
    "uptime": Probe("cat /proc/uptime", "uptime"),
    "ip_addr": Probe("ip addr", "ip-addr"),
    "wm_size": Probe("wm size", "wm-size"),
    "wm_density": Probe("wm density", "wm-density"),
    "window": Probe(_FOCUS, "window", empty_ok=True),
    "meminfo": Probe("dumpsys meminfo", "meminfo", heavy=True),
    "cpuinfo": Probe("dumpsys cpuinfo", "cpuinfo", heavy=True),
    "proc_cpuinfo": Probe("cat /proc/cpuinfo", "proc-cpuinfo"),
    "loadavg": Probe("cat /proc/loadavg"),
    "df": Probe("df", "df"),
    "diskstats": Probe("dumpsys diskstats", "diskstats", heavy=True),
    "wifi": Probe("dumpsys wifi | grep -E '^Wi-Fi is|mWifiInfo'", "wifi", heavy=True, empty_ok=True),
    "airplane_mode": Probe("settings get global airplane_mode_on"),
    "display": Probe("dumpsys display", "display", heavy=True),
    # toolbox ps (before Android 8) takes `-A -o ...` as a name filter: header only, exit 0, so no `||`
    "ps": Probe(
        'p=$(ps -A -o USER,PID,PPID,VSZ,RSS,S,%CPU,NAME 2>/dev/null); case $p in *[0-9]*) echo "$p";; *) ps;; esac',
        "ps",
    ),
    # -U and --show-versioncode arrived with Android 8 and 9: older pm refuses them, so ask again without
    "packages": Probe(
        "l=$(pm list packages -f -U --show-versioncode 2>&1); "
        'case $l in package:*) echo "$l";; *Unknown*|*rror*) pm list packages -f;; esac',
        "packages",
        heavy=True,
    ),
    "third_party": Probe("pm list packages -3", "packages", heavy=True),
    "activities": Probe(
        "dumpsys activity activities | grep -E 'ResumedActivity|mFocusedApp|mCurrentFocus'",
        "activities",
        empty_ok=True,
    ),
}

# section -> the probes it reads; the overview is the default, the rest come on demand.
SECTIONS: dict[str, tuple[str, ...]] = {
    "overview": (
        "getprop",
        "device_name",
        "battery",
        "proc_meminfo",
        "df_data",
        "uptime",
        "ip_addr",
        "wm_size",
        "wm_density",
        "window",
    ),
    "device": ("getprop", "device_name"),
    "battery": ("battery",),
    "memory": ("meminfo", "proc_meminfo"),
    "cpu": ("cpuinfo", "proc_cpuinfo", "loadavg"),
    "storage": ("df", "diskstats"),
    "network": ("ip_addr", "wifi", "airplane_mode"),
    "display": ("wm_size", "wm_density", "display"),
    "processes": ("ps",),
    "apps": ("packages", "third_party"),
    "foreground": ("window", "activities"),
}
SECTION_NAMES: tuple[str, ...] = tuple(SECTIONS)


def parser_for(kind: str) -> Callable[[str], Any] | None:
    """The parser registered for a kind, or None."""
    from adb_backend.parsers import PARSERS

    return PARSERS.get(kind)


def parser_kinds() -> list[str]:
    """Every kind `bt sysinfo parse` accepts."""
    from adb_backend.parsers import PARSERS

    return sorted(PARSERS)


def parse(kind: str, text: str) -> Any:
    """Run the parser of `kind` on a capture and return plain JSON data."""
    from adb_backend.parsers import to_jsonable

    parser = parser_for(kind)
    if parser is None:
        raise KeyError(kind)
    return to_jsonable(parser(text))


# -- collecting ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SectionData:
    """One section's answer: parsed data, and each failed command's reason in its own slot."""

    name: str
    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "data": self.data, "errors": self.errors}


@dataclass(frozen=True)
class Collection:
    serial: str
    sections: dict[str, SectionData]
    round_trips: int
    elapsed_ms: float


def validate_sections(names: Iterable[str]) -> list[str]:
    """Unknown names raise ValueError naming the valid ones; order kept, duplicates dropped."""
    chosen = list(dict.fromkeys(names))
    unknown = [n for n in chosen if n not in SECTIONS]
    if unknown:
        raise ValueError(f"unknown section {', '.join(unknown)}: choose from {', '.join(SECTION_NAMES)}")
    return chosen


def plan_batches(sections: Iterable[str]) -> list[dict[str, str]]:
    """The probes the sections need, deduplicated, grouped into at most MAX_BATCHES shells.

    Light probes share one batch; heavy ones are spread over the remaining batches so that a slow
    `dumpsys meminfo` does not hold up the others (the batches run side by side).
    """
    names = list(dict.fromkeys(p for s in sections for p in SECTIONS[s]))
    light = [n for n in names if not PROBES[n].heavy]
    heavy = [n for n in names if PROBES[n].heavy]
    groups: list[list[str]] = [light] if light else []
    slots = max(1, MAX_BATCHES - len(groups))
    if heavy:
        per = [heavy[i::slots] for i in range(min(slots, len(heavy)))]
        groups.extend(per)
    return [{n: PROBES[n].command for n in group} for group in groups if group]


def collect(device: Device, sections: Iterable[str], *, timeout: float = 60.0) -> Collection:
    """Run the sections' commands in at most three batched shells and parse every section."""
    chosen = validate_sections(sections)
    started = time.perf_counter()
    batches = plan_batches(chosen)
    outputs: dict[str, ShellResult] = {}
    if len(batches) == 1:
        outputs.update(device.batch(batches[0], timeout=timeout).results)
    elif batches:
        with ThreadPoolExecutor(max_workers=len(batches)) as pool:
            for result in pool.map(lambda b: device.batch(b, timeout=timeout), batches):
                outputs.update(result.results)
    parsed, failed = _parse_probes(outputs)
    built = {name: _BUILDERS[name](parsed, failed, device.serial) for name in chosen}
    elapsed = (time.perf_counter() - started) * 1000
    return Collection(device.serial, built, len(batches), round(elapsed, 1))


def _parse_probes(outputs: dict[str, ShellResult]) -> tuple[dict[str, Any], dict[str, str]]:
    parsed: dict[str, Any] = {}
    failed: dict[str, str] = {}
    for name, result in outputs.items():
        probe = PROBES[name]
        reason = failure(result, empty_ok=probe.empty_ok)
        if reason:
            failed[name] = reason
            continue
        if probe.kind is None:
            parsed[name] = result.stdout.strip()
            continue
        parser = parser_for(probe.kind)
        if parser is None:
            failed[name] = f"no parser for {probe.kind} output"
            continue
        try:
            parsed[name] = parse(probe.kind, result.stdout)
        except Exception as error:  # a parser bug must not sink the other sections
            failed[name] = f"could not read the output of {probe.command!r}: {error}"
    return parsed, failed


_REFUSALS = ("can't find service", "permission denial", "not found", "unknown command", "error:")


def failure(result: ShellResult, *, empty_ok: bool = False) -> str | None:
    """The device's reason when a command failed, else None."""
    if result.exit_code == 0:
        first = result.stdout.strip().splitlines()[0].lower() if result.stdout.strip() else ""
        if first.startswith(_REFUSALS) and len(result.stdout.strip().splitlines()) <= 2:
            return result.stdout.strip().splitlines()[0]
        return None
    if empty_ok and result.exit_code == 1 and not result.stderr.strip() and not result.stdout.strip():
        return None
    return result.reason


# -- sections from parsed probes -------------------------------------------------------------------
Parsed = dict[str, Any]
Failed = dict[str, str]


def _section(name: str, probes: tuple[str, ...], failed: Failed, data: dict[str, Any]) -> SectionData:
    errors = {p: failed[p] for p in probes if p in failed}
    return SectionData(name, data, errors)


def _props(parsed: Parsed) -> dict[str, str]:
    value = parsed.get("getprop")
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _device_name(parsed: Parsed, props: dict[str, str]) -> str | None:
    name = parsed.get("device_name")
    if isinstance(name, str) and name and name != "null":
        return name
    return props.get("ro.product.model") or None


def ip_addresses(interfaces: Any) -> list[str]:
    """Global addresses (no loopback or link-local), without prefix lengths."""
    found: list[str] = []
    for iface in interfaces if isinstance(interfaces, list) else []:
        if not isinstance(iface, dict) or iface.get("name") == "lo":
            continue
        for address in [*iface.get("ipv4", ()), *iface.get("ipv6", ())]:
            plain = str(address).split("/", 1)[0]
            if plain.startswith(("127.", "fe80", "::1")):
                continue
            found.append(plain)
    return list(dict.fromkeys(found))


def data_mount(rows: Any) -> dict[str, Any] | None:
    """The df row of the user-data partition (/data), else the largest one."""
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    for mount in ("/data", "/storage/emulated", "/sdcard"):
        for row in rows:
            if row.get("mount") == mount:
                return dict(row)
    sized = [r for r in rows if r.get("size_bytes")]
    return max(sized, key=lambda r: r["size_bytes"]) if sized else None


def _uptime_seconds(parsed: Parsed) -> float | None:
    value = parsed.get("uptime")
    return value.get("uptime_s") if isinstance(value, dict) else None


def _foreground(parsed: Parsed) -> tuple[str | None, str | None]:
    for key in ("window", "activities"):
        value = parsed.get(key)
        if not isinstance(value, dict):
            continue
        package = value.get("focused_app") or value.get("resumed_package") or value.get("current_focus_package")
        activity = value.get("focused_activity") or value.get("resumed_activity")
        if package:
            return package, activity
    return None, None


def _overview(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    props = _props(parsed)
    battery = parsed.get("battery") or {}
    mem = parsed.get("proc_meminfo") or {}
    mount = data_mount(parsed.get("df_data"))
    size = parsed.get("wm_size") or {}
    density = parsed.get("wm_density") or {}
    package, activity = _foreground(parsed)
    storage_total = mount.get("size_bytes") if mount else None
    storage_used = mount.get("used_bytes") if mount else None
    data = {
        "model": props.get("ro.product.model"),
        "manufacturer": props.get("ro.product.manufacturer"),
        "device_name": _device_name(parsed, props),
        "android_version": props.get("ro.build.version.release"),
        "sdk": _int(props.get("ro.build.version.sdk")),
        "build": props.get("ro.build.display.id") or props.get("ro.build.id"),
        "build_fingerprint": props.get("ro.build.fingerprint"),
        "serial": props.get("ro.serialno") or serial,
        "adb_serial": serial,
        "battery_level": battery.get("level"),
        "battery_status": battery.get("status"),
        "battery_plugged": battery.get("plugged"),
        "ram_total_kb": mem.get("total_kb"),
        "ram_available_kb": mem.get("available_kb"),
        "storage_total_bytes": storage_total,
        "storage_used_bytes": storage_used,
        "storage_available_bytes": mount.get("available_bytes") if mount else None,
        "uptime_seconds": _uptime_seconds(parsed),
        "ip_addresses": ip_addresses(parsed.get("ip_addr")),
        "screen_size": size.get("override") or size.get("physical"),
        "screen_density": density.get("override") or density.get("physical"),
        "foreground_package": package,
        "foreground_activity": activity,
    }
    return _section("overview", SECTIONS["overview"], failed, data)


_PROP_GROUPS = (
    ("product", ("ro.product.",)),
    ("build", ("ro.build.",)),
    ("hardware", ("ro.hardware", "ro.board.", "ro.soc.", "ro.boot.hardware")),
    ("system", ("ro.system.", "ro.vendor.", "ro.", "sys.", "init.")),
    ("persist", ("persist.",)),
    ("network", ("net.", "gsm.", "wifi.", "dhcp.")),
)


def _device(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    props = _props(parsed)
    groups: dict[str, dict[str, str]] = {name: {} for name, _ in _PROP_GROUPS}
    groups["other"] = {}
    for key in sorted(props):
        group = next((name for name, prefixes in _PROP_GROUPS if key.startswith(prefixes)), "other")
        groups[group][key] = props[key]
    data = {"serial": serial, "device_name": _device_name(parsed, props), "properties": groups}
    return _section("device", SECTIONS["device"], failed, data)


def _battery(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    return _section("battery", SECTIONS["battery"], failed, dict(parsed.get("battery") or {}))


def _memory(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    meminfo = dict(parsed.get("meminfo") or {})
    processes = meminfo.pop("processes", [])
    top = sorted(processes, key=lambda p: p.get("pss_kb") or p.get("rss_kb") or 0, reverse=True)[:10]
    data = {"summary": meminfo or None, "top_processes": top, "proc_meminfo": parsed.get("proc_meminfo")}
    return _section("memory", SECTIONS["memory"], failed, data)


def _cpu(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    cpu = dict(parsed.get("cpuinfo") or {})
    processes = cpu.pop("processes", [])
    load = parsed.get("loadavg")
    loads = [float(x) for x in load.split()[:3]] if isinstance(load, str) and load else None
    if loads is None and cpu.get("load_1") is not None:  # dumpsys cpuinfo's Load: line says the same
        loads = [float(cpu[k] or 0) for k in ("load_1", "load_5", "load_15")]
    data = {
        "load": loads,
        "usage": cpu or None,
        "busiest": sorted(processes, key=lambda p: p.get("cpu_percent") or 0, reverse=True)[:10],
        "hardware": parsed.get("proc_cpuinfo"),
    }
    return _section("cpu", SECTIONS["cpu"], failed, data)


def _storage(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    data = {"filesystems": parsed.get("df") or [], "diskstats": parsed.get("diskstats")}
    return _section("storage", SECTIONS["storage"], failed, data)


def _network(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    wifi = parsed.get("wifi")
    airplane = parsed.get("airplane_mode")
    data = {
        "ip_addresses": ip_addresses(parsed.get("ip_addr")),
        "interfaces": parsed.get("ip_addr") or [],
        "wifi": wifi,
        "airplane_mode": {"1": True, "0": False}.get(airplane) if isinstance(airplane, str) else None,
        "connected": bool(ip_addresses(parsed.get("ip_addr"))) if "ip_addr" in parsed else None,
    }
    return _section("network", SECTIONS["network"], failed, data)


def _display(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    size = parsed.get("wm_size") or {}
    density = parsed.get("wm_density") or {}
    display = parsed.get("display")
    data = {
        "physical_size": size.get("physical"),
        "override_size": size.get("override"),
        "physical_density": density.get("physical"),
        "override_density": density.get("override"),
        "refresh_rate_hz": display.get("refresh_rate_hz") if isinstance(display, dict) else None,
        "details": display if isinstance(display, dict) else None,
    }
    return _section("display", SECTIONS["display"], failed, data)


def _processes(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    rows = parsed.get("ps") or []
    keep = ("user", "pid", "ppid", "rss_kb", "cpu_percent", "state", "name")
    data = {"count": len(rows), "processes": [{k: r.get(k) for k in keep} for r in rows]}
    return _section("processes", SECTIONS["processes"], failed, data)


def _apps(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    third = {r.get("package") for r in parsed.get("third_party") or []}
    known_third = "third_party" in parsed
    apps = []
    for row in parsed.get("packages") or []:
        is_third = row.get("package") in third
        apps.append(
            {
                "package": row.get("package"),
                "apk_path": row.get("apk_path"),
                "uid": row.get("uid"),
                "system": (not is_third) if known_third else row.get("system"),
                "version_code": row.get("version_code"),
            }
        )
    data = {"count": len(apps), "third_party_count": len(third) if known_third else None, "apps": apps}
    return _section("apps", SECTIONS["apps"], failed, data)


def _foreground_section(parsed: Parsed, failed: Failed, serial: str) -> SectionData:
    package, activity = _foreground(parsed)
    data = {
        "package": package,
        "activity": activity,
        "window": parsed.get("window"),
        "activities": parsed.get("activities"),
    }
    return _section("foreground", SECTIONS["foreground"], failed, data)


_BUILDERS: dict[str, Callable[[Parsed, Failed, str], SectionData]] = {
    "overview": _overview,
    "device": _device,
    "battery": _battery,
    "memory": _memory,
    "cpu": _cpu,
    "storage": _storage,
    "network": _network,
    "display": _display,
    "processes": _processes,
    "apps": _apps,
    "foreground": _foreground_section,
}


# -- the naive way, for the benchmark ----------------------------------------------------------------
NAIVE_OVERVIEW = (
    "getprop ro.product.model",
    "getprop ro.product.manufacturer",
    "settings get global device_name",
    "getprop ro.build.version.release",
    "getprop ro.build.version.sdk",
    "getprop ro.build.display.id",
    "getprop ro.serialno",
    "dumpsys battery",
    "cat /proc/meminfo",
    "df /data",
    "cat /proc/uptime",
    "ip addr",
    "wm size",
    "wm density",
    _FOCUS,
)


def collect_naively(device: Device, commands: Iterable[str] = NAIVE_OVERVIEW) -> int:
    """One shell per field, as a first attempt would do it; returns the number of round trips."""
    count = 0
    for command in commands:
        device.shell(command)
        count += 1
    return count
