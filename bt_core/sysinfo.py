"""System information for a session: the overview by default, other sections on demand.

Each pull is checked against the policy (`system.info`), collected in few round trips by
`adb_backend.sysinfo`, and written to the transcript (`sysinfo.pulled`: which sections, when).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bt_core.errors import UsageError
from bt_core.events import EventKind
from bt_core.models import Event, utcnow
from bt_core.units import human_size

if TYPE_CHECKING:
    from adb_backend.sysinfo import SectionData
    from bt_core.services import Services


@dataclass(frozen=True)
class SysinfoSnapshot:
    session_id: str
    serial: str
    taken_at: datetime
    elapsed_ms: float
    round_trips: int
    sections: dict[str, SectionData] = field(default_factory=dict)

    @property
    def errors(self) -> dict[str, dict[str, str]]:
        """Failed commands by section; an empty dict when everything arrived."""
        return {name: s.errors for name, s in self.sections.items() if s.errors}

    def to_json(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "serial": self.serial,
            "taken_at": self.taken_at.isoformat(),
            "elapsed_ms": self.elapsed_ms,
            "round_trips": self.round_trips,
            "sections": {name: s.to_json() for name, s in self.sections.items()},
            "errors": self.errors,
        }

    def to_text(self) -> str:
        """Readable text for --save and --copy: one block per section."""
        lines = [
            f"System information for {self.serial} (session {self.session_id})",
            f"Taken {self.taken_at.isoformat(timespec='seconds')} in {self.elapsed_ms:.0f} ms, "
            f"{self.round_trips} round trip(s)",
            "",
        ]
        for name, section in self.sections.items():
            lines.append(f"== {SECTION_TITLES.get(name, name.title())} ==")
            for slot, reason in section.errors.items():
                lines.append(f"  ! {slot}: {reason}")
            if name == "overview":
                for label, value in overview_rows(section.data):
                    lines.append(f"  {label}: {value}")
            else:
                lines.extend(_text_lines(section.data, 1))
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


SECTION_TITLES = {
    "overview": "Overview",
    "device": "Device",
    "battery": "Battery",
    "memory": "Memory",
    "cpu": "CPU",
    "storage": "Storage",
    "network": "Network",
    "display": "Display",
    "processes": "Processes",
    "apps": "Apps",
    "foreground": "Foreground app",
}


def human_bytes(value: Any) -> str:
    """A byte count from a device's answer, or "-" when the device gave none."""
    return human_size(value) if isinstance(value, int | float) else "-"


def human_seconds(value: Any) -> str:
    if not isinstance(value, int | float):
        return "-"
    seconds = int(value)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    return f"{days}d {hours}h {minutes}m" if days else f"{hours}h {minutes}m"


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def overview_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) rows of the overview, with units a person reads."""
    size = data.get("screen_size")
    kb = 1024
    ram_total = data.get("ram_total_kb")
    ram_avail = data.get("ram_available_kb")
    battery = data.get("battery_level")
    plugged = data.get("battery_plugged")
    state = ", ".join(
        v for v in (data.get("battery_status"), f"on {plugged}" if plugged not in (None, "none") else None) if v
    )
    fg = data.get("foreground_package")
    activity = data.get("foreground_activity")
    if fg and activity:
        fg = activity if "/" in activity else f"{fg}/{activity}"
    return [
        ("Device name", _show(data.get("device_name"))),
        ("Model", _show(data.get("model"))),
        ("Manufacturer", _show(data.get("manufacturer"))),
        ("Android", f"{_show(data.get('android_version'))} (SDK {_show(data.get('sdk'))})"),
        ("Build", _show(data.get("build"))),
        ("Serial", _show(data.get("serial"))),
        ("Battery", f"{battery}%" + (f" ({state})" if state else "") if battery is not None else "-"),
        (
            "RAM",
            f"{human_bytes(ram_avail * kb if ram_avail else None)} available of "
            f"{human_bytes(ram_total * kb if ram_total else None)}",
        ),
        (
            "Storage",
            f"{human_bytes(data.get('storage_used_bytes'))} used of {human_bytes(data.get('storage_total_bytes'))}",
        ),
        ("Uptime", human_seconds(data.get("uptime_seconds"))),
        ("IP addresses", _show(data.get("ip_addresses"))),
        ("Screen", f"{size[0]}x{size[1]}" if size else "-"),
        ("Density", f"{data['screen_density']} dpi" if data.get("screen_density") else "-"),
        ("Foreground app", _show(fg)),
    ]


def _text_lines(value: Any, depth: int) -> list[str]:
    pad = "  " * depth
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if (
                isinstance(item, dict | list)
                and item
                and any(isinstance(v, dict | list) for v in (item.values() if isinstance(item, dict) else item))
            ):
                out.append(f"{pad}{key}:")
                out.extend(_text_lines(item, depth + 1))
            elif isinstance(item, dict):
                out.append(f"{pad}{key}:")
                out.extend(f"{pad}  {k}: {_show(v)}" for k, v in item.items())
            else:
                out.append(f"{pad}{key}: {_show(item)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                out.append(pad + "  ".join(f"{k}={_show(v)}" for k, v in item.items() if v not in (None, "", [])))
            else:
                out.append(f"{pad}{_show(item)}")
    else:
        out.append(f"{pad}{_show(value)}")
    return out


class SysinfoService:
    def __init__(self, services: Services) -> None:
        self.services = services

    @staticmethod
    def section_names() -> tuple[str, ...]:
        from adb_backend.sysinfo import SECTION_NAMES

        return SECTION_NAMES

    def resolve_sections(self, sections: Iterable[str] | None, all_sections: bool = False) -> list[str]:
        """The sections to pull: all, the named ones, or the overview; unknown names are a UsageError."""
        from adb_backend.sysinfo import SECTION_NAMES, validate_sections

        if all_sections:
            return list(SECTION_NAMES)
        chosen = [s.strip().lower() for s in sections or [] if s.strip()]
        try:
            return validate_sections(chosen) or ["overview"]
        except ValueError as error:
            raise UsageError(str(error)) from None

    def pull(
        self,
        session_id: str | None,
        sections: Iterable[str] | None = None,
        all_sections: bool = False,
        *,
        log: bool = True,
    ) -> SysinfoSnapshot:
        """Pull sections from the device; `log=False` for an auto-refresh, whose start and stop are logged
        instead (`auto_started`, `auto_stopped`), so the transcript does not fill with identical pulls."""
        from adb_backend.sysinfo import collect

        chosen = self.resolve_sections(sections, all_sections)
        sessions = self.services.sessions
        record = sessions.guard(session_id, "system.info", detail=", ".join(chosen))
        taken = utcnow()
        collection = sessions.on_device(record, lambda device: collect(device, chosen))
        snapshot = SysinfoSnapshot(
            record.id, collection.serial, taken, collection.elapsed_ms, collection.round_trips, collection.sections
        )
        failed = sorted(snapshot.errors)
        text = f"System information pulled: {', '.join(chosen)}"
        if failed:
            text += f" (incomplete: {', '.join(failed)})"
        if not log:
            return snapshot
        sessions.log(
            record,
            EventKind.SYSINFO_PULLED,
            text,
            {
                "sections": chosen,
                "round_trips": collection.round_trips,
                "elapsed_ms": collection.elapsed_ms,
                "errors": snapshot.errors,
            },
        )
        return snapshot

    def auto_started(self, session_id: str | None, section: str, every_s: float) -> Event:
        """Log that `section` is now pulled every `every_s` seconds (each pull then with `log=False`)."""
        chosen = self.resolve_sections([section])
        sessions = self.services.sessions
        record = sessions.guard(session_id, "system.info", detail=", ".join(chosen))
        return sessions.log(
            record,
            EventKind.SYSINFO_AUTO_STARTED,
            f"System information auto-refresh on: {', '.join(chosen)} every {every_s:g} s",
            {"sections": chosen, "every_s": every_s},
        )

    def auto_stopped(self, session_id: str | None, pulls: int, reason: str | None = None) -> Event | None:
        """Log the end of an auto-refresh and how many pulls it made; nothing once the session has ended."""
        sessions = self.services.sessions
        record = sessions.resolve(session_id)
        if record.ended:
            return None
        text = f"System information auto-refresh off after {pulls} pull{'s' if pulls != 1 else ''}"
        return sessions.log(
            record,
            EventKind.SYSINFO_AUTO_STOPPED,
            text + (f": {reason}" if reason else ""),
            {"pulls": pulls, "reason": reason},
        )

    @staticmethod
    def parser_kinds() -> list[str]:
        """What `parse` accepts: getprop, battery, meminfo, ps, df, ..."""
        from adb_backend.sysinfo import parser_kinds

        return list(parser_kinds())

    @staticmethod
    def parse(kind: str, text: str) -> Any:
        """A capture (pasted, or from a bugreport) parsed as `kind`; no device or session needed."""
        from adb_backend.sysinfo import parse, parser_kinds

        kinds = parser_kinds()
        if kind not in kinds:
            raise UsageError(f"unknown kind {kind!r}: choose from {', '.join(kinds)}")
        return parse(kind, text)
