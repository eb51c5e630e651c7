"""The technician's side of the Files tab and the rules both sides share: names, clashes, sizes."""

from __future__ import annotations

from pathlib import Path

import pytest

from bt_core import local_files
from bt_core.browse import FileEntry, check_name, clashing_names, folders_first
from bt_core.errors import NotFound, UsageError
from bt_core.units import human_size


def test_listing_puts_folders_first_and_hides_dot_files(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("12345")
    (tmp_path / "A folder").mkdir()
    (tmp_path / ".secret").write_text("x")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    names = [e.name for e in local_files.list_folder(tmp_path)]
    assert names == ["A folder", "b.txt"]
    assert ".secret" in [e.name for e in local_files.list_folder(tmp_path, hidden=True)]
    entry = local_files.stat(tmp_path / "b.txt")
    assert entry is not None and entry.size == 5 and not entry.is_dir


def test_rename_never_replaces_and_names_are_checked(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("keep")
    (tmp_path / "cases [2026]").mkdir()
    with pytest.raises(UsageError, match="keep.txt already exists") as taken:
        local_files.rename(tmp_path, "cases [2026]", "keep.txt")
    assert taken.value.title == "Name taken"
    assert (tmp_path / "keep.txt").read_text() == "keep"
    for bad in ("a/b", "..", "."):
        with pytest.raises(UsageError, match="is not a name"):
            local_files.make_folder(tmp_path, bad)
    assert local_files.rename(tmp_path, "cases [2026]", "closed").is_dir()
    with pytest.raises(UsageError, match="already exists"):
        local_files.make_folder(tmp_path, "closed")
    with pytest.raises(NotFound):
        local_files.rename(tmp_path, "missing", "other")


def test_delete_takes_a_folder_with_its_contents_but_not_a_links_target(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "inside.log").write_text("x")
    (tmp_path / "link").symlink_to(target)
    local_files.delete(tmp_path / "link")
    assert (target / "inside.log").exists()
    local_files.delete(target)
    assert not target.exists()


def test_pasted_paths_understand_quotes_and_file_urls(tmp_path: Path) -> None:
    (tmp_path / "a b.txt").write_text("x")
    found, missing = local_files.pasted_paths(f"'{tmp_path / 'a b.txt'}'\nfile://{tmp_path / 'gone.txt'}\nhello")
    assert found == [tmp_path / "a b.txt"] and missing == [str(tmp_path / "gone.txt")]


def test_shared_rules() -> None:
    assert check_name("report [1].txt") == "report [1].txt"
    assert clashing_names(["/home/a/log.txt", "/home/a/new.txt"], "push", {"log.txt"}) == ["log.txt"]
    assert clashing_names(["/sdcard/Download/"], "pull", {"Download"}) == ["Download"]
    rows = folders_first([FileEntry("b", False, 1, 0), FileEntry("Z", True, 0, 0), FileEntry("a", False, 1, 0)])
    assert [e.name for e in rows] == ["Z", "a", "b"]
    assert [human_size(n) for n in (0, 1023, 5000, 3 * 1024**3, 5 * 1024**4)] == [
        "0 B",
        "1023 B",
        "4.9 KB",
        "3.0 GB",
        "5.0 TB",
    ]
