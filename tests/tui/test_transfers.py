"""Files tab, transfer manager: manual start, timestamps, a running transfer's state, cancel and details.

Each test drives the TUI with keys and checks what the technician sees (table cells, toasts, dialogs)
and what reached the virtual device (files, timestamps) and the transcript.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from textual.widgets import Button, DataTable, Label

from bt_tui.app import make_app
from tests.tui.conftest import settle
from tests.tui.test_files import names, open_files, select

OLD = 1_600_000_000.0
"""A source file's modification time (September 2020), far from the test's own clock."""


def rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def toasts(app) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications]


async def wait_until(pilot, condition, seconds: float = 60.0) -> None:
    """Poll the UI (not sleep a fixed time): the machine running the tests may be slow."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the screen to change"
        await pilot.pause(0.05)


def allow_local(services, root: Path) -> None:
    Path(services.settings.resolved_policy_path()).write_text(f'[files]\nlocal_paths = ["{root}"]\n')


async def into_download(app, pilot) -> tuple[DataTable, DataTable]:
    local, remote = await open_files(app, pilot)
    await select(pilot, remote, "Download")
    await pilot.press("enter")
    await settle(app, pilot)
    return local, remote


async def test_manual_start_waits_for_s_and_a_finished_transfer_says_so(services, vdevice, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "setup [v2].txt").write_text("steps for the customer")
    monkeypatch.chdir(work)
    allow_local(services, tmp_path)
    fs = vdevice.state.fs
    record = services.sessions.start(vdevice.serial, customer="Dee")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(120, 40)) as pilot:
        local, remote = await into_download(app, pilot)
        modes = app.screen.query_one("#transfer-modes", Label)
        assert "start: at once" in str(modes.render())
        await pilot.press("q")
        assert "start: manual" in str(modes.render())

        await select(pilot, local, "setup [v2].txt")
        await pilot.press("u")
        await settle(app, pilot, rounds=4)
        transfers = app.screen.query_one("#transfers", DataTable)
        assert [r[4] for r in rows(transfers)] == ["queued"]
        assert ("", "Upload of setup [v2].txt queued: press s to start") in toasts(app)
        assert not fs.exists("/sdcard/Download/setup [v2].txt")  # nothing reached the device yet
        assert services.store.events(record.id, kinds=["file.pushed"]) == []

        # a queued transfer's details offer to cancel it; Close leaves it queued
        await pilot.press("t", "i")
        await settle(app, pilot)
        assert [str(b.label) for b in app.screen.query(Button)] == ["Close", "Cancel transfer"]
        await pilot.click("#close")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "SessionScreen"
        assert [r[4] for r in rows(transfers)] == ["queued"]

        await pilot.press("s")
        await settle(app, pilot, rounds=4)
        with fs.open_read("/sdcard/Download/setup [v2].txt") as got:
            assert got.read() == b"steps for the customer"
        assert [r[4] for r in rows(transfers)] == ["done"]
        assert "setup [v2].txt" in names(remote)
        assert len(services.store.events(record.id, kinds=["file.pushed"])) == 1

        # c on the finished row: a plain sentence, under a human title
        await pilot.press("t", "c")
        await settle(app, pilot)
        title, message = toasts(app)[-1]
        assert title == "Already finished"
        assert "has already finished (done): there is nothing to cancel" in message
        assert not any("Error" in t for t, _m in toasts(app))

        # the details of a finished transfer: only Close
        await pilot.press("i")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "TransferDetailsDialog"
        assert [str(b.label) for b in app.screen.query(Button)] == ["Close"]
        text = str(app.screen.query_one(".dialog-message", Label).render())
        assert "Upload to the device" in text and "State: done" in text and "Timestamps: kept" in text
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionScreen"


async def test_preserve_timestamps_toggle(services, vdevice, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    for name in ("kept.txt", "copied now.txt"):
        (work / name).write_text(name)
        os.utime(work / name, (OLD, OLD))
    monkeypatch.chdir(work)
    allow_local(services, tmp_path)
    fs = vdevice.state.fs
    record = services.sessions.start(vdevice.serial, customer="Dee")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(120, 40)) as pilot:
        local, _remote = await into_download(app, pilot)
        await select(pilot, local, "kept.txt")
        await pilot.press("u")
        await settle(app, pilot, rounds=4)
        assert fs.stat("/sdcard/Download/kept.txt").mtime == OLD

        await pilot.press("p")
        assert "timestamps: set to now" in str(app.screen.query_one("#transfer-modes", Label).render())
        await select(pilot, local, "copied now.txt")
        before = time.time()
        await pilot.press("u")
        await settle(app, pilot, rounds=4)
        assert fs.stat("/sdcard/Download/copied now.txt").mtime >= before - 2
        shown = services.transfers.list(record.id)
        assert [t.preserve_times for t in shown] == [True, False]


async def test_running_transfer_shows_its_percent_and_the_details_dialog_cancels_it(
    services, vdevice_factory, tmp_path, monkeypatch
):
    slow = vdevice_factory(bandwidth_mbps=8)  # 1 MB/s: a 4 MB upload takes seconds
    work = tmp_path / "work"
    work.mkdir()
    (work / "big.bin").write_bytes(os.urandom(4 * 1024 * 1024))
    monkeypatch.chdir(work)
    allow_local(services, tmp_path)
    record = services.sessions.start(slow.serial, customer="Dee")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(120, 40)) as pilot:
        local, _remote = await into_download(app, pilot)
        await select(pilot, local, "big.bin")
        await pilot.press("u")
        transfers = app.screen.query_one("#transfers", DataTable)

        def running_with_percent() -> bool:
            if transfers.row_count != 1:
                return False
            state, progress = rows(transfers)[0][4:6]
            found = re.match(r"(\d+)% ", progress)
            return state == "running" and found is not None and 0 < int(found.group(1)) < 100

        await wait_until(pilot, running_with_percent)
        assert rows(transfers)[0][5].endswith(" / 4.0 MB")

        await pilot.press("t", "i")
        await wait_until(pilot, lambda: type(app.screen).__name__ == "TransferDetailsDialog")
        assert [str(b.label) for b in app.screen.query(Button)] == ["Close", "Cancel transfer"]
        assert "State: running" in str(app.screen.query_one(".dialog-message", Label).render())
        await pilot.press("c")
        await wait_until(pilot, lambda: transfers.row_count == 1 and rows(transfers)[0][4] == "cancelled")
        await settle(app, pilot, rounds=4)
        assert not slow.state.fs.exists("/sdcard/Download/big.bin")  # nothing under the final name
        assert [e.kind for e in services.store.events(record.id, kinds=["transfer.cancelled"])] == [
            "transfer.cancelled"
        ]
        assert ("Cancelled", f"transfer {services.transfers.list(record.id)[0].id} cancelled") in toasts(app)
