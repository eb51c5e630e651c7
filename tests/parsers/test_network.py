"""dumpsys wifi (state, SSID, RSSI...) and ip addr (interfaces and addresses)."""

from __future__ import annotations

import pytest

from adb_backend.parsers import parse_dumpsys_wifi, parse_ip_addr

from ._fixtures import fixture

# file -> (enabled, mac, supplicant state, wifi standard)
WIFI = {
    "dumpsys_wifi/emulator-x86_64-disconnected.txt": (True, "02:15:b2:00:00:00", "DISCONNECTED", "unknown"),
    "dumpsys_wifi/mtk-mt8168-tablet-a13.txt": (True, "02:00:00:00:00:00", "DISCONNECTED", "0"),
    "dumpsys_wifi/redmi-9-power-lime-miui14-a12-excerpt.txt": (False, "02:00:00:00:00:00", "DISCONNECTED", "4"),
}


@pytest.mark.parametrize("path", sorted(WIFI))
def test_disconnected_wifi_captures(path: str) -> None:
    enabled, mac, state, standard = WIFI[path]
    wifi = parse_dumpsys_wifi(fixture(path)).to_json()
    assert wifi["enabled"] is enabled
    assert wifi["connected"] is False
    # '<unknown ssid>', '<none>', RSSI -127, -1Mbps, -1MHz and 'IP: null' all mean "not known"
    assert (wifi["ssid"], wifi["bssid"], wifi["ip_address"]) == (None, None, None)
    assert (wifi["rssi_dbm"], wifi["link_speed_mbps"], wifi["frequency_mhz"]) == (None, None, None)
    assert (wifi["mac"], wifi["supplicant_state"], wifi["wifi_standard"]) == (mac, state, standard)


def test_connected_wifi_info_line() -> None:
    text = (
        "Wi-Fi is enabled\n"
        'mWifiInfo SSID: "Cafe, 2nd floor", BSSID: 02:00:00:aa:bb:01, MAC: 02:15:b2:00:00:00, IP: /192.168.1.23, '
        "Security type: 2, Supplicant state: COMPLETED, Wi-Fi standard: 11ax, RSSI: -58, Link speed: 433Mbps, "
        "Tx Link speed: 433Mbps, Max Supported Tx Link speed: 1201Mbps, Rx Link speed: 390Mbps, "
        "Frequency: 5180MHz, Net ID: 3, Metered hint: false, score: 60\n"
    )
    wifi = parse_dumpsys_wifi(text)
    assert (wifi.enabled, wifi.connected, wifi.ssid, wifi.bssid) == (True, True, "Cafe, 2nd floor", "02:00:00:aa:bb:01")
    assert (wifi.ip_address, wifi.rssi_dbm, wifi.link_speed_mbps) == ("192.168.1.23", -58, 433)
    assert (wifi.tx_link_speed_mbps, wifi.rx_link_speed_mbps, wifi.frequency_mhz) == (433, 390, 5180)
    assert wifi.network_id == 3


# file -> {interface: (state, ipv4)}
IP = {
    "ip_addr/emulator-x86-a7.1.1-ip-4-addr-show.txt": {
        "lo": ("UNKNOWN", ["127.0.0.1/8"]),
        "wlan0": ("UP", ["192.168.232.2/21"]),
        "radio0": ("DOWN", ["192.168.200.2/24"]),
    },
    "ip_addr/pixel-sailfish-a8.1-ip-4-addr-show.txt": {
        "lo": ("UNKNOWN", ["127.0.0.1/8"]),
        "wlan0": ("UP", ["192.168.0.100/24"]),
    },
    "ip_addr/smartron-tphone-a8.1-ip-4-addr-show.txt": {
        "lo": ("UNKNOWN", ["127.0.0.1/8"]),
        "rmnet_data1": ("UNKNOWN", ["10.249.204.211/29"]),
        "rmnet_data2": ("UNKNOWN", ["10.147.145.190/30"]),
    },
}


@pytest.mark.parametrize("path", sorted(IP))
def test_ip_4_addr_show(path: str) -> None:
    interfaces = parse_ip_addr(fixture(path))
    got = {i.name: (i.state, i.to_json()["ipv4"]) for i in interfaces}
    assert got == IP[path]


def test_full_ip_addr_with_mac_ipv6_and_peer_names() -> None:
    text = (
        "27: wlan0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP group default qlen 3000\n"
        "    link/ether 02:00:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"
        "    inet 192.168.1.23/24 brd 192.168.1.255 scope global wlan0\n"
        "       valid_lft forever preferred_lft forever\n"
        "    inet6 fe80::ff:fe12:3456/64 scope link\n"
        "12: rmnet_data0@rmnet_ipa0: <UP,LOWER_UP> mtu 1500 qdisc mq state UNKNOWN group default\n"
        "    link/[530] \n"
    )
    wlan, rmnet = parse_ip_addr(text)
    assert (wlan.mac, wlan.ipv4, wlan.ipv6, wlan.mtu, wlan.index) == (
        "02:00:00:12:34:56", ("192.168.1.23/24",), ("fe80::ff:fe12:3456/64",), 1500, 27)  # fmt: skip
    assert (rmnet.name, rmnet.mac, rmnet.state) == ("rmnet_data0", None, "UNKNOWN")
