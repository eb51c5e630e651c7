"""Snapshots of the main screens, from fixed records (fixed ids, times and texts; no device needed)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bt_core.models import SessionRecord
from bt_tui.app import make_app
from tests.tui.conftest import FROZEN

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
        store.create_session(SessionRecord(
            id=sid, serial="emulator-5554" if sid.startswith("a") else "R58M12345", status=status,
            priority=priority, customer=customer, computer_name="Pixel 8", platform="Android 14 (API 34)",
            issue="Wi-Fi keeps dropping", skills=("android", "wifi"), technician=owners[0] if owners else None,
            owners=owners, created_at=at, queued_at=at, started_at=at if owners else None,
        ))
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

    assert snap_compare(snapshot_app(seeded, session_id="a1b2c3d4"), run_before=ready, terminal_size=(120, 40))
