"""The fast lane (bt_cli/fast_lane.py) parses the commands scripts run most without Click: it must take
exactly what Click takes, the same way, leave everything else to Click, and answer the same as the
Click path does, through the real stack."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import click
import pytest

from bt_cli import fast_spec
from bt_cli.fast_lane import _Decline, parse
from bt_cli.fast_lane_gen import describe_all
from bt_cli.fast_targets import TARGETS
from bt_cli.main import full_command


def test_the_committed_description_is_what_the_click_commands_say():
    fresh = describe_all(full_command())
    assert (fast_spec.ROOT, fast_spec.COMMANDS) == (fresh["ROOT"], fresh["COMMANDS"]), (
        "bt_cli/fast_spec.py is stale: run .venv/bin/python scripts/gen_man.py"
    )


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}


def _click_parse(args: list[str], monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> tuple[Any, ...]:
    """What Click makes of `args`: the global options and the leaf command's parameters."""
    for name in ("BT_DEVICE", "BT_ADB_SERVER", "BT_SESSION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    root = full_command()
    ctx = root.make_context("bt", list(args))
    rest = [*ctx._protected_args, *ctx.args]
    words, command, parent = [], root, ctx
    while isinstance(command, click.Group):  # down to the command: `bt devices` or `bt files ls`
        name, found, rest = command.resolve_command(parent, rest)
        assert found is not None and name is not None
        words.append(name)
        command = found
        parent = command.make_context(name, rest, parent=parent)
        rest = [*parent._protected_args, *parent.args]
    return " ".join(words), _plain(parent.params), _plain(ctx.params)


ACCEPTED: list[tuple[list[str], dict[str, str]]] = [
    (["files", "pull", "/sdcard/a", "out"], {}),
    (["files", "pull", "--on-clash", "skip", "/sdcard/a", "/sdcard/b", "out"], {}),
    (["files", "pull", "/sdcard/a", "--on-clash=cancel", "out", "--json", "--progress"], {}),
    (["files", "push", "--no-preserve-times", "--queue", "x", "/sdcard/"], {}),
    (["files", "push", "--", "--odd-name", "/sdcard/"], {}),
    (["files", "pull", "a", "b", "--", "-h"], {}),  # after --, even -h is a name
    (
        [
            *["-d", "SER1", "--adb-server", "h:1", "--adb-server", "h:2,h:3", "-s", "abc"],
            *["-v", "-v", "-q", "--no-color", "files", "ls", "-a", "-l", "/sdcard"],
        ],
        {},
    ),
    (["--color", "--device=SER2", "files", "ls"], {}),
    (["files", "ls", "--all", "--long", "--json", "-"], {}),
    (["files", "ls"], {"BT_DEVICE": "S9", "BT_ADB_SERVER": "a:1 b:2", "BT_SESSION": "s9"}),
    (["--device", "S1", "--session", "", "files", "ls"], {"BT_DEVICE": "S9", "BT_SESSION": "s9"}),
    (["files", "ls"], {"BT_DEVICE": "", "BT_ADB_SERVER": ""}),
    (["chat", "send", "hello world"], {}),
    (["chat", "send", "--canned", "greeting"], {}),
    (["chat", "send", "--no-spellcheck", "--session", "s1", "--json", "--", "--not-an-option"], {}),
    (["input", "tap", "10", "20"], {}),
    (["input", "tap", "--json", "0", "2400"], {}),
    (["input", "swipe", "1", "2", "3", "4", "--ms", "300"], {}),
    (["input", "swipe", "1", "2", "3", "4"], {}),
    (["input", "text", "--", "-hello"], {}),
    (["input", "key", "HOME", "--json"], {}),
    (["devices"], {}),
    (["devices", "--json"], {"BT_ADB_SERVER": "h:1"}),
    (["--adb-server", "h:1,h:2", "devices", "-w", "--json"], {}),
]


@pytest.mark.parametrize(("args", "env"), ACCEPTED, ids=[" ".join(a) or "-" for a, _ in ACCEPTED])
def test_the_lane_parses_what_it_takes_exactly_as_click_does(args, env, monkeypatch):
    target, values, root = parse(args, env)
    path, click_values, click_root = _click_parse(args, monkeypatch, env)
    assert target == TARGETS[path]
    assert values == click_values
    # options the lane leaves to Click (--version: its callback decides its value) never reach an action
    declined = {p["name"] for p in fast_spec.ROOT if p["kind"] == "decline"}
    assert root == {k: v for k, v in click_root.items() if k not in declined}


DECLINED: list[list[str]] = [
    [],
    ["--help"],
    ["files", "pull", "--help"],
    ["files", "pull", "-h", "a", "b"],
    ["files", "ls", "--bogus"],
    ["files", "ls", "--json=yes"],
    ["files", "pull", "--on-clash", "Overwrite", "a", "b"],  # a spelling only the core's parser knows
    ["files", "pull", "--on-clash", "sometimes", "a", "b"],
    ["files", "pull", "--on-clash"],
    ["files", "pull"],
    ["files", "ls", "a", "b"],
    ["files", "mkdir", "/sdcard/x"],
    ["input", "tap", "1"],
    ["input", "tap", "1", "2", "3"],
    ["input", "tap", "x", "2"],
    ["input", "tap", "-5", "2"],
    ["input", "tap", "١", "2"],  # a digit Python's int() takes, Click's might not say the same
    ["-vv", "files", "ls"],
    ["-dSER", "files", "ls"],
    ["--version"],
    ["--device", "files", "ls"],  # "files" is the device here; then "ls" is no group
    ["--device", "-x", "files", "ls"],
    ["files"],
    ["files", "--json", "ls"],
    ["devices", "--json", "extra"],
    ["devices", "-x"],
    ["connect", "1.2.3.4:5555"],
    ["--install-completion"],
]


@pytest.mark.parametrize("args", DECLINED, ids=[" ".join(a) or "(nothing)" for a in DECLINED])
def test_the_lane_leaves_anything_else_to_click(args):
    with pytest.raises(_Decline):
        parse(args, {})


def _answer(bt_env, argv: list[str], *, lane: bool) -> tuple[int, str, str, set[str]]:
    """One command in a fresh interpreter, through the lane or through Click: exit code, stdout,
    stderr and every module it imported."""
    call = "from bt_cli.fast_lane import run" if lane else "from bt_cli.main import run"
    code = (
        "import io, contextlib, sys, json\n"
        f"{call}\n"
        "out, err = io.StringIO(), io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
        f"    code = run({argv!r})\n"
        "print(json.dumps([code, out.getvalue(), err.getvalue(), sorted(sys.modules)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=bt_env.env, cwd=str(bt_env.data_dir)
    )
    assert done.returncode == 0, done.stderr
    exit_code, out, err, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return exit_code, out, err, {m.split(".")[0] for m in modules}


def test_the_lane_answers_as_click_does_and_never_imports_click(bt_env, vdevice):
    assert bt_env.run("session", "start", "--customer", "Ann").returncode == 0
    cases = [
        ["files", "ls", "/sdcard"],
        ["files", "ls", "--json", "/sdcard/Download"],
        ["files", "ls", "/nope"],  # outside the allowed folders: exit 10 and the policy's words
        ["input", "tap", "5", "5"],  # no control grant: exit 10
        ["--session", "zzzz", "files", "ls"],  # no such session
        ["files", "pull", "/sdcard/missing.txt", "here.txt"],
        ["devices", "--json"],
    ]
    for argv in cases:
        lane = _answer(bt_env, argv, lane=True)
        slow = _answer(bt_env, argv, lane=False)
        assert lane[:3] == slow[:3], argv
        assert not lane[3] & {"click", "typer"}, argv
        assert {"click", "typer"} <= slow[3]
    codes = [_answer(bt_env, argv, lane=True)[0] for argv in cases]
    assert codes[:4] == [0, 0, 10, 10] and codes[4] != 0 and codes[5] != 0 and codes[6] == 0


def test_a_lane_command_does_its_work_through_the_real_stack(bt_env, vdevice, tmp_path):
    """The entry point takes the lane: a message reaches the device and a file round-trips."""
    assert bt_env.run("session", "start", "--customer", "Ann").returncode == 0
    sent = bt_env.run("chat", "send", "--no-spellcheck", "--json", "lane says hi")
    assert sent.returncode == 0, sent.stderr
    assert json.loads(sent.stdout)["text"] == "lane says hi"
    source = tmp_path / "lane.bin"
    source.write_bytes(bytes(range(256)) * 300)
    bt_env.policy_path.write_text(f'[files]\nlocal_paths = ["{tmp_path}"]\n')
    pushed = bt_env.run("files", "push", str(source), "/sdcard/Download/")
    assert pushed.returncode == 0, pushed.stderr
    back = tmp_path / "back.bin"
    pulled = bt_env.run("files", "pull", "/sdcard/Download/lane.bin", str(back))
    assert pulled.returncode == 0, pulled.stderr
    assert back.read_bytes() == source.read_bytes()
    log = bt_env.run("log", "--json")
    assert "lane says hi" in log.stdout and "lane.bin" in log.stdout
