"""URL push detection and scheme refusal: what a technician's message turns into on the device."""

from __future__ import annotations

import pytest

from bt_core.urls import is_http_url, is_refused_scheme, push_target, refusal_message


@pytest.mark.parametrize(
    "message",
    [
        "https://example.com",
        "  http://example.com/path?q=1#frag \n",
        "HTTPS://Example.COM/",
        "https://bücher.de/katalog",
        "http://192.168.1.20:8080/status",
        "http://[::1]:8000/",
        "https://user@support.example.org/ticket/42",
    ],
)
def test_single_http_url_is_a_push(message: str) -> None:
    assert push_target(message) == message.strip()
    assert not is_refused_scheme(message)


@pytest.mark.parametrize(
    "message",
    [
        "please open https://example.com",
        "https://example.com and then reboot",
        "https:///nohost",
        "http://",
        "https://exa mple.com",
        "http://example.com:99999/",
        "http://example.com:port/",
        "example.com",
        "www.example.com",
        "ftp://example.com/file",
        "",
        "   ",
        "http://bad<host>.com/",
    ],
)
def test_not_a_push(message: str) -> None:
    assert push_target(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(document.cookie); void 0",
        "java\tscript:alert(1)",
        "\x01javascript:alert(1)",
        "vbscript:msgbox(1)",
        "intent://scan/#Intent;scheme=zxing;package=com.google.zxing.client.android;end",
        "file:///sdcard/Download/secret.pdf",
        "content://com.android.contacts/contacts",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "ftp://example.com/file",
        "market://details?id=com.evil",
    ],
)
def test_refused_schemes(message: str) -> None:
    assert is_refused_scheme(message)
    assert push_target(message) is None


@pytest.mark.parametrize(
    "message",
    ["Note: reboot the phone", "hello", "Step 1: open Settings", "https://example.com", "12:30 works for me"],
)
def test_ordinary_chat_is_not_refused(message: str) -> None:
    assert not is_refused_scheme(message)


def test_refusal_message_names_the_scheme_and_the_alternative() -> None:
    text = refusal_message(" JaVaScRiPt:alert(1)")
    assert "javascript:" in text
    assert "http://" in text and "https://" in text
    assert "\n" not in text


def test_is_http_url_rejects_controls() -> None:
    assert not is_http_url("https://example.com/\x00")
    assert not is_http_url("https://example.com/a b")
