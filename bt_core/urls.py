"""Decide whether a chat message is a URL push, and refuse the schemes that must never reach a device.

A message is pushed (opened on the device with a VIEW intent) only when the whole trimmed message is one
http(s) URL with a host. Anything that looks like a link with another scheme (`javascript:`, `intent:`,
`file:`, ...) is refused rather than sent as chat, so a technician never ships a live exploit by accident.
Callers check `is_refused_scheme` first, then `push_target`, and otherwise send the text as chat.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ALLOWED_SCHEMES = frozenset({"http", "https"})

#: Schemes refused even when the message has spaces after them (`javascript:alert(1); void 0`).
DANGEROUS_SCHEMES = frozenset(
    {
        "javascript",
        "vbscript",
        "livescript",
        "intent",
        "file",
        "content",
        "data",
        "blob",
        "about",
        "filesystem",
        "jar",
        "android-app",
        "chrome",
        "chrome-extension",
        "view-source",
        "ms-its",
        "mhtml",
    }
)

# Browsers drop ASCII tab/newline anywhere in a URL and trim C0 controls and spaces around it, which
# is what makes "java\tscript:" and " JaVaScRiPt:" work as obfuscation; we normalise the same way.
_STRIPPED_INSIDE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21)) + "\u00a0\ufeff\u200b"
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_HOST_CHARS = re.compile(r"^[^\s/\\?#@:<>\"'`{}|^%]+$")


def _normalised(message: str) -> str:
    return _STRIPPED_INSIDE.sub("", message.strip(_C0_AND_SPACE))


def scheme_of(message: str) -> str | None:
    """The lower-cased scheme the message starts with, as a browser would read it, or None."""
    match = _SCHEME.match(_normalised(message))
    return match.group(1).lower() if match else None


def is_refused_scheme(message: str) -> bool:
    """True when the message is a link with a scheme bt refuses to open on a device.

    Dangerous schemes are refused whatever follows them; any other non-http(s) scheme is refused when
    the message is a single `scheme://...` token (so "Note: reboot" stays an ordinary chat message).
    """
    scheme = scheme_of(message)
    if scheme is None or scheme in ALLOWED_SCHEMES:
        return False
    if scheme in DANGEROUS_SCHEMES:
        return True
    token = _normalised(message)
    return not any(ch.isspace() for ch in token) and token[len(scheme) + 1 :].startswith("//")


#: Link schemes that are sent as ordinary chat text (never opened): the sender is told so.
TEXT_SCHEMES = frozenset({"tel", "sms", "smsto", "mms", "mailto", "geo"})


def sent_as_text_note(message: str) -> str | None:
    """What to tell the sender when a tel:/sms:/mailto: link goes out as plain chat text, else None."""
    scheme = scheme_of(message)
    if scheme not in TEXT_SCHEMES:
        return None
    return (
        f"{scheme}: links are not opened on the device; the message was sent as chat text "
        "(only http:// and https:// URLs are opened)"
    )


def refusal_message(message: str) -> str:
    """The one-line error shown when a message is refused, naming the scheme and what is allowed."""
    scheme = scheme_of(message) or "this"
    return f"Refused: {scheme}: links are never opened on the device; only http:// and https:// URLs can be pushed."


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a valid host and port and no whitespace or controls."""
    if not url or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a bad port
    except ValueError:
        return False
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not url[len(parts.scheme) :].startswith("://"):
        return False
    host = parts.hostname
    if not host:
        return False
    if port is not None and not 0 < port < 65536:
        return False
    if host.startswith("[") or ":" in host:  # IPv6 literal: urlsplit already validated the brackets
        return True
    if not _HOST_CHARS.match(host) or host.startswith(".") or ".." in host:
        return False
    try:
        host.encode("idna")  # IDN hosts are fine as long as they have a valid ASCII form
    except UnicodeError:
        return False
    return True


def push_target(message: str) -> str | None:
    """The URL to open on the device when the whole trimmed message is one http(s) URL, else None."""
    candidate = message.strip()
    return candidate if is_http_url(candidate) else None
