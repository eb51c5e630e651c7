"""`dumpsys wifi`: on/off, and the current connection from the `mWifiInfo` line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._common import JsonMixin, lines

_ENABLED = re.compile(r"^Wi-Fi is (enabled|disabled)")
_SSID = re.compile(r"(?:^|[\s,])SSID: (\"(?:[^\"\\]|\\.)*\"|<unknown ssid>|[^,]*)")
_FIELDS = {
    "bssid": re.compile(r"\bBSSID: ([^,\s]+)"),
    "mac": re.compile(r"\bMAC: ([^,\s]+)"),
    "ip": re.compile(r"\bIP: ([^,\s]+)"),
    "supplicant_state": re.compile(r"\bSupplicant state: (\w+)"),
    "rssi": re.compile(r"\bRSSI: (-?\d+)"),
    "link": re.compile(r"(?:^|, )Link speed: (-?\d+)\s*Mbps"),
    "tx": re.compile(r"\bTx Link speed: (-?\d+)\s*Mbps"),
    "rx": re.compile(r"\bRx Link speed: (-?\d+)\s*Mbps"),
    "frequency": re.compile(r"\bFrequency: (-?\d+)\s*MHz"),
    "standard": re.compile(r"\bWi-Fi standard: ([^,]+)"),
    "net_id": re.compile(r"\bNet ID: (-?\d+)"),
}
_INVALID_RSSI = -127


@dataclass(frozen=True)
class WifiState(JsonMixin):
    enabled: bool | None = None
    connected: bool | None = None
    ssid: str | None = None
    bssid: str | None = None
    mac: str | None = None
    ip_address: str | None = None
    rssi_dbm: int | None = None
    link_speed_mbps: int | None = None
    tx_link_speed_mbps: int | None = None
    rx_link_speed_mbps: int | None = None
    frequency_mhz: int | None = None
    supplicant_state: str | None = None
    wifi_standard: str | None = None
    network_id: int | None = None


def _positive(value: str | None) -> int | None:
    number = int(value) if value is not None else None
    return number if number is not None and number >= 0 else None


def _none_word(value: str | None) -> str | None:
    if value is None or value.strip() in ("", "<none>", "null", "none", "<unknown>"):
        return None
    return value.strip()


def parse_dumpsys_wifi(text: str) -> WifiState:
    """Parse `dumpsys wifi`; the first `mWifiInfo` (the primary station) is the connection."""
    enabled: bool | None = None
    info_line: str | None = None
    for line in lines(text):
        if enabled is None and (match := _ENABLED.match(line.strip())):
            enabled = match.group(1) == "enabled"
        elif info_line is None and line.lstrip().startswith("mWifiInfo"):
            info_line = line.strip()[len("mWifiInfo") :]
    if info_line is None:
        return WifiState(enabled=enabled, connected=False if enabled is False else None)
    found = {key: (m.group(1) if (m := rx.search(info_line)) else None) for key, rx in _FIELDS.items()}
    ssid_match = _SSID.search(info_line)
    ssid = ssid_match.group(1).strip() if ssid_match else None
    if ssid in ("<unknown ssid>", "", "<none>"):
        ssid = None
    elif ssid and len(ssid) >= 2 and ssid[0] == ssid[-1] == '"':
        ssid = ssid[1:-1]
    state = found["supplicant_state"]
    rssi = int(found["rssi"]) if found["rssi"] is not None else None
    ip = _none_word(found["ip"])
    return WifiState(
        enabled=enabled,
        connected=(state == "COMPLETED") if state else None,
        ssid=ssid,
        bssid=_none_word(found["bssid"]),
        mac=_none_word(found["mac"]),
        ip_address=ip.lstrip("/") if ip else None,
        rssi_dbm=rssi if rssi is not None and rssi != _INVALID_RSSI else None,
        link_speed_mbps=_positive(found["link"]),
        tx_link_speed_mbps=_positive(found["tx"]),
        rx_link_speed_mbps=_positive(found["rx"]),
        frequency_mhz=_positive(found["frequency"]),
        supplicant_state=state,
        wifi_standard=_none_word(found["standard"]),
        network_id=_positive(found["net_id"]),
    )
