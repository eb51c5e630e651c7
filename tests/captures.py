"""Real phone captures: read from BT_CAPTURES (default ../shared/fixtures), never copied into the repo.

A fresh clone has no sibling shared/ folder: every test that needs a capture then skips with one reason
instead of failing, so the suite stands alone. `.ci/run` points BT_CAPTURES at the captures.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CAPTURES = Path(os.environ.get("BT_CAPTURES") or ROOT.parent / "shared" / "fixtures")
MISSING = f"real phone captures not found at {CAPTURES} (set BT_CAPTURES to the captures folder)"


def have_captures() -> bool:
    return CAPTURES.is_dir()


needs_captures = pytest.mark.skipif(not have_captures(), reason=MISSING)


def capture_path(relative: str) -> Path:
    """The capture's path, or skip the calling test when the captures are not here."""
    if not have_captures():
        pytest.skip(MISSING)
    return CAPTURES / relative


def capture(relative: str) -> str:
    """The capture at `kind/name.txt`, decoded but otherwise untouched (CRLF kept)."""
    return capture_path(relative).read_bytes().decode("utf-8")


def capture_paths() -> list[Path]:
    """Every .txt capture, for parametrised tests (empty, hence skipped, without the captures)."""
    return sorted(CAPTURES.rglob("*.txt")) if have_captures() else []
