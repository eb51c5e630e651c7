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


async def open_files(app, pilot) -> tuple[DataTable, DataTable]:
    await settle(app, pilot)
    await pilot.press("f3")
    await settle(app, pilot)
    return app.screen.query_one("#local", DataTable), app.screen.query_one("#remote", DataTable)


async def answer_prompt(pilot, text: str) -> None:
    from textual.widgets import Input

    assert type(pilot.app.screen).__name__ == "PromptDialog"
    pilot.app.screen.query_one("#prompt", Input).value = text
    await pilot.press("enter")


async def test_local_folder_made_renamed_and_deleted(services, vdevice, tmp_path: Path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("keep")
    monkeypatch.chdir(work)
    record = services.sessions.start(vdevice.serial, customer="Dee")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(120, 40)) as pilot:
        local, remote = await open_files(app, pilot)
        assert app.focused is remote
        await pilot.press("tab")  # Tab switches between the two panes
        assert app.focused is local
        await pilot.press("m")
        await pilot.pause()
        assert "New folder in" in str(app.screen.query_one(".dialog-title").render())
        await answer_prompt(pilot, "cases [2026]")
        await settle(app, pilot, rounds=4)
        assert (work / "cases [2026]").is_dir()
        assert "cases [2026]/" in names(local)
        assert not vdevice.state.fs.exists("/sdcard/cases [2026]")  # the device is left alone

        await select(pilot, local, "cases [2026]")
        await pilot.press("n")
        await pilot.pause()
        await answer_prompt(pilot, "keep.txt")  # taken: refused with the reason, nothing replaced
        await settle(app, pilot, rounds=4)
        assert (work / "keep.txt").read_text() == "keep" and (work / "cases [2026]").is_dir()
        await select(pilot, local, "cases [2026]")
        await pilot.press("n")
        await pilot.pause()
        await answer_prompt(pilot, "closed cases")
        await settle(app, pilot, rounds=4)
        assert (work / "closed cases").is_dir() and not (work / "cases [2026]").exists()

        (work / "closed cases" / "inside.log").write_text("x")
        await select(pilot, local, "closed cases")
        await pilot.press("d")
        await pilot.pause()
        message = str(app.screen.query_one(".dialog-message").render())
        assert "everything in it" in message and "permanently" in message and "trash" in message
        await pilot.press("n")  # No: nothing happens
        await settle(app, pilot)
        assert (work / "closed cases" / "inside.log").exists()
        await select(pilot, local, "closed cases")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot, rounds=4)
        assert not (work / "closed cases").exists()
        assert "closed cases/" not in names(local)
        assert (work / "keep.txt").exists()


async def test_open_device_files_previews_text_picture_and_other(services, vdevice, tmp_path: Path, monkeypatch):
    import io

    from PIL import Image
    from textual.widgets import TextArea

    monkeypatch.chdir(tmp_path)
    # previews are fetched under bt's data dir, which the policy must allow (the default "~" does)
    Path(services.settings.resolved_policy_path()).write_text(f'[files]\nlocal_paths = ["{tmp_path}"]\n')
    fs = vdevice.state.fs
    with fs.open_write("/sdcard/Download/notes [1].txt") as out:
        out.write(b"[ro.build.version.release]: [14]\nsecond line\n")
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(picture, "PNG")
    with fs.open_write("/sdcard/Download/photo.png") as out:
        out.write(picture.getvalue())
    with fs.open_write("/sdcard/Download/tool.apk") as out:
        out.write(b"PK" + b"\0" * 5000)
    record = services.sessions.start(vdevice.serial, customer="Dee")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(120, 40)) as pilot:
        _local, remote = await open_files(app, pilot)
        await select(pilot, remote, "Download")
        await pilot.press("enter")
        await settle(app, pilot)

        await select(pilot, remote, "notes [1].txt")
        await pilot.press("enter")
        await settle(app, pilot, rounds=4)
        assert type(app.screen).__name__ == "PreviewScreen", [n.message for n in app._notifications]
        area = app.screen.query_one("#preview-text", TextArea)
        assert area.read_only and area.text.startswith("[ro.build.version.release]: [14]\nsecond line")
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionScreen"

        await select(pilot, remote, "photo.png")
        await pilot.press("o")
        await settle(app, pilot, rounds=4)
        shown = app.screen.query_one("#preview-image")
        assert shown.image.size == (40, 30) and shown.image.getpixel((5, 5)) == (200, 30, 30)
        await pilot.press("escape")
        await pilot.pause()

        await select(pilot, remote, "tool.apk")
        await pilot.press("o")
        await pilot.pause()
        info = str(app.screen.query_one("#preview-info").render())
        assert "4.9 KB" in info and "w downloads it" in info
        await pilot.press("escape")
        await pilot.pause()
        pulled = [e.data.get("origin") for e in services.store.events(record.id, kinds=["file.pulled"])]
        assert pulled == ["/sdcard/Download/notes [1].txt", "/sdcard/Download/photo.png"]  # not the .apk


async def test_pasted_paths_upload_to_the_device_folder(services, vdevice, tmp_path: Path, monkeypatch):
    from textual import events

    work = tmp_path / "work"
    work.mkdir()
    (work / "a b.txt").write_text("first")
    (work / "log.txt").write_text("new log")
    monkeypatch.chdir(tmp_path)
    Path(services.settings.resolved_policy_path()).write_text(f'[files]\nlocal_paths = ["{tmp_path}"]\n')
    fs = vdevice.state.fs
    with fs.open_write("/sdcard/Download/log.txt") as out:
        out.write(b"old log")
    record = services.sessions.start(vdevice.serial, customer="Dee")
    app = make_app(services, session_id=record.id, start_stream=False)
    async with app.run_test(size=(120, 40)) as pilot:
        _local, remote = await open_files(app, pilot)
        await select(pilot, remote, "Download")
        await pilot.press("enter")
        await settle(app, pilot)

        # a terminal drop: quoted path, then a file:// URL, on two lines
        app.post_message(events.Paste(f"'{work / 'a b.txt'}'\nfile://{work / 'log.txt'}\n"))
        await pilot.pause()
        assert type(app.screen).__name__ == "ChoiceDialog"
        assert "log.txt already exists on the device" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("enter")  # Overwrite
        await settle(app, pilot, rounds=5)
        with fs.open_read("/sdcard/Download/a b.txt") as got:
            assert got.read() == b"first"
        with fs.open_read("/sdcard/Download/log.txt") as got:
            assert got.read() == b"new log"
        assert {"a b.txt", "log.txt"} <= set(names(remote))

        app.post_message(events.Paste(str(work / "missing.txt")))
        await pilot.pause()
        assert type(app.screen).__name__ == "SessionScreen"  # nothing to upload: a warning, no dialog
        assert any("missing.txt" in n.message for n in app._notifications)
