"""Hardening gaps through the real stack: a link planted after bt's check during `files mkdir`, escape
codes in report/log export and JSON output, Ctrl-C on `bt log --follow`, the configured shell timeout."""

from __future__ import annotations

import json
from pathlib import Path


def _policy(bt_env, tmp_path: Path, **files: object) -> None:
    lines = ["[files]", f"local_paths = [{json.dumps(str(tmp_path))}]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in files.items()]
    bt_env.policy_path.write_text("\n".join(lines) + "\n")


class _PlantOnCommand(list):
    """The virtual device's record of shell commands; the first one containing `word` plants a link
    before it runs: the race between bt's check and the device-side action, made certain."""

    def __init__(self, word: str, plant) -> None:
        super().__init__()
        self.word, self.plant, self.planted = word, plant, False

    def append(self, command: str) -> None:
        if self.word in command and not self.planted:
            self.planted = True
            self.plant()
        super().append(command)


# -- 1. mkdir -p refuses a link planted after bt's check ----------------------------------------------
def test_mkdir_refuses_a_link_planted_between_the_check_and_the_action(bt_env, vdevice, tmp_path):
    _policy(bt_env, tmp_path, remote_paths=["/data/local/tmp"])
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    fs = vdevice.state.fs
    fs.mkdir("/data/local/tmp/work", parents=True)  # a plain folder when bt checks the path

    def swap_for_link() -> None:
        fs.remove("/data/local/tmp/work", recursive=True)
        fs.symlink("/sdcard", "/data/local/tmp/work")

    vdevice.counters.shell_commands = _PlantOnCommand("mkdir", swap_for_link)
    result = bt_env.run("files", "mkdir", "/data/local/tmp/work/new/deeper")
    assert vdevice.counters.shell_commands.planted
    assert result.returncode == 10, result.stderr
    assert "outside the allowed folders" in result.stderr and result.stderr.count("\n") == 1
    assert not fs.exists("/sdcard/new"), "the folders were made through the link"
    denied = json.loads(bt_env.run("log", "--json", "--kind=permission.denied").stdout)
    assert [e["data"].get("detail") for e in denied] == ["/data/local/tmp/work/new/deeper"]
    created = json.loads(bt_env.run("log", "--json", "--kind=folder.created").stdout)
    assert created == []
    # without a link, the same command makes every folder
    fs.remove("/data/local/tmp/work")
    ok = bt_env.run("files", "mkdir", "/data/local/tmp/work/new/deeper")
    assert ok.returncode == 0, ok.stderr
    assert fs.isdir("/data/local/tmp/work/new/deeper")


# -- 5. a literal `\e[2J` never looks like a sanitised ESC ---------------------------------------------
def test_a_name_spelling_an_escape_is_shown_apart_from_a_real_escape(bt_env, vdevice, tmp_path):
    _policy(bt_env, tmp_path)
    assert bt_env.run("session", "start", "--device", vdevice.serial).returncode == 0
    fs = vdevice.state.fs
    fs.write_bytes("/sdcard/Download/real\x1b[2J.txt", b"1")
    fs.write_bytes("/sdcard/Download/fake\\e[2J.txt", b"2")
    fs.write_bytes("/sdcard/Download/C:\\Users.txt", b"3")
    for args in (("files", "ls", "/sdcard/Download"), ("files", "ls", "-l", "/sdcard/Download")):
        result = bt_env.run(*args)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout
        assert "real\\e[2J.txt" in result.stdout and "fake\\\\e[2J.txt" in result.stdout, result.stdout
        assert "C:\\Users.txt" in result.stdout and "C:\\\\Users" not in result.stdout
