"""Reading the real captures byte-exact (CRLF kept), wherever tests.conftest says they live."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES


def fixture(relative: str) -> str:
    """The capture at `kind/name.txt`, decoded but otherwise untouched (no newline translation)."""
    return (FIXTURES / relative).read_bytes().decode("utf-8")


def all_fixture_paths() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*.txt"))
