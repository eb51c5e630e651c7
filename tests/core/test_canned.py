"""Canned messages: the administrator's TOML file, its errors, the tree, search and lookup by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from bt_core import canned
from bt_core.bbcode import to_plain
from bt_core.canned import CannedFileError, CannedNotFound
from bt_core.errors import BtError

ADMIN_FILE = """\
[[category]]
name = "Réseau"

  [[category.message]]
  name = "wifi"
  title = "Réinitialiser le Wi-Fi"
  body = "Désactivez puis réactivez le [b]Wi-Fi[/b]."

  [[category.message]]
  title = "Network check"
  body = "I will run a quick check of your wifi connection."

  [[category.subcategory]]
  name = "Routeur"

    [[category.subcategory.message]]
    name = "router"
    title = "Restart the router"
    body = "Unplug the router for 30 seconds."

[[category]]
name = "Closing"

  [[category.message]]
  name = "bye"
  title = "Goodbye"
  body = "Thanks, bye!"
"""


@pytest.fixture
def library(tmp_path: Path) -> canned.CannedLibrary:
    path = tmp_path / "canned.toml"
    path.write_text(ADMIN_FILE, encoding="utf-8")
    return canned.load(path)


def test_tree_keeps_categories_subcategories_and_order(library: canned.CannedLibrary) -> None:
    tree = library.tree()
    assert [c.name for c in tree] == ["Réseau", "Closing"]
    assert [m.title for m in tree[0].messages] == ["Réinitialiser le Wi-Fi", "Network check"]
    assert tree[0].subcategories[0].name == "Routeur"
    assert tree[0].subcategories[0].messages[0].path == ("Réseau", "Routeur")
    assert library.tree_text().splitlines() == [
        "Réseau/",
        "  Réinitialiser le Wi-Fi  [wifi]",
        "  Network check",
        "  Routeur/",
        "    Restart the router  [router]",
        "Closing/",
        "  Goodbye  [bye]",
    ]
    assert tree[0].to_json()["subcategories"][0]["messages"][0]["name"] == "router"


def test_search_all_words_case_and_accent_insensitive(library: canned.CannedLibrary) -> None:
    assert [m.name for m in library.search("REINITIALISER wifi")] == ["wifi"]
    assert [m.name for m in library.search("desactivez")] == ["wifi"]  # body, accents folded
    assert library.search("router banana") == []
    assert [m.name for m in library.search("router seconds")] == ["router"]


def test_search_ranks_title_hits_first(library: canned.CannedLibrary) -> None:
    # "wifi" is in the body of "Network check" but in the title of "Réinitialiser le Wi-Fi".
    assert [m.title for m in library.search("wifi")] == ["Réinitialiser le Wi-Fi", "Network check"]


def test_get_by_name_then_title_with_close_matches(library: canned.CannedLibrary) -> None:
    assert library.get("router").title == "Restart the router"
    assert library.get("network CHECK").title == "Network check"  # unique title, no name
    with pytest.raises(CannedNotFound) as caught:
        library.get("ruoter")
    assert "Did you mean router ('Restart the router')" in str(caught.value)
    assert isinstance(caught.value, BtError)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "canned.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[category]]\nname = "A"\n  [[category.message]]\n  title = "x"\n  body = ', "line 5: invalid TOML"),
        (
            '[[category]]\nname = "A"\n\n  [[category.message]]\n  title = "Hi"\n',
            "line 4: message 'Hi' in 'A' has no 'body'",
        ),
        ('[[category]]\nname = "A"\n[[category]]\ntitle = "B"\n', "line 3: a category has no 'name'"),
        (
            '[[category]]\nname = "A"\n[[category.subcategory]]\nname = "S"\n[[category.subcategory.message]]\n'
            'body = "b"\n',
            "line 5: a message in 'A / S' has no 'title'",
        ),
        (
            '[[category]]\nname = "A"\n[[category.message]]\ntitle = "T"\nbody = "b"\ncolour = 1\n',
            "unknown key 'colour'",
        ),
        ('[[category]]\nname = "A"\n[[category.message]]\nname = "has space"\ntitle = "T"\nbody = "b"\n', "short id"),
        (
            '[[category]]\nname = "A"\n[[category.message]]\nname="x"\ntitle="T"\nbody="b"\n'
            '[[category.message]]\nname="x"\ntitle="U"\nbody="c"\n',
            "name 'x' is used twice",
        ),
        ('greeting = "hi"\n', "unknown top-level key 'greeting'"),
    ],
)
def test_bad_files_give_one_line_errors_with_file_and_line(tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CannedFileError) as caught:
        canned.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


def test_missing_file_is_a_clear_error_and_configured_falls_back_to_default(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(CannedFileError, match="cannot read canned messages"):
        canned.load(missing)
    assert canned.load_configured(missing).get("hello").title == "Hello"


def test_default_set_covers_the_usual_topics() -> None:
    library = canned.load()
    names = {c.name for c in library.tree()}
    assert {"Greetings", "Screen sharing", "Files", "Troubleshooting", "Closing"} <= names
    troubleshooting = next(c for c in library.tree() if c.name == "Troubleshooting")
    assert {"Wi-Fi", "Battery", "Storage"} <= {s.name for s in troubleshooting.subcategories}
    assert [m.name for m in library.search("wifi")][0] == "wifi-toggle"
    assert library.search("battery saver")[0].name == "battery-saver"
    for message in library.messages():
        assert message.name, f"default message {message.title!r} has no name"
        assert "[" not in to_plain(message.body), f"BBCode left in {message.name}"
