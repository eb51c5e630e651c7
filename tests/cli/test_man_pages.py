"""The committed man pages match what the CLI generates now."""

from __future__ import annotations

import filecmp
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_man_pages_are_up_to_date(tmp_path):
    spec = importlib.util.spec_from_file_location("gen_man", ROOT / "scripts" / "gen_man.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(tmp_path)
    fresh = sorted(p.name for p in tmp_path.glob("*.1"))
    committed = sorted(p.name for p in (ROOT / "man").glob("*.1"))
    assert fresh == committed, "man pages are stale: run .venv/bin/python scripts/gen_man.py"
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, ROOT / "man", fresh, shallow=False)
    assert not mismatch and not errors, f"stale man pages {mismatch}: run .venv/bin/python scripts/gen_man.py"
    page = (ROOT / "man" / "bt.1").read_text()
    assert ".SH EXIT STATUS" in page and "UNAUTHORIZED" in page and "BT_DATABASE_URL" in page
