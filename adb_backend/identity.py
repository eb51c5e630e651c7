"""Who a device is, in one round trip: the facts the session info panel needs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from adb_backend.device import Device

_PROP = re.compile(r"^\[([^\]]+)\]: \[(.*)\]$")
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
    )
