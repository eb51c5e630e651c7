"""`ip addr` / `ip -4 addr show` / `ip addr show wlan0`: interfaces with state, MAC and addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ._common import JsonMixin, lines

_LINK = re.compile(r"^(\d+):\s+([^:\s]+?)(?:@(\S+?))?:\s+<([^>]*)>(.*)$")
_MTU = re.compile(r"\bmtu (\d+)")
_STATE = re.compile(r"\bstate (\S+)")
_ETHER = re.compile(r"^\s+link/(\S+)(?:\s+(\S+))?")
_INET = re.compile(r"^\s+(inet6?)\s+(\S+)")


@dataclass(frozen=True)
class Interface(JsonMixin):
    name: str
    index: int | None = None
    state: str | None = None
    flags: tuple[str, ...] = ()
    mtu: int | None = None
    mac: str | None = None
    link_type: str | None = None
    ipv4: tuple[str, ...] = ()
    """Addresses as `address/prefix`, e.g. `192.168.0.100/24`."""
    ipv6: tuple[str, ...] = ()


def parse_ip_addr(text: str) -> list[Interface]:
    """Parse `ip addr`; an address line before any interface line (truncated head) is dropped."""
    interfaces: list[dict[str, Any]] = []
    for line in lines(text):
        if match := _LINK.match(line):
            rest = match.group(5)
            mtu = _MTU.search(rest)
            state = _STATE.search(rest)
            interfaces.append(
                {
                    "name": match.group(2),
                    "index": int(match.group(1)),
                    "state": state.group(1) if state else None,
                    "flags": tuple(f for f in match.group(4).split(",") if f),
                    "mtu": int(mtu.group(1)) if mtu else None,
                    "mac": None,
                    "link_type": None,
                    "ipv4": [],
                    "ipv6": [],
                }
            )
            continue
        if not interfaces:
            continue
        current = interfaces[-1]
        if match := _INET.match(line):
            current["ipv4" if match.group(1) == "inet" else "ipv6"].append(match.group(2))
        elif match := _ETHER.match(line):
            current["link_type"] = match.group(1)
            if match.group(1) in ("ether", "ieee802.11") and match.group(2):
                current["mac"] = match.group(2)
    return [Interface(**{**item, "ipv4": tuple(item["ipv4"]), "ipv6": tuple(item["ipv6"])}) for item in interfaces]
