"""No parser raises on truncated captures, garbage lines, CRLF, or another command's output."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adb_backend.parsers import PARSERS, to_jsonable
from tests.captures import needs_captures

from ._fixtures import all_fixture_paths

TEXTS = {f"{p.parent.name}/{p.name}": p.read_bytes().decode("utf-8") for p in all_fixture_paths()}
GARBAGE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "", "]", "[", "[x]: [", "package:", "package:=", "Total RAM:", " Free RAM: (", "Load: /",
            "processor\t:", "PID", "USER PID", "Filesystem Size", "Filesystem 1K-blocks Used Available Use% Mounted on",
            "mWifiInfo", "mWifiInfo SSID: \"", "1: lo: <>", "    inet", "Latency: ms", "App Sizes: [1,",
            "Package Names: [\"a\"", "-1.-2% TOTAL: -.-% user", "99% 1/: 1% user + 1% kernel", "\x00\r\r\n",
            "mFocusedApp=", "mCurrentFocus=Window{", "mOverrideDisplayInfo=DisplayInfo{ real 1 x",
            "  Package [x] (y):", "Physical size: 10x", "MemTotal: kB", "status: charging",
        ]
    ),
)  # fmt: skip


def _check_all(text: str) -> None:
    for kind, parser in PARSERS.items():
        try:
            to_jsonable(parser(text))
        except Exception as error:  # pragma: no cover - the message is the point
            raise AssertionError(f"{kind} raised {error!r}") from error


@needs_captures
def test_every_parser_on_every_whole_capture() -> None:
    for name, text in TEXTS.items():
        try:
            _check_all(text)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None


@needs_captures
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(sorted(TEXTS) or [""]),
    start=st.integers(min_value=0, max_value=200_000),
    length=st.integers(min_value=0, max_value=6_000),
    garbage=st.lists(st.tuples(st.integers(min_value=0, max_value=400), GARBAGE), max_size=6),
    crlf=st.booleans(),
)
def test_truncated_and_polluted_captures(name: str, start: int, length: int, garbage: list, crlf: bool) -> None:
    text = TEXTS[name]
    start = start % (len(text) + 1)
    window = text[start : start + length]
    lines = window.split("\n")
    for position, junk in garbage:
        lines.insert(position % (len(lines) + 1), junk)
    polluted = ("\r\n" if crlf else "\n").join(lines)
    _check_all(polluted)
