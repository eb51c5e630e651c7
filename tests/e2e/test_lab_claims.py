"""Device claims in a lab of two adb servers: one holder per device under a race of many claimer
processes, expiry after the TTL when the holder is killed, release by `--exec` whatever the command did,
and a session holding its device for its whole life. On SQLite, and on PostgreSQL when
BT_TEST_DATABASE_URL is set."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import AdbServerHandle, _connect, free_port
from tests.core.store_fixtures import _reset_postgres


@dataclass
class Lab:
    """Two adb servers (the session one and a second on another port) and the devices on each."""

    servers: list[str]
    devices: dict[str, Any] = field(default_factory=dict)  # serial -> VirtualDevice
    server_of: dict[str, str] = field(default_factory=dict)

    @property
    def flags(self) -> list[str]:
        return [word for server in self.servers for word in ("--adb-server", server)]


def start_lab(adb_server: AdbServerHandle, vdevice_factory: Any, first: int, second: int) -> Iterator[Lab]:
    other = AdbServerHandle(adb_server.adb_path, free_port())
    env = dict(os.environ, ANDROID_ADB_SERVER_PORT=str(other.port))
    other.adb("start-server", timeout=30, env=env)
    lab = Lab([f"127.0.0.1:{adb_server.port}", f"127.0.0.1:{other.port}"])
    try:
        for index in range(first + second):
            on_first = index < first
            device = vdevice_factory(connect=on_first)
            if not on_first:
                _connect(other, device.serial)
            lab.devices[device.serial] = device
            lab.server_of[device.serial] = lab.servers[0 if on_first else 1]
        yield lab
    finally:
        for serial in lab.devices:
            other.adb("disconnect", serial, check=False, timeout=30)
        other.adb("kill-server", check=False, timeout=30, env=env)


@pytest.fixture(params=["sqlite", "postgres"])
def store_env(request, bt_env) -> dict[str, str]:
    """The store the claimers share: the bt_env SQLite file, or PostgreSQL when configured."""
    if request.param == "sqlite":
        return {}
    url = os.environ.get("BT_TEST_DATABASE_URL")
    if not url:
        pytest.skip("BT_TEST_DATABASE_URL is not set")
    _reset_postgres(url)  # an empty shared store: sessions and claims of earlier tests would hold devices
    return {"BT_DATABASE_URL": url}


@pytest.fixture
def lab(adb_server, vdevice_factory) -> Iterator[Lab]:
    yield from start_lab(adb_server, vdevice_factory, 2, 1)


def bt_popen(bt_env, *args: str, env: dict[str, str] | None = None, **kw: Any) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bt_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**bt_env.env, **(env or {})},
        cwd=str(bt_env.data_dir),
        **kw,
    )


def test_many_concurrent_claimers_never_share_a_device(bt_env, lab, store_env):
    claimers = [
        bt_popen(bt_env, *lab.flags, "claim", "--json", env={**store_env, "BT_TECHNICIAN": f"tech{i}"})
        for i in range(8)
    ]
    results = [(p.wait(timeout=240), *p.communicate()) for p in claimers]
    won = [json.loads(out) for code, out, _err in results if code == 0]
    lost = [err for code, _out, err in results if code != 0]
    assert len(won) == 3, results
    assert sorted(c["serial"] for c in won) == sorted(lab.devices)  # each device once, all of them used
    assert len({c["holder"] for c in won}) == 3
    assert all(c["adb_server"] == lab.server_of[c["serial"]] for c in won)
    for err in lost:
        assert "every device matching any device is held" in err, err
    assert {code for code, _o, _e in results if code != 0} == {17}

    listed = json.loads(bt_env.run(*lab.flags, "fleet", "devices", "--json", env=store_env).stdout)
    states = {d["serial"]: (d["state"], d["holder"]) for d in listed}
    assert {serial: state for serial, (state, _) in states.items()} == dict.fromkeys(lab.devices, "busy")
    assert {holder for _state, holder in states.values()} == {c["holder"] for c in won}

    for claim in won:
        released = bt_env.run("release", "--token", claim["token"], "--json", env=store_env)
        assert json.loads(released.stdout) == {"released": [claim["serial"]]}


def test_claim_expires_after_its_ttl_when_the_holder_is_killed(bt_env, lab, store_env):
    serial = next(s for s in lab.devices if lab.server_of[s] == lab.servers[1])
    holder = bt_popen(
        bt_env,
        *lab.flags,
        "claim",
        "--serial",
        serial,
        "--ttl",
        "3",
        "--exec",
        "--",
        "sleep",
        "600",
        env={**store_env, "BT_TECHNICIAN": "alice"},
        start_new_session=True,
    )
    as_bob = {**store_env, "BT_TECHNICIAN": "bob"}
    try:
        deadline = time.monotonic() + 60
        while True:  # until alice's claim is in the store
            listed = json.loads(bt_env.run(*lab.flags, "fleet", "devices", "--json", env=as_bob).stdout)
            if any(d["serial"] == serial and d["holder"] == "alice" for d in listed):
                break
            assert holder.poll() is None and time.monotonic() < deadline, holder.communicate()
            time.sleep(0.2)
        # the heartbeat keeps it alive past its TTL
        time.sleep(4)
        busy = bt_env.run(*lab.flags, "claim", "--serial", serial, env=as_bob)
        assert busy.returncode == 17 and f"{serial} by alice" in busy.stderr
        children = Path(f"/proc/{holder.pid}/task/{holder.pid}/children").read_text().split()
        assert len(children) == 1  # the `sleep 600`
        os.kill(holder.pid, signal.SIGKILL)  # the holder dies without releasing
        holder.wait(timeout=30)
        deadline = time.monotonic() + 30
        while Path(f"/proc/{children[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)  # ... and its command is told to stop (no one keeps using the device)
        assert not Path(f"/proc/{children[0]}").exists() or "Z" in Path(f"/proc/{children[0]}/stat").read_text()
        started = time.monotonic()
        taken = bt_env.run(*lab.flags, "claim", "--serial", serial, "--wait", "60", "--json", env=as_bob)
        assert taken.returncode == 0, taken.stderr
        assert json.loads(taken.stdout)["holder"] == "bob"
        assert time.monotonic() - started < 30
    finally:
        if holder.poll() is None:
            os.killpg(holder.pid, signal.SIGKILL)


def test_exec_runs_with_the_device_and_releases_after_failure(bt_env, lab, adb_server):
    serial = next(s for s in lab.devices if lab.server_of[s] == lab.servers[1])
    script = f"{adb_server.adb_path} shell getprop ro.product.model; echo $ANDROID_SERIAL; exit 3"
    ran = bt_env.run(*lab.flags, "claim", "--serial", serial, "--exec", "--", "sh", "-c", script)
    assert ran.returncode == 3, ran.stderr  # the command's own exit code
    model, seen_serial = ran.stdout.strip().splitlines()
    assert (model, seen_serial) == ("Pixel 8", serial), ran.stdout  # adb reached the device on the second server
    assert f"released {serial}" in ran.stderr
    again = bt_env.run(*lab.flags, "claim", "--serial", serial, "--json", env={"BT_TECHNICIAN": "bob"})
    assert again.returncode == 0, again.stderr

    # a cancelled job (SIGTERM to bt): the command is stopped too, and the claim released
    other = next(s for s in lab.devices if s != serial)
    job = bt_popen(bt_env, *lab.flags, "claim", "--serial", other, "--exec", "--", "sleep", "600")
    deadline = time.monotonic() + 60
    while not Path(f"/proc/{job.pid}/task/{job.pid}/children").read_text().split():
        assert time.monotonic() < deadline and job.poll() is None
        time.sleep(0.1)
    job.send_signal(signal.SIGTERM)
    assert job.wait(timeout=60) == 128 + signal.SIGTERM
    assert f"released {other}" in (job.stderr.read() if job.stderr else "")
    assert bt_env.run(*lab.flags, "claim", "--serial", other, "--json").returncode == 0

    missing = bt_env.run(*lab.flags, "claim", "--exec", "--", "/no/such/program")
    assert missing.returncode == 2 and "cannot run '/no/such/program'" in missing.stderr
    free = bt_env.run(*lab.flags, "fleet", "devices", "--json")
    assert {d["serial"]: d["state"] for d in json.loads(free.stdout)}[serial] == "busy"  # bob's, still
    assert bt_env.run("release", "--serial", serial, env={"BT_TECHNICIAN": "bob"}).returncode == 0


def test_claim_selectors_and_bad_input(bt_env, lab):
    by_model = bt_env.run(*lab.flags, "claim", "--model", "pixel*", "--android", "12..14", "--json")
    assert by_model.returncode == 0, by_model.stderr
    claim = json.loads(by_model.stdout)
    assert claim["android_version"] == "14"
    time.sleep(0.05)
    renewed = bt_env.run("claim", "--renew", claim["token"], "--json")
    assert renewed.returncode == 0, renewed.stderr
    assert json.loads(renewed.stdout)["expires_at"] > claim["expires_at"]
    assert bt_env.run("release", "--token", claim["token"]).returncode == 0
    gone = bt_env.run("claim", "--renew", claim["token"])
    assert gone.returncode == 13 and "the claim is gone" in gone.stderr
    unknown = bt_env.run("release", "--token", "nope")
    assert unknown.returncode == 13 and "no matching claim" in unknown.stderr
    none = bt_env.run(*lab.flags, "claim", "--android", "15..")
    assert none.returncode == 3 and "no available device matches Android 15.." in none.stderr
    bad = bt_env.run(*lab.flags, "claim", "--android", "twelve")
    assert bad.returncode == 2 and "--android takes MIN..MAX" in bad.stderr
    assert bt_env.run("release", "--all").returncode == 0


def test_a_session_holds_its_device_until_it_ends(bt_env, lab):
    serial = next(iter(lab.devices))
    started = bt_env.run(*lab.flags, "session", "start", "--device", serial, "--json")
    assert started.returncode == 0, started.stderr
    as_bob = {"BT_TECHNICIAN": "bob"}
    refused = bt_env.run(*lab.flags, "claim", "--serial", serial, env=as_bob)
    assert refused.returncode == 17
    bobs_session = bt_env.run(*lab.flags, "session", "start", "--device", serial, env=as_bob)
    assert bobs_session.returncode == 17 and "held by alice" in bobs_session.stderr
    assert bt_env.run("session", "end").returncode == 0
    assert bt_env.run(*lab.flags, "claim", "--serial", serial, "--json", env=as_bob).returncode == 0


def test_an_administrator_can_force_a_release_others_cannot(bt_env, lab):
    serial = next(iter(lab.devices))
    as_bob = {"BT_TECHNICIAN": "bob"}
    held = bt_env.run(*lab.flags, "claim", "--serial", serial, "--json", env=as_bob)
    assert held.returncode == 0, held.stderr
    token = json.loads(held.stdout)["token"]
    # alice cannot free bob's device, with or without --force, while the policy says no
    assert bt_env.run("release", "--serial", serial).returncode == 13
    refused = bt_env.run("release", "--serial", serial, "--force")
    assert refused.returncode == 10 and "release a device claimed by someone else" in refused.stderr
    # the administrator allows the override
    bt_env.policy_path.write_text("[lab]\nrelease_any = true\n")
    forced = bt_env.run("release", "--serial", serial, "--force", "--json")
    assert forced.returncode == 0, forced.stderr
    document = json.loads(forced.stdout)
    assert document["released"] == [serial] and document["forced"] and document["was"]["holder"] == "bob"
    # bob's claim is gone (his heartbeat says so) and the device is free for alice
    assert bt_env.run("claim", "--renew", token, env=as_bob).returncode == 13
    assert bt_env.run(*lab.flags, "claim", "--serial", serial, "--json").returncode == 0
    assert bt_env.run("release", "--serial", "no-such-device", "--force").returncode == 13
    assert bt_env.run("release", "--force").returncode == 2  # the device must be named
