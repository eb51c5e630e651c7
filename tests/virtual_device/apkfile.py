"""Build a tiny but real APK for install tests: a zip holding a binary-XML AndroidManifest.xml."""

from __future__ import annotations

import io
import struct
import zipfile

ANDROID_NS = "http://schemas.android.com/apk/res/android"
NO_INDEX = 0xFFFFFFFF


def _string_pool(strings: list[str]) -> bytes:
    body = bytearray()
    offsets = []
    for s in strings:
        offsets.append(len(body))
        raw = s.encode()
        body += bytes([len(s), len(raw)]) + raw + b"\0"
    while len(body) % 4:
        body += b"\0"
    header = 28
    starts = header + 4 * len(strings)
    size = starts + len(body)
    return (
        struct.pack("<HHIIIIII", 0x0001, header, size, len(strings), 0, 0x100, starts, 0)
        + struct.pack(f"<{len(strings)}I", *offsets)
        + bytes(body)
    )


def manifest_axml(package: str, version_code: int, version_name: str) -> bytes:
    strings = ["versionCode", "versionName", "package", "manifest", ANDROID_NS, "android", package, version_name]
    idx = {s: i for i, s in enumerate(strings)}
    chunks = [_string_pool(strings)]
    chunks.append(struct.pack("<HHI2I", 0x0180, 8, 16, 0x0101021B, 0x0101021C))  # resource ids of attrs 0, 1
    chunks.append(struct.pack("<HHIIIII", 0x0100, 16, 24, 1, NO_INDEX, idx["android"], idx[ANDROID_NS]))
    attrs = [
        (idx[ANDROID_NS], idx["versionCode"], NO_INDEX, 0x10, version_code),
        (idx[ANDROID_NS], idx["versionName"], idx[version_name], 0x03, idx[version_name]),
        (NO_INDEX, idx["package"], idx[package], 0x03, idx[package]),
    ]
    body = struct.pack("<IIHHHHHH", NO_INDEX, idx["manifest"], 20, 20, len(attrs), 0, 0, 0)
    body += b"".join(struct.pack("<IIIHBBI", ns, name, raw, 8, 0, kind, data) for ns, name, raw, kind, data in attrs)
    chunks.append(struct.pack("<HHIII", 0x0102, 16, 16 + len(body), 1, NO_INDEX) + body)
    chunks.append(struct.pack("<HHIIIII", 0x0103, 16, 24, 1, NO_INDEX, NO_INDEX, idx["manifest"]))
    chunks.append(struct.pack("<HHIIIII", 0x0101, 16, 24, 1, NO_INDEX, idx["android"], idx[ANDROID_NS]))
    payload = b"".join(chunks)
    return struct.pack("<HHI", 0x0003, 8, 8 + len(payload)) + payload


def build_apk(package: str = "com.example.hello", version_code: int = 7, version_name: str = "1.7") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("AndroidManifest.xml", manifest_axml(package, version_code, version_name))
        zf.writestr("classes.dex", b"dex\n035\0" + bytes(104))
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
    return out.getvalue()
