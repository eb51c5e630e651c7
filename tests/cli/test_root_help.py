"""`bt --help` is answered from bt_cli/root_help.txt without importing Click: the file must be exactly
what Click draws, and the fast answer must be the slow one, wherever the fast one is given."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HELP_FILE = Path(__file__).resolve().parents[2] / "bt_cli" / "root_help.txt"


def _bt(*args: str, columns: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    return subprocess.run([sys.executable, "-m", "bt_cli", *args], capture_output=True, text=True, env=env)


def test_the_committed_help_is_what_click_draws():
    from bt_cli.main import root_help_text

    assert HELP_FILE.read_text(encoding="utf-8") == root_help_text(), (
        "bt_cli/root_help.txt is stale: run .venv/bin/python scripts/gen_man.py"
    )


def test_help_on_a_wide_terminal_or_a_pipe_is_the_committed_text():
    committed = HELP_FILE.read_text(encoding="utf-8")
    for args, columns in ((["--help"], "120"), (["-h"], "80"), (["--help"], None)):
        done = _bt(*args, columns=columns)
        assert done.returncode == 0, done.stderr
        assert done.stdout == committed
        assert "files" in done.stdout and "--adb-server" in done.stdout


def test_bare_bt_prints_the_help_on_stderr_with_exit_2():
    done = _bt(columns="100")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == HELP_FILE.read_text(encoding="utf-8")


def test_a_narrow_terminal_gets_click_wrapping_it_to_fit():
    done = _bt("--help", columns="60")
    assert done.returncode == 0
    assert done.stdout != HELP_FILE.read_text(encoding="utf-8")
    assert max(len(line) for line in done.stdout.splitlines()) <= 58
    assert "Commands:" in done.stdout


def test_the_fast_answer_imports_neither_click_nor_typer():
    probe = (
        "import sys, io, contextlib\nfrom bt_cli.entry import fast_help\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    code = fast_help(['--help'])\n"
        "print(code, 'click' in sys.modules, 'typer' in sys.modules)"
    )
    env = {**os.environ, "COLUMNS": "100"}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["0", "False", "False"]


def test_a_command_help_still_goes_through_click():
    done = _bt("files", "--help", columns="100")
    assert done.returncode == 0
    assert "ls" in done.stdout and "push" in done.stdout
