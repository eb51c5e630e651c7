"""The decoded live stream in-process (bt_core → adb_backend → adb server → virtual device): the latest
frame only, restart at screenrecord's time limit, the privacy pause stopping capture mid-stream."""

from __future__ import annotations

import time

from tests.e2e.test_screen import events, services_for, start_session


def test_live_stream_keeps_only_the_latest_frame_and_reads_timestamps(bt_env, vdevice):
    from virtual_device.screen.timestamp import read_timestamp

    start_session(bt_env, vdevice.serial, grant="view")
    vdevice.state.screen.frame_timestamps = True
    with services_for(bt_env) as services:
        live = services.screen.open_stream(None, "video")
        try:
            first = live.latest(timeout=10)
            assert first is not None and (first.width, first.height) == (536, 1200)
            time.sleep(1.0)  # a slow consumer: frames arrive meanwhile and must not pile up
            fresh = live.latest(timeout=5)
            stamp = read_timestamp(fresh.image(palette=False))
            assert stamp is not None
            assert abs(fresh.received_at * 1000 - stamp) < 1000  # the frame is from now, not from a backlog
            stats = live.stats()
            assert stats.frames_dropped > 0 and stats.frames_taken == 2
            assert stats.bytes_total > 0 and stats.bytes_per_second > 0
        finally:
            live.close()


def test_stream_restarts_at_the_time_limit_without_a_gap(bt_env, vdevice):
    start_session(bt_env, vdevice.serial, grant="view")
    vdevice.state.screen.frame_timestamps = True
    with services_for(bt_env) as services:
        live = services.screen.open_stream(None, "bw", time_limit=1)
        try:
            deadline = time.monotonic() + 3.5
            gaps, last = [], time.monotonic()
            while time.monotonic() < deadline:
                frame = live.latest(timeout=2)
                assert frame is not None, live.error
                gaps.append(frame.received_mono - last)
                last = frame.received_mono
            assert live.stats().restarts >= 2
            assert max(gaps[1:]) < 1.5  # new screenrecord processes took over promptly
        finally:
            live.close()


def test_pause_stops_a_running_stream_and_resume_restarts_it(bt_env, vdevice):
    start_session(bt_env, vdevice.serial, grant="view")
    vdevice.state.screen.frame_timestamps = True
    with services_for(bt_env) as services:
        live = services.screen.open_stream(None, "bw")
        try:
            assert live.latest(timeout=10) is not None
            assert bt_env.run("screen", "pause").returncode == 0
            deadline = time.monotonic() + 3
            while not live.paused and time.monotonic() < deadline:
                time.sleep(0.05)
            assert live.paused
            assert live.latest(timeout=1.0) is None
            assert live.stats() is None  # no screenrecord runs while paused
            assert bt_env.run("screen", "resume").returncode == 0
            frame = None
            deadline = time.monotonic() + 10
            while frame is None and time.monotonic() < deadline:
                frame = live.latest(timeout=1)
            assert frame is not None
        finally:
            live.close()
    kinds = [e["kind"] for e in events(bt_env)]
    assert (
        kinds.index("screen.stream_opened")
        < kinds.index("screen.paused")
        < kinds.index("screen.resumed")
        < kinds.index("screen.stream_closed")
    )
