"""Reading the real captures byte-exact (CRLF kept): see tests.captures for where they live."""

from __future__ import annotations

from pathlib import Path

from tests.captures import capture, capture_paths


def fixture(relative: str) -> str:
    """The capture at `kind/name.txt`, decoded but otherwise untouched (no newline translation)."""
    return capture(relative)


def all_fixture_paths() -> list[Path]:
    return capture_paths()
