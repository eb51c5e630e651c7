"""Files tab: both panes, upload and download into a clash (overwrite; ask for each), delete confirmed."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from bt_tui.app import make_app
from tests.tui.conftest import settle


def names(table: DataTable) -> list[str]:
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def select(pilot, table: DataTable, name: str) -> None:
    table.focus()
    table.move_cursor(row=table.get_row_index(name))
    await pilot.pause()


async def test_upload_and_download_with_clash(services, vdevice, tmp_path: Path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "report [1].txt").write_text("fresh report from the technician")
    (work / "log.txt").write_text("old")
    (Path(services.settings.resolved_policy_path())).write_text(f'[files]\nlocal_paths = ["{tmp_path}"]\n')
    monkeypatch.chdir(work)
    fs = vdevice.state.fs
    with fs.open_write("/sdcard/Download/report [1].txt") as out:
        out.write(b"stale")
    with fs.open_write("/sdcard/Download/log.txt") as out:
        out.write(b"device log line\n")

    record = services.sessions.start(vdevice.serial, customer="Dee")
    app = make_app(services, session_id=record.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        local = app.screen.query_one("#local", DataTable)
        remote = app.screen.query_one("#remote", DataTable)
        assert "report [1].txt" in names(local)
        assert "Download/" in names(remote)
        await select(pilot, remote, "Download")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "log.txt" in names(remote)

        # upload into a clash: Overwrite
        await select(pilot, local, "report [1].txt")
        await pilot.press("u")
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceDialog"
        await pilot.press("enter")  # Overwrite (the first choice)
        await settle(app, pilot, rounds=4)
        with fs.open_read("/sdcard/Download/report [1].txt") as got:
            assert got.read() == b"fresh report from the technician"

        # download into a clash: Ask for each file, then Overwrite that one
        await select(pilot, remote, "log.txt")
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # Ask for each file
        await pilot.pause()
        for _ in range(50):
            await pilot.pause(0.05)
            if type(app.screen).__name__ == "ChoiceDialog":
                break
        assert "log.txt already exists" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("enter")  # Overwrite
        await settle(app, pilot, rounds=4)
        assert (work / "log.txt").read_text() == "device log line\n"
        transfers = app.screen.query_one("#transfers", DataTable)
        states = [str(transfers.get_row_at(i)[4]) for i in range(transfers.row_count)]
        assert states == ["done", "done"]
        kinds = [e.kind for e in services.store.events(record.id, kinds=["file.pushed", "file.pulled"])]
        assert kinds == ["file.pushed", "file.pulled"]

        # delete asks first, and says it is permanent
        await select(pilot, remote, "log.txt")
        await pilot.press("d")
        await pilot.pause()
        assert "permanently" in str(app.screen.query_one(".dialog-message").render())
        await pilot.press("y")
        await settle(app, pilot, rounds=4)
        assert not fs.exists("/sdcard/Download/log.txt")
        assert "log.txt" not in names(remote)
