"""Spell checking of chat messages: what gets flagged, what is skipped, and the technician's ignore list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bt_core.spelling import IgnoreList, check


def test_flags_misspellings_with_positions_and_suggestions() -> None:
    text = "Plese restart the phone and [b]recieve[/b] the file."
    found = check(text)
    assert [m.word for m in found] == ["Plese", "recieve"]
    assert [text[m.start : m.end] for m in found] == ["Plese", "recieve"]
    assert found[0].suggestions[0] == "Please"  # capitalisation kept
    assert "receive" in found[1].suggestions


def test_skips_what_is_not_prose() -> None:
    text = (
        "See https://exampel.com/teh?q=wrnog or www.exmaple.org, mail bob@exmaple.org, "
        "[url=https://teh.example]the guide[/url] [color=#abc]ok[/color] "
        "[code]sudo lsof -teh[/code] ADB USB SM-G991B 3rd 42 wifi app screenshot "
        "support.exmaple.com don't John's"
    )
    assert check(text) == []


def test_ignore_collection_is_case_insensitive() -> None:
    assert [m.word for m in check("Talk to Zorblax today")] == ["Zorblax"]
    assert check("Talk to Zorblax today", ignore={"zorblax"}) == []


def test_ignore_list_persists_per_technician(tmp_path: Path) -> None:
    path = tmp_path / "alice" / "spelling-ignore.txt"
    ignore = IgnoreList(path)
    assert not ignore.contains("Zorblax")
    ignore.add("Zorblax")
    ignore.add("zorblax")  # already there: not written twice
    assert ignore.contains("ZORBLAX")
    assert path.read_text(encoding="utf-8") == "Zorblax\n"
    reloaded = IgnoreList(path)
    assert "zorblax" in reloaded
    assert check("Zorblax says hi", ignore=reloaded) == []
    assert not IgnoreList(tmp_path / "bob" / "spelling-ignore.txt").contains("Zorblax")


def test_ignore_list_appends_after_a_hand_edited_last_line(tmp_path: Path) -> None:
    path = tmp_path / "ignore.txt"
    path.write_text("# my words\nKotlin", encoding="utf-8")
    ignore = IgnoreList(path)
    ignore.add("Gradle")
    assert path.read_text(encoding="utf-8") == "# my words\nKotlin\nGradle\n"
    assert len(IgnoreList(path)) == 2


def test_dictionary_is_loaded_lazily() -> None:
    code = "import sys, bt_core.spelling; print('spellchecker' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert out.stdout.strip() == "False"
