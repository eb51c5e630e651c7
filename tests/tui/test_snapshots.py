"""Snapshots of the main screens, from fixed records (fixed ids, times and texts; no device needed)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bt_core.models import SessionRecord
from bt_tui.app import make_app
from tests.tui.conftest import FROZEN, settle

FIXED_MS = int((FROZEN - timedelta(minutes=3)).timestamp() * 1000)


@pytest.fixture
def seeded(services, monkeypatch):
    """Three sessions and a short transcript, all at fixed times."""
    import bt_core.store as store_module

    monkeypatch.setattr(store_module, "now_ms", lambda: FIXED_MS)
    monkeypatch.setenv("TZ", "UTC")
    store = services.store
    rows = [
        ("a1b2c3d4", "in_progress", "high", "Ann [Smith]", 42, ("alice",)),
        ("b2c3d4e5", "waiting", "medium", "Bob", 17, ()),
        ("c3d4e5f6", "customer_absent", "low", None, 5, ("carol",)),
    ]
    for sid, status, priority, customer, minutes, owners in rows:
        at = FROZEN - timedelta(minutes=minutes)
        store.create_session(
            SessionRecord(
                id=sid,
                serial="emulator-5554" if sid.startswith("a") else "R58M12345",
                status=status,
                priority=priority,
                customer=customer,
                computer_name="Pixel 8",
                platform="Android 14 (API 34)",
                issue="Wi-Fi keeps dropping",
                skills=("android", "wifi"),
                technician=owners[0] if owners else None,
                owners=owners,
                created_at=at,
                queued_at=at,
                started_at=at if owners else None,
            )
        )
    store.append_event("a1b2c3d4", "alice", "session.started", "Session started on Pixel 8 (Android 14) for Ann")
    store.append_event("a1b2c3d4", "alice", "chat.sent", "Hello! Let's look at the [b]Wi-Fi[/b].", {})
    store.append_event("a1b2c3d4", "customer", "chat.received", "ok [thanks]", {})
    store.append_event("a1b2c3d4", "alice", "note.added", "router firmware is old", {"private": True})
    return services


def snapshot_app(services, **kwargs):
    return make_app(services, clock=lambda: FROZEN, start_stream=False, **kwargs)


def test_queue_snapshot(seeded, snap_compare):
    async def ready(pilot):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await tables_filled(pilot, sessions=3)  # (column widths are measured after the rows land)

    assert snap_compare(snapshot_app(seeded), run_before=ready, terminal_size=(120, 40))


def test_session_chat_snapshot(seeded, snap_compare):
    async def ready(pilot):
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.4)
        await pilot.press(*"Plese restart the phone")
        await pilot.pause()

    assert snap_compare(snapshot_app(seeded, session_id="a1b2c3d4"), run_before=ready, terminal_size=(120, 40))


def test_session_info_snapshot(seeded, snap_compare):
    async def ready(pilot):
        await pilot.press("f5")
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.4)
        # the tab underline slides to the new tab: a loaded machine could catch it mid-way
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(snapshot_app(seeded, session_id="a1b2c3d4"), run_before=ready, terminal_size=(120, 40))


@pytest.fixture
def device_session(services, vdevice, monkeypatch):
    """A session on the virtual device with a fixed id, and every clock the screens show frozen."""
    import dataclasses
    import os
    import time

    import bt_core.store as store_module

    monkeypatch.setattr(store_module, "now_ms", lambda: FIXED_MS)
    old_tz = os.environ.get("TZ")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    at = FROZEN - timedelta(minutes=12)
    services.store.create_session(
        SessionRecord(
            id="d4e5f6a7",
            serial=vdevice.serial,
            status="in_progress",
            priority="medium",
            customer="Dee",
            computer_name="Pixel 8",
            platform="Android 14 (API 34)",
            issue="Photos will not sync",
            skills=("android",),
            technician="alice",
            owners=("alice",),
            created_at=at,
            queued_at=at,
            started_at=at,
        )
    )
    sysinfo = services.sysinfo
    pull = sysinfo.pull

    def frozen_pull(*args, **kwargs):
        """The device's own clock and the round trip's time differ per run: pin them."""
        snapshot = pull(*args, **kwargs)
        sections = dict(snapshot.sections)
        if "overview" in sections:
            data = {**sections["overview"].data, "serial": "VIRTUAL0001", "uptime_seconds": 3725}
            sections["overview"] = dataclasses.replace(sections["overview"], data=data)
        return dataclasses.replace(snapshot, taken_at=FROZEN, elapsed_ms=18.0, sections=sections)

    monkeypatch.setattr(sysinfo, "pull", frozen_pull)
    yield services
    if old_tz is None:
        monkeypatch.delenv("TZ")
    else:
        monkeypatch.setenv("TZ", old_tz)
    time.tzset()


async def tables_filled(pilot, **minimum_rows: int) -> None:
    """Wait until each table (by id) has its rows, then for the repaint that re-measures its columns."""
    from textual.widgets import DataTable

    for _ in range(100):
        tables = {name: pilot.app.screen.query_one(f"#{name}", DataTable) for name in minimum_rows}
        # (DataTable measures its columns on idle, after the rows land: wait for that too)
        if all(
            tables[name].row_count >= rows and not tables[name]._require_update_dimensions
            for name, rows in minimum_rows.items()
        ):
            break
        await pilot.pause(0.05)
    for table in tables.values():
        # rows rendered before their columns were measured stay cached at the old widths (the header line
        # too; seen when another test ran first in the process): drop the caches, draw again
        table._clear_caches()
        table.refresh()
    for _ in range(3):
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()


async def hide_sidebar(pilot) -> None:
    """The sidebar shows the device's serial (a free port per run): snapshots show the tabs alone."""
    await pilot.press("ctrl+b")
    await pilot.pause()


def test_system_info_overview_snapshot(device_session, snap_compare):
    async def ready(pilot):
        await settle(pilot.app, pilot)
        await hide_sidebar(pilot)
        await pilot.press("f4")
        await settle(pilot.app, pilot, rounds=4)
        pilot.app.clear_notifications()  # a toast may list what the virtual device lacks
        await tables_filled(pilot, **{"overview-table": 14})

    assert snap_compare(snapshot_app(device_session, session_id="d4e5f6a7"), run_before=ready, terminal_size=(120, 40))


def test_files_snapshot(device_session, vdevice, tmp_path, monkeypatch, snap_compare):
    import os

    home = tmp_path / "home"
    work = home / "support"
    (work / "logs").mkdir(parents=True)
    (work / "wifi-report [v2].txt").write_text("x" * 2300)
    (work / "router.png").write_bytes(b"\x89PNG" + b"\0" * 40000)
    for path in (work / "logs", work / "wifi-report [v2].txt", work / "router.png"):
        os.utime(path, (FROZEN.timestamp(), FROZEN.timestamp()))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    fs = vdevice.state.fs.as_root()
    with fs.open_write("/sdcard/Download/manual [EN].pdf") as out:
        out.write(b"%PDF" + b"\0" * 120000)
    stamp = (FROZEN - timedelta(days=3)).timestamp()
    for name in fs.listdir("/sdcard"):
        fs.set_times(f"/sdcard/{name}", stamp)

    async def ready(pilot):
        await settle(pilot.app, pilot)
        await hide_sidebar(pilot)
        await pilot.press("f3")
        await settle(pilot.app, pilot, rounds=4)
        await tables_filled(pilot, local=4, remote=14)

    assert snap_compare(snapshot_app(device_session, session_id="d4e5f6a7"), run_before=ready, terminal_size=(120, 40))


def test_screen_tab_without_a_grant_snapshot(seeded, snap_compare):
    """No picture and no stream before the customer allows it: the tab says which keys ask."""

    async def ready(pilot):
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause(0.4)
        await pilot.press("f2")
        await pilot.pause(0.4)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(snapshot_app(seeded, session_id="a1b2c3d4"), run_before=ready, terminal_size=(120, 40))
