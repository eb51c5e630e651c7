"""Parsers are total: every real capture, mutated the way hostile or broken devices would, parses,
converts to strict JSON and renders as `bt sysinfo parse` shows it, with no exception.

Mutations replace numbers with overflowing, non-finite, malformed or non-ASCII ones, cut or repeat
lines, and splice bytes; each example runs every parser, since `bt sysinfo parse KIND` accepts any text.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adb_backend.parsers import PARSERS, to_jsonable
from tests.captures import capture_paths

PATHS = capture_paths()
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
WEIRD_NUMBERS = [
    "1e309", "-1e309", "nan", "inf", "-inf", "1.2.3", "99999999999999999999999999999", "٣", "１２", "-0",
    "0x1F", "1_000", "", "-", ".", "1e", "²", "1,2,3", "4294967296", "-9223372036854775809", "\x00",
]  # fmt: skip


def _render(kind: str, data: object) -> str:
    from rich.console import Console, Group

    from bt_cli.sysinfo import _data_renderables

    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(Group(*_data_renderables(kind, data)))
    return out.getvalue()


def check_total(text: str) -> None:
    for kind, parser in PARSERS.items():
        try:
            data = to_jsonable(parser(text))
            json.dumps(data, allow_nan=False)
            _render(kind, data)
        except Exception as error:  # pragma: no cover - the message is the point
            raise AssertionError(f"{kind} raised {error!r} on {text[:300]!r}") from error


@st.composite
def mutated(draw: st.DrawFn) -> str:
    path = draw(st.sampled_from(PATHS))
    text = path.read_bytes().decode("utf-8", "replace")
    numbers = list(NUMBER.finditer(text))
    if numbers:
        for _ in range(draw(st.integers(1, 8))):
            match = numbers[draw(st.integers(0, len(numbers) - 1))]
            weird = draw(st.sampled_from(WEIRD_NUMBERS))
            text = text[: match.start()] + weird + text[match.end() :]
            numbers = list(NUMBER.finditer(text))
            if not numbers:
                break
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 3))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "cut", "splice"]))
        if action == "drop":
            del lines[at]
        elif action == "repeat":
            lines.insert(at, lines[at])
        elif action == "cut":
            lines[at] = lines[at][: draw(st.integers(0, max(0, len(lines[at]))))]
        else:
            junk = draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=12))
            spot = draw(st.integers(0, len(lines[at])))
            lines[at] = lines[at][:spot] + junk + lines[at][spot:]
    return "\n".join(lines)


@pytest.mark.skipif(not PATHS, reason="real phone captures not found (set BT_CAPTURES)")
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=mutated())
def test_every_parser_is_total_over_mutated_captures(text: str) -> None:
    check_total(text)


@pytest.mark.parametrize(
    "kind, text",
    [
        ("battery", "Current Battery Service state:\n  level: 1e309\n  temperature: nan\n  voltage: ٣\n"),
        ("cpuinfo", "Load: 1.2.3 / 1 / 1\n"),
        ("meminfo", "Total RAM: 1e309K (status normal)\n"),
        ("df", "Filesystem 1K-blocks Used Available Use% Mounted on\n/dev/x 1e309 nan 1.2.3 1e309% /data\n"),
        ("proc-meminfo", "MemTotal: 1e309 kB\n"),
        ("uptime", "1e309 nan\n"),
    ],
)
def test_bt_sysinfo_parse_answers_hostile_numbers_without_an_internal_error(bt_env, kind, text):
    for json_flag in ([], ["--json"]):
        result = bt_env.run("sysinfo", "parse", kind, "-", *json_flag, input=text)
        assert result.returncode == 0, result.stderr
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr
        if json_flag:
            json.loads(result.stdout, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))


def test_bt_sysinfo_parse_reads_non_utf8_stdin(bt_env):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "bt_cli", "sysinfo", "parse", "getprop", "-", "--json"],
        input=b"[ro.product.model]: [Pixel \xff\xfe]\n",
        capture_output=True,
        env=bt_env.env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)
