"""Device labs: several adb servers at once. Devices are listed with the server that holds them, and a
session started on a device of the second server keeps using that server for every later action."""

from __future__ import annotations

import json
import os
import subprocess

from tests.conftest import free_port


def test_two_adb_servers_list_devices_and_sessions_follow_their_server(bt_env, adb_server, vdevice_factory, tmp_path):
    first = vdevice_factory()
    second = vdevice_factory(connect=False)
    other_port = free_port()
    env = dict(os.environ, ANDROID_ADB_SERVER_PORT=str(other_port))
    adb = [str(adb_server.adb_path), "-P", str(other_port)]
    subprocess.run([*adb, "start-server"], env=env, check=True, capture_output=True, timeout=30)
    try:
        subprocess.run([*adb, "connect", second.serial], env=env, check=True, capture_output=True, timeout=30)
        servers = ["--adb-server", f"127.0.0.1:{adb_server.port}", "--adb-server", f"127.0.0.1:{other_port}"]
        listed = None
        for _ in range(50):
            result = bt_env.run(*servers, "devices", "--json")
            listed = {d["serial"]: d for d in json.loads(result.stdout)}
            if listed.get(second.serial, {}).get("state") == "device":
                break
        assert listed[first.serial]["adb_server"] == f"127.0.0.1:{adb_server.port}"
        assert listed[second.serial]["adb_server"] == f"127.0.0.1:{other_port}"
        assert listed[second.serial]["android_version"] == "14"

        started = bt_env.run(*servers, "session", "start", "--device", second.serial, "--json")
        assert started.returncode == 0, started.stderr
        assert json.loads(started.stdout)["adb_server"] == f"127.0.0.1:{other_port}"
        # later commands need no --adb-server: the session remembers where its device lives
        sent = bt_env.run("chat", "send", "Hello from the lab", "--no-spellcheck")
        assert sent.returncode == 0, sent.stderr
        assert any("Hello from the lab" in n.text for n in second.state.screen.notifications)
        assert not any("Hello from the lab" in n.text for n in first.state.screen.notifications)
    finally:
        subprocess.run([*adb, "kill-server"], env=env, capture_output=True, timeout=30)
