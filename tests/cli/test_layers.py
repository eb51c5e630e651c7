"""The architecture is checked by tools: import-linter's layer contracts and ruff (banned adbutils and
textual imports outside their packages, lazy heavy imports, style)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def test_import_contracts_are_kept():
    result = subprocess.run([str(BIN / "lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_is_clean():
    result = subprocess.run([str(BIN / "ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_adbutils_ban_covers_submodules(tmp_path):
    probe = tmp_path / "bt_core_probe.py"
    probe.write_text("from adbutils.errors import AdbError\n\nprint(AdbError)\n")
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "--config", str(ROOT / "pyproject.toml"), "--select", "TID251", str(probe)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and "Only adb_backend talks to adbutils" in result.stdout
