"""System info tab: overview first, processes with kill, apps with uninstall (each confirmed)."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent

from bt_tui.app import make_app
from tests.tui.conftest import settle


def cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_section(app, pilot, name: str) -> DataTable:
    app.screen.query_one("#sections", TabbedContent).active = f"sys-{name}"
    await settle(app, pilot)
    table = app.screen.query_one(f"#{name}-table", DataTable)
    table.focus()
    await pilot.pause()
    return table


async def test_overview_then_kill_and_uninstall(services, vdevice):
    record = services.sessions.start(vdevice.serial, customer="Cara")
    app = make_app(services, session_id=record.id)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        overview = dict((r[0], r[1]) for r in cells(app.screen.query_one("#overview-table", DataTable)))
        assert overview["Model"] == "Pixel 8"
        assert overview["Android"].startswith("14")
        pulled = services.store.events(record.id, kinds=["sysinfo.pulled"])
        assert pulled[0].data["sections"] == ["overview"]  # only the overview until another tab opens

        processes = await open_section(app, pilot, "processes")
        await pilot.press("slash", *"spotify", "enter")
        await pilot.pause()
        assert [row[2] for row in cells(processes)] == ["com.spotify.music"]
        await pilot.press("k")
        await pilot.pause()
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("y")
        await settle(app, pilot, rounds=5)
        assert services.store.events(record.id, kinds=["process.killed"])
        assert not vdevice.state.processes.of_package("com.spotify.music")
        assert cells(processes) == []  # pulled again: it is gone

        apps = await open_section(app, pilot, "apps")
        await pilot.press("slash", *"shopping", "enter")
        await pilot.pause()
        assert [row[0] for row in cells(apps)] == ["com.example.shopping"]
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("n")  # changed my mind: nothing happens
        await settle(app, pilot)
        assert not services.store.events(record.id, kinds=["app.uninstalled"])
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot, rounds=5)
        assert services.store.events(record.id, kinds=["app.uninstalled"])
        assert cells(apps) == []
        assert "com.example.shopping" not in vdevice.state.packages


async def test_auto_refresh_logs_its_start_and_stop_not_every_pull(services, vdevice, monkeypatch):
    import bt_tui.panes.sysinfo as pane_module

    record = services.sessions.start(vdevice.serial, customer="Cara")
    app = make_app(services, session_id=record.id)

    def logged(kind: str) -> list:
        return services.store.events(record.id, kinds=[kind])

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        pane = app.screen.query_one(pane_module.SysinfoPane)
        first = pane.snapshots["overview"].taken_at
        assert len(logged("sysinfo.pulled")) == 1
        await pilot.press("a")
        for _ in range(400):  # until three auto pulls have landed (generous: the machine may be busy)
            if pane.auto_pulls >= 3 and not pane.pulling:
                break
            await pilot.pause(0.05)
        assert pane.auto_pulls >= 3
        assert pane.snapshots["overview"].taken_at > first  # the section really was pulled again
        await pilot.press("a", "a", "a", "a")  # 5, 10, 30 s (still on: nothing logged), then off
        await settle(app, pilot)
        pulls = pane.auto_pulls
        for _ in range(100):
            if logged("sysinfo.auto_stopped"):
                break
            await pilot.pause(0.05)
        assert len(logged("sysinfo.pulled")) == 1  # the auto pulls are not logged one by one
        started, stopped = logged("sysinfo.auto_started"), logged("sysinfo.auto_stopped")
        assert [e.data for e in started] == [{"sections": ["overview"], "every_s": 2}]
        assert len(stopped) == 1 and stopped[0].data == {"pulls": pulls, "reason": None}
        assert stopped[0].text == f"System information auto-refresh off after {pulls} pulls"
        assert started[0].seq < stopped[0].seq
        await pilot.press("a")  # on again, then the window closes with it on
        await settle(app, pilot)
    stopped = logged("sysinfo.auto_stopped")
    assert len(logged("sysinfo.auto_started")) == 2 and len(stopped) == 2
    assert stopped[1].data["reason"] == "the window closed"
