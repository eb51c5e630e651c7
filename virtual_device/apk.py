"""What the package manager reads from an APK: its manifest's package name and version.

An APK is a zip whose AndroidManifest.xml is Android's binary XML (AXML): a chunk stream of a
string pool, an optional resource-id map, then namespace and element chunks whose attributes are
typed values. Only the `<manifest>` element's attributes are needed to install.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

RES_STRING_POOL_TYPE = 0x0001
RES_XML_TYPE = 0x0003
RES_XML_START_ELEMENT_TYPE = 0x0102
UTF8_FLAG = 0x100
TYPE_STRING = 0x03
TYPE_INT_DEC = 0x10
TYPE_INT_HEX = 0x11
NO_STRING = 0xFFFFFFFF


class ApkError(Exception):
    """Not an APK the package manager could parse (the message goes into INSTALL_PARSE_FAILED_...)."""


@dataclass(frozen=True)
class ApkInfo:
    package: str
    version_code: int
    version_name: str


def read_apk(data: bytes) -> ApkInfo:
    """The manifest facts of an APK given as bytes; ApkError if it is no zip or has no usable manifest."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            manifest = zf.read("AndroidManifest.xml")
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ApkError(f"no AndroidManifest.xml ({exc})") from None
    attrs = manifest_attributes(manifest)
    package = attrs.get("package")
    if not isinstance(package, str) or not package:
        raise ApkError("<manifest> has no package attribute")
    code = attrs.get("versionCode", 0)
    name = attrs.get("versionName", "")
    return ApkInfo(package, code if isinstance(code, int) else int(str(code) or 0), str(name or ""))


def manifest_attributes(axml: bytes) -> dict[str, str | int]:
    """Attributes of the first element (`<manifest>`) of a binary XML document, by local name."""
    if len(axml) < 8:
        raise ApkError("AndroidManifest.xml is too short")
    kind, header, size = struct.unpack_from("<HHI", axml, 0)
    if kind != RES_XML_TYPE or size > len(axml):
        raise ApkError("AndroidManifest.xml is not binary XML")
    strings: list[str] = []
    pos = header
    while pos + 8 <= size:
        kind, header, chunk = struct.unpack_from("<HHI", axml, pos)
        if chunk < 8 or pos + chunk > size:
            raise ApkError("truncated binary XML chunk")
        if kind == RES_STRING_POOL_TYPE:
            strings = _string_pool(axml, pos, header)
        elif kind == RES_XML_START_ELEMENT_TYPE:
            return _attributes(axml, pos, header, strings)
        pos += chunk
    raise ApkError("binary XML has no element")


def _string_pool(data: bytes, start: int, header: int) -> list[str]:
    count, _styles, flags, strings_start, _styles_start = struct.unpack_from("<IIIII", data, start + 8)
    offsets = struct.unpack_from(f"<{count}I", data, start + header)
    base = start + strings_start
    utf8 = bool(flags & UTF8_FLAG)
    return [_pool_string(data, base + off, utf8) for off in offsets]


def _pool_string(data: bytes, pos: int, utf8: bool) -> str:
    if utf8:
        pos += 2 if data[pos] & 0x80 else 1  # length in UTF-16 units (unused)
        length = data[pos]
        if length & 0x80:
            length = ((length & 0x7F) << 8) | data[pos + 1]
            pos += 1
        pos += 1
        return data[pos : pos + length].decode("utf-8", "replace")
    (length,) = struct.unpack_from("<H", data, pos)
    pos += 2
    if length & 0x8000:
        (low,) = struct.unpack_from("<H", data, pos)
        length = ((length & 0x7FFF) << 16) | low
        pos += 2
    return data[pos : pos + 2 * length].decode("utf-16-le", "replace")


def _attributes(data: bytes, start: int, header: int, strings: list[str]) -> dict[str, str | int]:
    ext = start + header
    _ns, _name, attr_start, attr_size, count = struct.unpack_from("<IIHHH", data, ext)
    out: dict[str, str | int] = {}
    for i in range(count):
        at = ext + attr_start + i * attr_size
        _ans, name, raw, _vsize, _res0, dtype, value = struct.unpack_from("<IIIHBBI", data, at)
        key = strings[name] if name < len(strings) else ""
        if dtype == TYPE_STRING or (raw != NO_STRING and dtype not in (TYPE_INT_DEC, TYPE_INT_HEX)):
            index = value if dtype == TYPE_STRING else raw
            out[key] = strings[index] if index < len(strings) else ""
        elif dtype in (TYPE_INT_DEC, TYPE_INT_HEX):
            out[key] = value
    return out
