"""Heavy libraries stay out of start-up: `bt --help` and `bt devices --json` must not import Textual,
PyAV, Pillow or SQLAlchemy; one-round-trip commands (`bt files ls`, `bt chat send`) import neither
SQLAlchemy, psycopg (the store is SQLite here), PyAV, Textual, aiohttp, Pillow nor adbutils (with its
requests); and the core never imports Textual."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("textual", "av", "PIL", "sqlalchemy")


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys, json; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_help_imports_nothing_heavy():
    loaded = _loaded_after(
        "import sys\nfrom bt_cli.main import run\ntry:\n    run(['--help'])\nexcept SystemExit:\n    pass"
    )
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def _modules_after_command(bt_env, argv: list[str]) -> tuple[int, set[str]]:
    """Run one bt command in a fresh interpreter; its exit code and every module it imported."""
    code = (
        "import io, contextlib, sys, json\nfrom bt_cli.main import run\nbuf = io.StringIO()\n"
        f"with contextlib.redirect_stdout(buf):\n    code = run({argv!r})\n"
        "print(json.dumps([code, sorted(sys.modules)]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=bt_env.env, check=True
    ).stdout
    code, modules = json.loads(out.strip().splitlines()[-1])
    return code, set(modules)


def _tops(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_devices_json_imports_nothing_heavy(bt_env, vdevice):
    code, loaded = _modules_after_command(bt_env, ["devices", "--json"])
    assert code == 0
    heavy = {*HEAVY, "adbutils", "requests"}
    assert not _tops(loaded) & heavy, _tops(loaded) & heavy


# What a one-round-trip command must not pay for: SQLAlchemy, PostgreSQL's driver on a SQLite store, video,
# the TUI, HTTP and images.
ONE_ROUND_TRIP_HEAVY = ("sqlalchemy", "psycopg", "av", "textual", "aiohttp", "PIL", "adbutils", "requests")


def test_one_round_trip_commands_import_nothing_heavy(bt_env, vdevice):
    assert bt_env.run("session", "start", "--customer", "Ann").returncode == 0
    for argv in (["files", "ls", "/sdcard"], ["chat", "send", "--no-spellcheck", "hello"]):
        code, loaded = _modules_after_command(bt_env, argv)
        assert code == 0, argv
        heavy = {name for name in ONE_ROUND_TRIP_HEAVY if name in loaded or name in _tops(loaded)}
        assert not heavy, (argv, heavy)
    # the message really reached the device, so the command did its work with what it imported
    assert "hello" in bt_env.run("log", "--json").stdout


def test_core_and_backend_leave_textual_out():
    loaded = _loaded_after("import bt_core, adb_backend, bt_core.sessions, bt_core.store, adb_backend.client")
    assert "textual" not in loaded
