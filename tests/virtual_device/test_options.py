"""The toybox-style option parser, and the commands that use it as a user of the device shell sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.virtual_device.test_commands import sh
from virtual_device.commands.options import OptionSpec, UsageError
from virtual_device.device import DeviceState


def parse(spec: str, *args: str) -> tuple[set[str], dict[str, object], list[str]]:
    o = OptionSpec(spec).parse(["prog", *args])
    return o.flags, o.values, o.args


def test_combined_flags_values_and_operands() -> None:
    flags, values, args = parse("alRn:e*c#", "-laR", "x", "-n5", "-e", "a", "-eb", "y", "-c", "7")
    assert flags == {"l", "a", "R", "n", "e", "c"}
    assert values == {"n": "5", "e": ["a", "b"], "c": 7}
    assert args == ["x", "y"]


def test_double_dash_ends_options_and_dash_is_an_operand() -> None:
    assert parse("l", "-l", "--", "-x", "-")[2] == ["-x", "-"]
    assert parse("l", "-")[2] == ["-"]


def test_long_options_with_equals_prefixes_and_optional_values() -> None:
    flags, values, _ = parse("c:(format)p(parents)", "--form=%s", "--parents")
    assert flags == {"c", "p"} and values == {"c": "%s"}
    assert parse("(color):;v", "--color", "x")[2] == ["x"]
    assert parse("(color):;v", "--color=never")[1] == {"color": "never"}


def test_consecutive_long_only_options_are_separate_and_failures_say_why() -> None:
    # screenrecord's shape: long options only, one after another (as toybox ls's `(full-time)(show-control-chars)`)
    flags, values, args = parse("(help)(verbose)(size):(bit-rate)*", "--verbose", "x", "--bit", "1", "--bit=2")
    assert flags == {"verbose", "bit-rate"} and values == {"bit-rate": ["1", "2"]} and args == ["x"]
    for argv, reason, option in [
        (["--frob=1"], "unknown", "frob=1"),
        (["-v"], "unknown", "v"),
        (["--size"], "missing", "size"),
        (["--verbose=1"], "no-argument", "verbose"),
        (["--b", "1"], "ambiguous", "b"),
    ]:
        with pytest.raises(UsageError) as info:
            OptionSpec("(help)(verbose)(size):(bit-rate)*(bugreport)").parse(["prog", *argv])
        assert (info.value.reason, info.value.option) == (reason, option)


def test_groups_last_wins_enables_and_excludes() -> None:
    assert parse("1Cl[-1Cl]", "-l1")[0] == {"1"}
    assert parse("rR[+rR]", "-r")[0] == {"r", "R"}
    with pytest.raises(UsageError, match="No 'x' with 'w'"):
        parse("wx[!wx]", "-wx")


@pytest.mark.parametrize(
    ("spec", "args", "message"),
    [
        ("al", ["-lz"], "Unknown option 'z'"),
        ("al", ["--all"], "Unknown option 'all'"),
        ("n:", ["-n"], "Missing argument to -n"),
        ("<1l", ["-l"], "Needs 1 argument"),
        ("<2", ["a"], "Need 2 arguments"),
        (">1", ["a", "b"], "Max 1 argument"),
        ("n#<1", ["-n", "0"], "-n < 1"),
        ("b*|c*|", [], "Needs one of -bc"),
    ],
)
def test_errors_use_toybox_wording(spec: str, args: list[str], message: str) -> None:
    with pytest.raises(UsageError) as err:
        parse(spec, *args)
    assert str(err.value) == message


def test_stop_at_first_operand_and_unknown_as_operand() -> None:
    assert parse("^n#", "-n", "1", "echo", "-n", "x")[2] == ["echo", "-n", "x"]
    assert parse("<2?vR", "a-rwx", "-x", "f")[2] == ["a-rwx", "-x", "f"]


@pytest.fixture
def device(tmp_path: Path) -> DeviceState:
    return DeviceState.create(tmp_path / "dev")


async def test_unknown_option_is_toybox_text_and_exit_1(device: DeviceState) -> None:
    assert await sh(device, "ls -lz /sdcard") == (1, "", "ls: Unknown option 'z' (see \"ls --help\")\n")
    assert await sh(device, "mkdir") == (1, "", 'mkdir: Needs 1 argument (see "mkdir --help")\n')
    code, _, err = await sh(device, "grep -Q x")
    assert (code, err) == (2, "grep: Unknown option 'Q' (see \"grep --help\")\n")


async def test_grep_options_through_the_parser(device: DeviceState) -> None:
    await sh(device, "printf 'one\\nTwo\\nthree\\ntwo-2\\n' > /data/local/tmp/g")
    f = "/data/local/tmp/g"
    assert (await sh(device, f"grep -in two {f}"))[1] == "2:Two\n4:two-2\n"
    assert (await sh(device, f"grep -e one -e three {f}"))[1] == "one\nthree\n"
    assert (await sh(device, f"grep -cv e {f}"))[1] == "2\n"
    assert (await sh(device, f"grep -w -m1 two {f}"))[1] == "two-2\n"
    assert (await sh(device, f"grep -H -- one {f}"))[1] == f"{f}:one\n"
    assert (await sh(device, f"grep -q nothing {f}"))[0] == 1


async def test_ls_combined_flags_and_head_tail_shorthand(device: DeviceState) -> None:
    await sh(device, "mkdir -p /data/local/tmp/d/sub && touch /data/local/tmp/d/.hid /data/local/tmp/d/f")
    assert (await sh(device, "ls -1A /data/local/tmp/d"))[1] == ".hid\nf\nsub\n"
    assert (await sh(device, "ls -pr /data/local/tmp/d"))[1] == "sub/\nf\n"
    assert (await sh(device, "seq 10 | head -3"))[1] == "1\n2\n3\n"
    assert (await sh(device, "seq 10 | tail -n +9"))[1] == "9\n10\n"
    assert (await sh(device, "seq -s , 3"))[1] == "1,2,3\n"


async def test_symbolic_chmod(device: DeviceState) -> None:
    f = "/data/local/tmp/m"
    await sh(device, f"touch {f} && chmod 644 {f}")
    for mode, want in (("u+x", "744"), ("a-rwx", "0"), ("go=r", "44"), ("u=rwx,g=u", "774")):
        code, _, err = await sh(device, f"chmod {mode} {f}")
        assert (code, err) == (0, "")
        assert (await sh(device, f"stat -c %a {f}"))[1] == want + "\n"
    assert await sh(device, f"chmod q+x {f}") == (1, "", "chmod: bad mode 'q+x'\n")
