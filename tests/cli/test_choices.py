"""Options over bt's closed sets of values (status, priority, grant, on-clash): `--help` lists the choices,
the spellings accepted before still are, a wrong one is a one-line usage error, and JSON is unchanged."""

from __future__ import annotations

import json

import pytest


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (("session", "list"), "[waiting|in_progress|customer_absent|ended]"),
        (("session", "start"), "[low|medium|high]"),
        (("screen", "grant"), "{none|view|control}"),
        (("screen", "request"), "{view|control}"),
        (("files", "push"), "[overwrite|skip|cancel|ask]"),
    ],
)
def test_help_shows_the_choices(bt_env, command: tuple[str, ...], shown: str) -> None:
    result = bt_env.run(*command, "--help")
    assert result.returncode == 0 and shown in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("session", "list", "--status", "busy"),
            "--status must be one of waiting, in_progress, customer_absent, ended",
        ),
        (("session", "start", "--priority", "urgent"), "--priority must be one of low, medium, high, not 'urgent'"),
        (("screen", "request", "none"), "LEVEL must be one of view, control, not 'none'"),
        (("files", "push", "a", "/sdcard/", "--on-clash", "merge"), "--on-clash must be one of overwrite, skip"),
    ],
)
def test_a_wrong_choice_is_one_line_and_exit_2(bt_env, args: tuple[str, ...], message: str) -> None:
    result = bt_env.run(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0 and message in result.stderr, result.stderr


def test_the_old_spellings_still_work_and_json_is_unchanged(bt_env, vdevice) -> None:
    started = bt_env.run("session", "start", "--device", vdevice.serial, "--priority", "high", "--json")
    assert started.returncode == 0, started.stderr
    session = json.loads(started.stdout)
    assert (session["priority"], session["status"], session["grant"]) == ("high", "in_progress", "none")
    for spelling in ("in_progress", "in-progress", "In Progress", "IN_PROGRESS"):
        listed = bt_env.run("session", "list", "--status", spelling, "--json")
        assert listed.returncode == 0, (spelling, listed.stderr)
        assert [s["id"] for s in json.loads(listed.stdout)] == [session["id"]], spelling
    assert json.loads(bt_env.run("session", "list", "--status", "waiting", "--json").stdout) == []
    granted = bt_env.run("screen", "grant", "View-Only", "--json")
    assert granted.returncode == 0, granted.stderr
    assert json.loads(granted.stdout) == {"session": session["id"], "grant": "view"}
    asked = bt_env.run("screen", "request", "control", "--json")
    assert json.loads(asked.stdout) == {"session": session["id"], "requested": "control", "grant": "view"}
