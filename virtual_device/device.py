"""DeviceState: everything the userland knows about the phone (props, settings, packages, processes, screen).

Loaded from a profile directory (`props.txt` in getprop format, `profile.toml`, a `files/` tree). The
mutable parts (props set with setprop, settings, uninstalled packages, wm overrides) are saved as
JSON in the data dir so `keep_state` survives a restart.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from virtual_device.fs import VirtualFS, uid_name
from virtual_device.procfs import ProcFiles

DEFAULT_PROFILE = Path(__file__).parent / "profiles" / "default"
SHELL_UID = 2000
_PROP_LINE = re.compile(r"^\[([^\]]*)\]: \[(.*)\]$")


def parse_props(text: str) -> dict[str, str]:
    """Read a getprop listing (values may span lines, as real ones do)."""
    props: dict[str, str] = {}
    key: str | None = None
    for line in text.splitlines():
        m = _PROP_LINE.match(line)
        if m:
            props[m.group(1)] = m.group(2)
            key = None
        elif line.startswith("[") and "]: [" in line:
            key, _, value = line[1:].partition("]: [")
            props[key] = value
        elif key is not None:
            tail = line[:-1] if line.endswith("]") else line
            props[key] += "\n" + tail
            if line.endswith("]"):
                key = None
    return props


@dataclass
class Package:
    name: str
    path: str
    uid: int
    version_name: str
    version_code: int
    system: bool
    activity: str = ""
    installer: str = ""
    enabled: bool = True
    first_install: float = 1704835076.0
    last_update: float = 1704835076.0

    @property
    def code_path(self) -> str:
        """The directory dumpsys prints as codePath= (the apk's folder)."""
        return self.path.rsplit("/", 1)[0]


@dataclass
class Process:
    pid: int
    ppid: int
    uid: int
    name: str
    args: str = ""
    vsz: int = 10_900_000
    rss: int = 3_000
    wchan: str = "0"
    state: str = "S"
    package: str = ""
    started: float = field(default_factory=time.time)
    task: Any = None  # the asyncio task of a running shell command, cancelled by kill

    @property
    def user(self) -> str:
        return uid_name(self.uid)


class ProcessTable:
    """The running processes; shell commands spawn entries while they run."""

    def __init__(self) -> None:
        self._procs: dict[int, Process] = {}
        self._next_pid = 20000

    def add(self, proc: Process) -> None:
        self._procs[proc.pid] = proc

    def spawn(self, name: str, args: list[str], ppid: int | None = None, uid: int = SHELL_UID) -> Process:
        self._next_pid += 1 + (self._next_pid % 7 == 0)
        proc = Process(
            self._next_pid,
            ppid if ppid is not None else 1342,
            uid,
            name,
            " ".join(args),
            vsz=10_920_000 + len(name) * 4096,
            rss=2_900 + len(name) * 12,
            wchan="0",
            state="R" if name != "sh" else "S",
        )
        if name == "sh":
            proc.wchan = "do_wait"
        self._procs[proc.pid] = proc
        return proc

    def reap(self, pid: int) -> None:
        self._procs.pop(pid, None)

    def get(self, pid: int) -> Process | None:
        return self._procs.get(pid)

    def all(self) -> list[Process]:
        return sorted(self._procs.values(), key=lambda p: p.pid)

    def of_package(self, package: str) -> list[Process]:
        return [p for p in self.all() if p.package == package]

    def kill(self, pid: int) -> None:
        proc = self._procs.pop(pid, None)
        if proc is not None and proc.task is not None:
            proc.task.cancel()

    def kill_package(self, package: str) -> int:
        victims = self.of_package(package)
        for proc in victims:
            self.kill(proc.pid)
        return len(victims)


class DeviceState:
    """The phone behind the ADB transport."""

    def __init__(self, data_dir: Path, profile: Path) -> None:
        self.data_dir = Path(data_dir)
        self.profile_dir = Path(profile)
        self.fs = VirtualFS(self.data_dir / "fs")
        self.fs.proc = ProcFiles(self)
        self.props: dict[str, str] = {}
        self.settings: dict[str, dict[str, str]] = {"system": {}, "secure": {}, "global": {}}
        self.packages: dict[str, Package] = {}
        self.hidden: dict[str, list[int]] = {}  # system packages uninstalled for a user
        self.processes = ProcessTable()
        self.physical_size = (1080, 2400)
        self.physical_density = 420
        self.override_size: tuple[int, int] | None = None
        self.override_density: int | None = None
        self.boot_time = time.time()
        self.clock_offset = 0.0
        self.config: dict[str, Any] = {}
        self.reboot_hook: Any = None  # set by the transport: called by `reboot`
        self.screen: Any = None
        self._profile_toml: dict[str, Any] = {}
        self.version: Any = None  # the VersionProfile (virtual_device.profiles) this phone answers as

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def create(cls, data_dir: Path, profile: Path | str | None = None, keep_state: bool = False) -> DeviceState:
        from virtual_device import profiles

        data_dir = Path(data_dir)
        version = profiles.lookup(str(profile)) if isinstance(profile, str) else None
        profile = Path(profile) if profile is not None and version is None else DEFAULT_PROFILE
        if not keep_state:
            for name in ("fs", "fs.meta.json", "fs.meta.log", "fs.staging", "state.json"):
                target = data_dir / name
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
        data_dir.mkdir(parents=True, exist_ok=True)
        state = cls(data_dir, profile)
        state.version = version or profiles.default()
        state._load_profile()
        state._seed_files(overwrite=not keep_state)
        if keep_state:
            state._load_saved()
        state._boot()
        return state

    def _load_profile(self) -> None:
        props_file = self.profile_dir / "props.txt"
        if props_file.exists():
            self.props = parse_props(props_file.read_text())
        toml_file = self.profile_dir / "profile.toml"
        cfg: dict[str, Any] = tomllib.loads(toml_file.read_text()) if toml_file.exists() else {}
        self._profile_toml = cfg
        self.config = dict(cfg.get("device", {}))
        screen = cfg.get("screen", {})
        self.physical_size = (int(screen.get("width", 1080)), int(screen.get("height", 2400)))
        self.physical_density = int(screen.get("density", self.props.get("ro.sf.lcd_density", 420)))
        for ns, values in cfg.get("settings", {}).items():
            self.settings.setdefault(ns, {}).update({k: str(v) for k, v in values.items()})
        for entry in cfg.get("packages", []):
            version = entry.get("version", ["1.0", 1])
            path = entry["path"]
            self.packages[entry["name"]] = Package(
                name=entry["name"],
                path=path,
                uid=int(entry.get("uid", 10000)),
                version_name=str(version[0]),
                version_code=int(version[1]),
                system=not path.startswith("/data/"),
                activity=entry.get("activity", ""),
                installer=entry.get("installer", ""),
            )
        self.boot_time = time.time() - float(self.config.get("boot_seconds_ago", 3600))
        if self.version is not None and self.version.name != "android-14":
            self.props.update(self.version.build_props())
            # the phone's own name (Settings > About) is its model's, not the default profile's Pixel 8
            self.settings.setdefault("global", {})["device_name"] = self.version.model
            self.settings.setdefault("secure", {})["bluetooth_name"] = self.version.model
            width, height, density = self.version.screen
            self.physical_size, self.physical_density = (width, height), density

    def _seed_files(self, overwrite: bool) -> None:
        from virtual_device.commands.tools import populate_system_bin

        self.fs.init_layout()
        populate_system_bin(self.fs)
        files = self.profile_dir / "files"
        if not files.is_dir():
            return
        root = self.fs.as_root()
        for host_dir, dirs, names in os.walk(files):
            rel = "/" + os.path.relpath(host_dir, files).replace(os.sep, "/")
            rel = "/" if rel == "/." else rel
            for d in dirs:
                path = f"{rel.rstrip('/')}/{d}"
                if not root.isdir(path):
                    root.mkdir(path, parents=True)
            for name in names:
                path = f"{rel.rstrip('/')}/{name}"
                if overwrite or not root.exists(path):
                    src = Path(host_dir) / name
                    root.write_bytes(path, src.read_bytes(), mode=0o660)
                    with contextlib.suppress(OSError):
                        mtime = 1706900000 + zlib.crc32(path.encode()) % 500000
                        root.set_times(path, mtime)

    def _boot(self) -> None:
        """Start the processes and screen as a boot would."""
        self.processes = ProcessTable()
        for entry in self._profile_toml.get("processes", []):
            pkg = entry.get("package", "")
            if pkg and not self.installed_for_user(pkg):
                continue
            self.processes.add(
                Process(
                    pid=int(entry["pid"]),
                    ppid=int(entry.get("ppid", 1)),
                    uid=int(entry.get("uid", 0)),
                    name=entry["name"],
                    args=entry.get("args", entry["name"]),
                    vsz=int(entry.get("vsz", 0)),
                    rss=int(entry.get("rss", 0)),
                    wchan=entry.get("wchan", "0"),
                    state=entry.get("state", "S"),
                    package=pkg,
                    started=self.boot_time + (int(entry["pid"]) / 10.0),
                )
            )
        self.screen = self._make_screen()

    def _make_screen(self) -> Any:
        try:
            from virtual_device.screen.model import ScreenModel
        except ImportError:  # the screen package is optional for userland tests
            return None
        width, height = self.override_size or self.physical_size
        density = self.override_density or self.physical_density

        def read_file(path: str) -> bytes:
            return self.fs.as_root().read_bytes(path)

        return ScreenModel(width, height, density, read_file=read_file, clock=self.now)

    # -- persistence ---------------------------------------------------------------------------
    @property
    def _state_file(self) -> Path:
        return self.data_dir / "state.json"

    def save(self) -> None:
        """Persist what commands changed (setprop, settings put, pm uninstall, wm size)."""
        base = (
            parse_props((self.profile_dir / "props.txt").read_text())
            if (self.profile_dir / "props.txt").exists()
            else {}
        )
        data = {
            "props": {k: v for k, v in self.props.items() if base.get(k) != v},
            "settings": self.settings,
            "removed": sorted(p for p in self._profile_package_names() if p not in self.packages),
            "hidden": self.hidden,
            "override_size": self.override_size,
            "override_density": self.override_density,
        }
        tmp = self._state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
        os.replace(tmp, self._state_file)

    def _profile_package_names(self) -> list[str]:
        return [p["name"] for p in self._profile_toml.get("packages", [])]

    def _load_saved(self) -> None:
        try:
            data = json.loads(self._state_file.read_text())
        except (OSError, ValueError):
            return
        self.props.update(data.get("props", {}))
        for ns, values in data.get("settings", {}).items():
            self.settings.setdefault(ns, {}).update(values)
        for name in data.get("removed", []):
            self.packages.pop(name, None)
        self.hidden = {k: list(v) for k, v in data.get("hidden", {}).items()}
        size = data.get("override_size")
        self.override_size = tuple(size) if size else None  # type: ignore[assignment]
        self.override_density = data.get("override_density")

    # -- queries used by commands and the transport ---------------------------------------------
    @property
    def api_level(self) -> int:
        sdk = self.props.get("ro.build.version.sdk", "")
        return int(sdk) if sdk.isdigit() else self.version.sdk if self.version is not None else 34

    def banner_props(self) -> dict[str, str]:
        return {k: self.props.get(k, "") for k in ("ro.product.name", "ro.product.model", "ro.product.device")}

    def now(self) -> float:
        return time.time() + self.clock_offset

    def uptime(self) -> float:
        return max(1.0, time.time() - self.boot_time)

    def installed_for_user(self, name: str, user: int = 0) -> bool:
        return name in self.packages and user not in self.hidden.get(name, [])

    def visible_packages(self, user: int = 0) -> list[Package]:
        return [p for n, p in sorted(self.packages.items()) if self.installed_for_user(n, user)]

    def package_by_uid(self, uid: int) -> list[Package]:
        return [p for p in self.packages.values() if p.uid == uid]

    # -- changes -------------------------------------------------------------------------------
    def uninstall(self, name: str, user: int | None, keep_data: bool = False) -> None:
        """Remove a third-party app everywhere, or hide any app for one user."""
        self.processes.kill_package(name)
        if user is None:
            self.packages.pop(name, None)
            self.hidden.pop(name, None)
        else:
            self.hidden.setdefault(name, [])
            if user not in self.hidden[name]:
                self.hidden[name].append(user)
        if self.screen is not None and getattr(self.screen, "foreground", ("",))[0] == name:
            with contextlib.suppress(Exception):
                self.screen.go_home()
        self.save()

    def force_stop(self, name: str) -> None:
        self.processes.kill_package(name)
        if self.screen is not None and getattr(self.screen, "foreground", ("",))[0] == name:
            with contextlib.suppress(Exception):
                self.screen.go_home()

    def start_app(self, name: str) -> Process | None:
        """Launch an app's process if it is not running (am start, monkey)."""
        pkg = self.packages.get(name)
        if pkg is None:
            return None
        running = self.processes.of_package(name)
        if running:
            return running[0]
        proc = self.processes.spawn(name, [name], ppid=1104, uid=pkg.uid)
        proc.package = name
        proc.args = name
        proc.vsz, proc.rss, proc.wchan, proc.state = 16_400_000, 120_000, "do_epoll_wait", "S"
        return proc

    def reboot(self) -> None:
        """What a reboot resets: processes, the screen, the clock of boot."""
        self.boot_time = time.time()
        self._boot()
