"""Android's user and group ids and the names bionic prints for them (`ls -l`, `ps`, `stat`, `id`)."""

from __future__ import annotations

SHELL_UID = 2000
ROOT_UID = 0
SYSTEM_UID = 1000
SDCARD_RW_GID = 1015
MEDIA_RW_GID = 1023
#: MediaProvider's uid (u0_a197): owner of everything seen through the /storage/emulated FUSE mount.
MEDIA_PROVIDER_UID = 10197

#: Android's fixed ids (`android_filesystem_config.h`, Android 14) for `ps`, `ls -l`, `stat`, `id`.
ANDROID_IDS: dict[int, str] = {
    0: "root",
    **dict(
        enumerate(
            [
                "system",
                "radio",
                "bluetooth",
                "graphics",
                "input",
                "audio",
                "camera",
                "log",
                "compass",
                "mount",
                "wifi",
                "adb",
                "install",
                "media",
                "dhcp",
                "sdcard_rw",
                "vpn",
                "keystore",
                "usb",
                "drm",
                "mdnsr",
                "gps",
                "unused1",
                "media_rw",
                "mtp",
                "unused2",
                "drmrpc",
                "nfc",
                "sdcard_r",
                "clat",
                "loop_radio",
                "mediadrm",
                "package_info",
                "sdcard_pics",
                "sdcard_av",
                "sdcard_all",
                "logd",
                "shared_relro",
                "dbus",
                "tlsdate",
                "mediaex",
                "audioserver",
                "metrics_coll",
                "metricsd",
                "webserv",
                "debuggerd",
                "mediacodec",
                "cameraserver",
                "firewall",
                "trunks",
                "nvram",
                "dns",
                "dns_tether",
                "webview_zygote",
                "vehicle_network",
                "media_audio",
                "media_video",
                "media_image",
                "tombstoned",
                "media_obb",
                "ese",
                "ota_update",
                "automotive_evs",
                "lowpan",
                "hsm",
                "reserved_disk",
                "statsd",
                "incidentd",
                "secure_element",
                "lmkd",
                "llkd",
                "iorapd",
                "gpu_service",
                "network_stack",
                "gsid",
                "fsverity_cert",
                "credstore",
                "external_storage",
                "ext_data_rw",
                "ext_obb_rw",
                "context_hub",
                "virtualizationservice",
                "artd",
                "uwb",
                "thread_network",
                "diced",
                "dmesgd",
                "jc_weaver",
                "jc_strongbox",
                "jc_identitycred",
                "sdk_sandbox",
                "security_log_writer",
                "prng_seeder",
            ],
            start=1000,
        )
    ),
    2000: "shell",
    2001: "cache",
    2002: "diag",
    3001: "net_bt_admin",
    3002: "net_bt",
    3003: "inet",
    3004: "net_raw",
    3005: "net_admin",
    3006: "net_bw_stats",
    3007: "net_bw_acct",
    3009: "readproc",
    3010: "wakelock",
    3011: "uhid",
    3012: "readtracefs",
    9997: "everybody",
    9998: "misc",
    9999: "nobody",
}
AID_USER_OFFSET = 100_000
AID_APP_START = 10_000
AID_SDK_SANDBOX_START = 20_000
AID_ISOLATED_START = 90_000


def uid_name(uid: int) -> str:
    """Android's name for a uid as bionic (and so toybox `ps`/`ls`) prints it: `logd`, `u0_a197`, `u0_i3`."""
    user, app = divmod(uid, AID_USER_OFFSET)
    if uid < AID_USER_OFFSET and uid in ANDROID_IDS:
        return ANDROID_IDS[uid]
    if AID_ISOLATED_START <= app:
        return f"u{user}_i{app - AID_ISOLATED_START}"
    if AID_SDK_SANDBOX_START <= app < AID_SDK_SANDBOX_START + 10_000:
        return f"u{user}_s{app - AID_SDK_SANDBOX_START}"
    if AID_APP_START <= app < AID_SDK_SANDBOX_START:
        return f"u{user}_a{app - AID_APP_START}"
    if 2900 <= app < 3000 or 5000 <= app < 6000:
        return f"u{user}_oem_{app}" if user else f"oem_{app}"
    if app in ANDROID_IDS:
        return f"u{user}_{ANDROID_IDS[app]}"
    return str(uid)
