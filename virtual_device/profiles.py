"""Android version profiles: the same userland, answering as Android 6, 9, 12, 14 or 15 would.

A profile layers a version's real differences over the default profile directory (a Pixel 8 on
Android 14): the build props, the adbd feature list (no shell_v2 before Android 7, so `shell:` runs in a
PTY), toolbox `ps` before Android 8, `cmd` and `cmd notification post` availability, the screenrecord
time-limit rule (0 = no limit from Android 14), the AVC encoder's size limits, and the physical displays
(a foldable has two, so screencap warns). Pick one with `VirtualDevice(profile="android-9")` or
`python -m virtual_device --profile android-9`; a directory path still works as before.

Facts come from AOSP (packages/modules/adb, frameworks/av cmds/screenrecord, frameworks/base
cmds/screencap and NotificationShellCmd, system/core toolbox) as summarised in the project's research
notes; when a real phone disagrees, the profile is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The Android release (API level) whose adbd first advertised each feature (packages/modules/adb
# `supported_features()` history). The transport offers what it implements, filtered by this table.
FEATURE_SINCE = {
    "shell_v2": 24,
    "cmd": 24,
    "stat_v2": 26,
    "ls_v2": 26,
    "fixed_push_mkdir": 26,
    "fixed_push_symlink_timestamp": 28,
    "apex": 29,
    "abb": 29,
    "abb_exec": 29,
    "remount_shell": 29,
    "sendrecv_v2": 30,
    "sendrecv_v2_brotli": 30,
    "sendrecv_v2_lz4": 30,
    "sendrecv_v2_zstd": 30,
    "sendrecv_v2_dry_run_send": 30,
    "track_app": 31,
    "openscreen_mdns": 31,
    "delayed_ack": 33,
    "push_sync": 33,
}
UNKNOWN_FEATURE_SINCE = 29

#: Packages whose processes `am force-stop` leaves running (persistent apps; evenPersistent=false).
PERSISTENT_PACKAGES = frozenset({"android", "com.android.systemui", "com.android.phone", "com.android.nfc"})


@dataclass(frozen=True)
class Encoder:
    """The AVC encoder's limits as MediaCodec's VideoCapabilities states them (no swapped sizes)."""

    max_width: int
    max_height: int
    max_macroblocks: int  # 16x16 blocks per frame

    def supports(self, width: int, height: int) -> bool:
        blocks = ((width + 15) // 16) * ((height + 15) // 16)
        return 2 <= width <= self.max_width and 2 <= height <= self.max_height and blocks <= self.max_macroblocks


@dataclass(frozen=True)
class VersionProfile:
    """One Android release on one phone model."""

    name: str
    release: str
    sdk: int
    build_id: str
    incremental: str
    model: str
    manufacturer: str
    brand: str
    device: str
    product: str
    screen: tuple[int, int, int]  # width, height, density
    encoder: Encoder
    display_ids: tuple[int, ...] = (4619827259835644672,)
    props: dict[str, str] = field(default_factory=dict)

    def features(self, offered: str | list[str] | tuple[str, ...]) -> list[str]:
        """The transport's features (comma list or sequence) that this release's adbd has."""
        names = offered.split(",") if isinstance(offered, str) else list(offered)
        return [f for f in names if f and self.sdk >= FEATURE_SINCE.get(f, UNKNOWN_FEATURE_SINCE)]

    @property
    def shell_v2(self) -> bool:
        """Shell protocol v2 arrived with Android 7.0: before it `shell:` always runs in a PTY."""
        return self.sdk >= FEATURE_SINCE["shell_v2"]

    @property
    def toybox_ps(self) -> bool:
        """toybox `ps` replaced toolbox's in Android 8.0 (API 26)."""
        return self.sdk >= 26

    @property
    def has_cmd(self) -> bool:
        """/system/bin/cmd arrived with Android 7.0 (API 24)."""
        return self.sdk >= 24

    @property
    def has_bugreportz(self) -> bool:
        """bugreportz (zipped bugreports, what `adb bugreport` uses) arrived with Android 7.0 (API 24)."""
        return self.sdk >= 24

    @property
    def notification_post(self) -> bool:
        """`cmd notification post` arrived with Android 10 (API 29)."""
        return self.sdk >= 29

    @property
    def unlimited_screenrecord(self) -> bool:
        """`screenrecord --time-limit 0` (no limit) from Android 14 (API 34); 1..180 s before."""
        return self.sdk >= 34

    @property
    def input_via_cmd(self) -> bool:
        """`input` became a `cmd input` shell command in Android 11 (API 30); an app_process tool before."""
        return self.sdk >= 30

    def build_props(self) -> dict[str, str]:
        """The getprop values this version changes on top of the default profile."""
        build = f"{self.release}/{self.build_id}/{self.incremental}"
        fingerprint = f"{self.brand}/{self.product}/{self.device}:{build}:user/release-keys"
        description = f"{self.product}-user {self.release} {self.build_id} {self.incremental} release-keys"
        values = {
            "ro.build.version.release": self.release,
            "ro.build.version.release_or_codename": self.release,
            "ro.build.version.sdk": str(self.sdk),
            "ro.build.id": self.build_id,
            "ro.build.display.id": self.build_id,
            "ro.build.version.incremental": self.incremental,
            "ro.build.fingerprint": fingerprint,
            "ro.build.description": description,
            "ro.build.flavor": f"{self.product}-user",
            "ro.build.product": self.device,
            "ro.product.model": self.model,
            "ro.product.manufacturer": self.manufacturer,
            "ro.product.brand": self.brand,
            "ro.product.device": self.device,
            "ro.product.name": self.product,
            "ro.product.board": self.device,
            "ro.sf.lcd_density": str(self.screen[2]),
        }
        for partition in ("system", "vendor", "product", "odm", "system_ext", "bootimage"):
            values[f"ro.{partition}.build.fingerprint"] = fingerprint
            values[f"ro.product.{partition}.model"] = self.model
            values[f"ro.product.{partition}.device"] = self.device
            values[f"ro.product.{partition}.name"] = self.product
        values.update(self.props)
        return values


_ENCODER_OLD = Encoder(1920, 1920, 8160)  # 1080p-class encoders: 1080x1920 fits, taller screens do not
_ENCODER_MODERN = Encoder(4096, 4096, 36864)

PROFILES: dict[str, VersionProfile] = {
    p.name: p
    for p in (
        VersionProfile(
            name="android-6",
            release="6.0.1",
            sdk=23,
            build_id="MOB31E",
            incremental="2671667",
            model="Nexus 5",
            manufacturer="LGE",
            brand="google",
            device="hammerhead",
            product="hammerhead",
            screen=(1080, 1920, 480),
            encoder=_ENCODER_OLD,
        ),
        VersionProfile(
            name="android-9",
            release="9",
            sdk=28,
            build_id="PPR1.180610.011",
            incremental="G960USQU3CRIJ",
            model="SM-G960U",
            manufacturer="samsung",
            brand="samsung",
            device="starqltesq",
            product="starqltesq",
            screen=(1080, 2220, 420),
            encoder=_ENCODER_OLD,
        ),
        VersionProfile(
            name="android-12",
            release="12",
            sdk=31,
            build_id="SQ1D.220205.004",
            incremental="8151327",
            model="Pixel 6",
            manufacturer="Google",
            brand="google",
            device="oriole",
            product="oriole",
            screen=(1080, 2400, 420),
            encoder=_ENCODER_MODERN,
        ),
        VersionProfile(
            name="android-14",
            release="14",
            sdk=34,
            build_id="UQ1A.240205.004",
            incremental="11269751",
            model="Pixel 8",
            manufacturer="Google",
            brand="google",
            device="shiba",
            product="shiba",
            screen=(1080, 2400, 420),
            encoder=_ENCODER_MODERN,
        ),
        VersionProfile(
            name="android-15",
            release="15",
            sdk=35,
            build_id="AP4A.250105.002",
            incremental="12701944",
            model="Pixel 9 Pro Fold",
            manufacturer="Google",
            brand="google",
            device="comet",
            product="comet",
            screen=(1080, 2424, 420),
            encoder=_ENCODER_MODERN,
            # the inner (main) display and the cover display: screencap must be told which one
            display_ids=(4619827259835644672, 4619827551948147201),
        ),
    )
}
DEFAULT = "android-14"
ALIASES = {"6": "android-6", "9": "android-9", "12": "android-12", "14": "android-14", "15": "android-15"}


def lookup(name: str) -> VersionProfile | None:
    """The profile called `name` (`android-9`, or just `9`), or None."""
    key = name.strip().lower()
    return PROFILES.get(ALIASES.get(key, key))


def default() -> VersionProfile:
    return PROFILES[DEFAULT]
