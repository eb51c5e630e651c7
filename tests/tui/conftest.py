"""TUI test stack: bt's environment in os.environ (private data/config dirs), real services, no blink."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

FROZEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def tui_env(adb_server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data_dir = tmp_path / "bt-data"
    config_dir = tmp_path / "bt-config"
    data_dir.mkdir()
    config_dir.mkdir()
    monkeypatch.setenv("BT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("BT_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("BT_POLICY", str(config_dir / "policy.toml"))
    monkeypatch.setenv("BT_TECHNICIAN", "alice")
    monkeypatch.setenv("BT_SESSION_HOST", "off")  # tests of the live side turn the session host on
    for name in ("BT_DATABASE_URL", "BT_SESSION", "BT_DEVICE"):
        monkeypatch.delenv(name, raising=False)
    return data_dir


@pytest.fixture
def services(tui_env: Path) -> Iterator[object]:
    from bt_core.services import Services
    from bt_core.settings import load_settings

    built = Services(load_settings())
    yield built
    built.close()


LONG_RUNNING = ("stream", "input")
"""Worker groups that run until stopped (the live screen, the input queue)."""


def transcript_lines(app) -> list[str]:
    """What the chat log shows, as plain lines."""
    from textual.widgets import RichLog

    log = app.screen.query_one("#transcript", RichLog)
    return ["".join(segment.text for segment in strip) for strip in log.lines]


async def settle(app, pilot, rounds: int = 3) -> None:
    """Let workers finish and their messages land (and the transcript poll catch up)."""
    for _ in range(rounds):
        finite = [w for w in app.workers if w.group not in LONG_RUNNING and w.is_running]
        if finite:  # (an empty list would mean "all workers" to wait_for_complete)
            await asyncio.gather(*[w.wait() for w in finite], return_exceptions=True)
        await pilot.pause()


async def wait_until(pilot, condition, rounds: int = 100) -> bool:
    """Poll `condition` every 50 ms, `rounds` times at most; its last value."""
    for _ in range(rounds):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()
