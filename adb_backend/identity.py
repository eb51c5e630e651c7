"""Who a device is, in one round trip: the facts the session info panel needs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from adb_backend.device import Device

_PROP = re.compile(r"^\[([^\]]+)\]: \[(.*)\]$")
_USER = re.compile(r"UserInfo\{(\d+):([^:}]*):[0-9a-fA-F]+\}(.*)")
#: Names Android gives the device's first user when its person never set one: not a person's name.
_GENERIC_USERS = {"", "owner", "null", "user"}
_INET = re.compile(r"^\s*inet6?\s+([0-9a-fA-F.:]+)/\d+.*?(?:scope\s+(\w+))?")


@dataclass(frozen=True)
class DeviceIdentity:
    serial: str
    model: str | None
    manufacturer: str | None
    device_name: str | None
    android_version: str | None
    sdk: int | None
    build_id: str | None
    ip_addresses: tuple[str, ...]
    user_name: str | None = None
    """The device user's own name (`pm list users`), when they set one; None for "Owner"."""

    @property
    def platform(self) -> str:
        parts = []
        if self.android_version:
            parts.append(f"Android {self.android_version}")
        if self.sdk:
            parts.append(f"(API {self.sdk})")
        if self.build_id:
            parts.append(f"build {self.build_id}")
        return " ".join(parts) or "Android"


def read_identity(device: Device) -> DeviceIdentity:
    """getprop, the user-visible device name and IP addresses, batched into one shell."""
    batch = device.batch(
        {
            "props": "getprop",
            "name": "settings get global device_name",
            "ip": "ip addr",
            "users": "pm list users",
        },
        timeout=20,
    )
    props: dict[str, str] = {}
    for line in batch["props"].stdout.splitlines():
        match = _PROP.match(line.strip())
        if match:
            props[match.group(1)] = match.group(2)
    name = batch["name"].stdout.strip()
    if not batch["name"].ok or name in ("", "null"):
        name = props.get("ro.product.model") or ""
    addresses = []
    for line in batch["ip"].stdout.splitlines():
        match = _INET.match(line)
        if not match:
            continue
        address, scope = match.group(1), match.group(2)
        if scope in ("host", "link") or address.startswith(("127.", "::1", "fe80")):
            continue
        addresses.append(address)
    sdk_text = props.get("ro.build.version.sdk", "")
    return DeviceIdentity(
        serial=device.serial,
        model=props.get("ro.product.model"),
        manufacturer=props.get("ro.product.manufacturer"),
        device_name=name or None,
        android_version=props.get("ro.build.version.release"),
        sdk=int(sdk_text) if sdk_text.isdigit() else None,
        build_id=props.get("ro.build.id") or props.get("ro.build.display.id"),
        ip_addresses=tuple(dict.fromkeys(addresses)),
        user_name=parse_user_name(batch["users"].stdout) if batch["users"].ok else None,
    )


def parse_user_name(text: str) -> str | None:
    """The name of the running (else the first) user in `pm list users`, unless it is a generic one."""
    users = [(m.group(2).strip(), "running" in m.group(3)) for m in map(_USER.search, text.splitlines()) if m]
    chosen = next((name for name, running in users if running), users[0][0] if users else "")
    return None if chosen.lower() in _GENERIC_USERS else chosen
