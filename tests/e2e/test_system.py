"""`bt kill` and `bt uninstall` through the real stack, checked by what the device shows afterwards."""

from __future__ import annotations

import json
import threading

from tests.e2e.test_sysinfo import open_device, start_session, sysinfo_json


def processes(bt_env) -> dict[int, dict]:
    rows = sysinfo_json(bt_env, "-S", "processes")["sections"]["processes"]["data"]["processes"]
    return {row["pid"]: row for row in rows}


def packages(bt_env) -> set[str]:
    apps = sysinfo_json(bt_env, "-S", "apps")["sections"]["apps"]["data"]["apps"]
    return {a["package"] for a in apps}


def events(bt_env, kind: str) -> list[dict]:
    return json.loads(bt_env.run("log", "--json", "--kind", kind).stdout)


def test_killing_an_app_pid_force_stops_its_package_and_it_is_gone_from_ps(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    before = processes(bt_env)
    pid = next(p for p, row in before.items() if row["name"] == "com.whatsapp")
    assert before[pid]["user"].startswith("u0_a")  # an app's user: a bare kill would be refused
    result = bt_env.run("kill", str(pid), "--yes", "--json")
    assert result.returncode == 0, result.stderr
    killed = json.loads(result.stdout)
    assert killed["method"] == "force-stop" and killed["package"] == "com.whatsapp" and killed["pid"] == pid
    assert pid not in processes(bt_env)
    logged = events(bt_env, "process.killed")
    assert logged[-1]["data"]["package"] == "com.whatsapp" and str(pid) in logged[-1]["text"]


def test_killing_a_package_stops_all_its_processes(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    names = {row["name"] for row in processes(bt_env).values()}
    assert {"com.example.shopping", "com.example.shopping:sync"} <= names
    result = bt_env.run("kill", "com.example.shopping", "--yes")
    assert result.returncode == 0, result.stderr
    assert "force-stopped com.example.shopping" in result.stderr
    names = {row["name"] for row in processes(bt_env).values()}
    assert not any(n.startswith("com.example.shopping") for n in names)
    unknown = bt_env.run("kill", "com.example.nothere", "--yes")
    assert unknown.returncode == 8 and "com.example.nothere" in unknown.stderr


def test_a_shell_owned_process_is_killed_with_kill(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    device = open_device(vdevice.serial)
    done = threading.Event()
    threading.Thread(target=lambda: (device.shell("sleep 60", timeout=90), done.set()), daemon=True).start()
    for _ in range(50):
        sleepers = [p for p, row in processes(bt_env).items() if row["name"] == "sleep" and row["user"] == "shell"]
        if sleepers:
            break
    result = bt_env.run("kill", str(sleepers[0]), "--yes", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["method"] == "kill"
    assert done.wait(15), "the killed sleep should end its shell"
    assert sleepers[0] not in processes(bt_env)


def test_a_refused_kill_gives_the_devices_reason_exit_8_and_an_event(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    result = bt_env.run("kill", "1", "--yes")
    assert result.returncode == 8
    assert "Operation not permitted" in result.stderr and "init" in result.stderr
    failed = events(bt_env, "process.kill_failed")
    assert failed and failed[-1]["data"]["target"] == "1" and "Operation not permitted" in failed[-1]["text"]
    assert 1 in processes(bt_env)
    gone = bt_env.run("kill", "99999", "--yes", "--json")
    assert gone.returncode == 8 and "No such process" in gone.stderr and gone.stdout == ""


def test_without_a_terminal_kill_and_uninstall_need_yes(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    for args in (("kill", "com.whatsapp"), ("uninstall", "com.whatsapp")):
        result = bt_env.run(*args, input="y\n")
        assert result.returncode == 2 and "--yes" in result.stderr
    assert "com.whatsapp" in packages(bt_env)
    assert any(row["name"] == "com.whatsapp" for row in processes(bt_env).values())
    bad = bt_env.run("uninstall", "not a package", "--yes")
    assert bad.returncode == 2 and "package name" in bad.stderr


def test_uninstalling_a_third_party_app_removes_it_from_the_package_list(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    assert "com.spotify.music" in packages(bt_env)
    result = bt_env.run("uninstall", "com.spotify.music", "--yes", "--json")
    assert result.returncode == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["system"] is False and done["user_only"] is False and done["output"] == "Success"
    assert "com.spotify.music" not in packages(bt_env)
    assert events(bt_env, "app.uninstalled")[-1]["data"]["package"] == "com.spotify.music"


def test_a_system_app_goes_for_user_0_then_the_device_refuses(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    result = bt_env.run("uninstall", "com.android.traceur", "--yes", "--json")
    assert result.returncode == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["system"] is True and done["user_only"] is True and "--user 0" in done["command"]
    assert "com.android.traceur" not in packages(bt_env)
    # Gone for user 0, so no longer a system app there: a plain uninstall, and the device says no.
    again = bt_env.run("uninstall", "com.android.traceur", "--yes")
    assert again.returncode == 8 and "Failure [DELETE_FAILED_INTERNAL_ERROR]" in again.stderr
    failed = events(bt_env, "app.uninstall_failed")
    assert failed[-1]["data"]["package"] == "com.android.traceur" and "DELETE_FAILED" in failed[-1]["text"]


def test_a_policy_denied_uninstall_exits_10_and_is_logged(bt_env, vdevice):
    start_session(bt_env, vdevice.serial)
    bt_env.policy_path.write_text("[system]\nuninstall = false\n")
    result = bt_env.run("uninstall", "com.whatsapp", "--yes", "--json")
    assert result.returncode == 10 and result.stdout == ""
    denied = events(bt_env, "permission.denied")
    assert denied[-1]["data"] == {"action": "system.uninstall", "detail": "com.whatsapp"}
    assert "com.whatsapp" in packages(bt_env)


def test_on_a_terminal_kill_asks_and_no_changes_nothing(bt_env, vdevice):
    import os
    import pty
    import subprocess
    import sys

    start_session(bt_env, vdevice.serial)
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bt_cli", "kill", "com.whatsapp"],
            stdin=secondary,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=bt_env.env,
            cwd=str(bt_env.data_dir),
        )
        os.write(primary, b"n\n")
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(primary)
        os.close(secondary)
    assert "End com.whatsapp on the customer's device?" in out + err
    assert proc.returncode == 14 and "nothing was changed" in err
    assert any(row["name"] == "com.whatsapp" for row in processes(bt_env).values())
    assert not events(bt_env, "process.killed")
