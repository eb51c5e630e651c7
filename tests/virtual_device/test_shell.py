"""The device shell: quoting, expansion, pipes, redirections, control flow and exit codes, as mksh behaves.

Runs `Shell(device).run()` in-process on a real DeviceState/VirtualFS with an in-memory ProcessIO.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from virtual_device.device import DeviceState
from virtual_device.shell import Shell


class Streams:
    def __init__(self, stdin: bytes = b"") -> None:
        self.stdin = stdin
        self.stdout = bytearray()
        self.stderr = bytearray()

    async def read_stdin(self, n: int = 65536) -> bytes:
        data, self.stdin = self.stdin[:n], self.stdin[n:]
        return data

    async def write_stdout(self, data: bytes) -> None:
        self.stdout += data

    async def write_stderr(self, data: bytes) -> None:
        self.stderr += data


@pytest.fixture
def device(tmp_path: Path) -> DeviceState:
    return DeviceState.create(tmp_path / "dev")


async def sh(device: DeviceState, command: str, stdin: bytes = b"") -> tuple[int, str, str]:
    streams = Streams(stdin)
    code = await Shell(device).run(command, streams)
    return code, streams.stdout.decode(), streams.stderr.decode()


# -- quoting and hostile names -------------------------------------------------------------------
@pytest.mark.parametrize(
    "name",
    ["a;reboot", "$(id)", "`id`", "it's", 'say "hi"', "two  spaces", "line\nbreak", "back\\slash", "*", "-rf"],
)
async def test_shlex_quoted_names_are_plain_files(device: DeviceState, name: str) -> None:
    path = "/sdcard/Download/" + name
    quoted = shlex.quote(path)
    code, out, err = await sh(device, f"echo -n payload > {quoted} && cat {quoted}")
    assert (code, out, err) == (0, "payload", "")
    assert device.fs.read_bytes(path) == b"payload"
    code, out, _ = await sh(device, f"ls {quoted}")
    assert out == path + "\n"


async def test_command_substitution_runs_inside_the_virtual_shell(device: DeviceState) -> None:
    code, out, _ = await sh(device, 'echo $(id -u) `whoami` "$(getprop ro.product.model)"')
    assert (code, out) == (0, "2000 shell Pixel 8\n")


async def test_single_quotes_keep_everything_literal(device: DeviceState) -> None:
    code, out, _ = await sh(device, "echo '$HOME $(id) `x` \"q\" a;b'")
    assert out == '$HOME $(id) `x` "q" a;b\n'


async def test_double_quotes_expand_variables_but_not_globs(device: DeviceState) -> None:
    code, out, _ = await sh(device, 'X="a  b"; echo "$X" $X "/sdcard/DCIM/Camera/*"')
    assert out == "a  b a b /sdcard/DCIM/Camera/*\n"


async def test_glob_expands_against_the_device_filesystem(device: DeviceState) -> None:
    code, out, _ = await sh(device, "echo /sdcard/DCIM/Camera/*.jpg")
    assert out == "/sdcard/DCIM/Camera/PXL_20240203_141522.jpg /sdcard/DCIM/Camera/PXL_20240207_090311.jpg\n"
    code, out, _ = await sh(device, "echo /sdcard/nothing*here")
    assert out == "/sdcard/nothing*here\n"


async def test_hidden_files_need_an_explicit_dot(device: DeviceState) -> None:
    _, out, _ = await sh(device, "cd /sdcard/Android/media && echo * .*")
    assert out == "* .nomedia\n"


# -- status, lists, pipes ------------------------------------------------------------------------
async def test_exit_status_and_adbutils_marker(device: DeviceState) -> None:
    code, out, _ = await sh(device, "false; echo X4EXIT:$?")
    assert (code, out) == (0, "X4EXIT:1\n")
    assert (await sh(device, "exit 3"))[0] == 3
    assert (await sh(device, "true && false || echo fallback"))[1] == "fallback\n"
    assert (await sh(device, "false && echo no"))[0] == 1
    assert (await sh(device, "! false"))[0] == 0


async def test_unknown_command_is_127_with_mksh_wording(device: DeviceState) -> None:
    code, out, err = await sh(device, "frobnicate --now")
    assert (code, out, err) == (127, "", "/system/bin/sh: frobnicate: inaccessible or not found\n")


async def test_host_programs_are_not_reachable(device: DeviceState) -> None:
    code, _, err = await sh(device, "/usr/bin/python3 -c 'print(1)'; /bin/bash -c id")
    assert code == 127
    assert "inaccessible or not found" in err


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("fi", "syntax error: 'fi' unexpected"),
        ("if true; then echo x", "syntax error: 'if' unmatched"),
        ("echo 'open", "no closing quote"),
        ("; ls", "syntax error: ';' unexpected"),
        ("true &&", "syntax error: unexpected EOF"),
    ],
)
async def test_syntax_errors(device: DeviceState, command: str, message: str) -> None:
    code, out, err = await sh(device, command)
    assert (code, out, err) == (1, "", f"/system/bin/sh: {message}\n")


async def test_pipeline_streams_between_commands(device: DeviceState) -> None:
    code, out, _ = await sh(device, "getprop | grep ro.product.model | cut -d: -f2 | tr -d ' []'")
    assert (code, out) == (0, "Pixel8\n")
    code, out, _ = await sh(device, "pm list packages -3 | wc -l")
    assert out == "6\n"


async def test_pipeline_status_is_the_last_command(device: DeviceState) -> None:
    assert (await sh(device, "false | true"))[0] == 0
    assert (await sh(device, "true | false"))[0] == 1


async def test_early_reader_exit_stops_an_endless_writer(device: DeviceState) -> None:
    code, out, _ = await sh(device, "logcat | head -2")
    assert code == 0
    assert out.splitlines()[0] == "--------- beginning of main"
    assert len(out.splitlines()) == 2


async def test_stdin_reaches_the_first_command(device: DeviceState) -> None:
    code, out, _ = await sh(device, "cat > /data/local/tmp/in.txt; wc -c < /data/local/tmp/in.txt", b"hello\n")
    assert (code, out) == (0, "6\n")


# -- redirections ----------------------------------------------------------------------------------
async def test_redirections(device: DeviceState) -> None:
    await sh(device, "echo one > /sdcard/r.txt; echo two >> /sdcard/r.txt")
    assert device.fs.read_bytes("/sdcard/r.txt") == b"one\ntwo\n"
    code, out, err = await sh(device, "cat /nope 2>&1")
    assert (out, err) == ("cat: /nope: No such file or directory\n", "")
    code, out, err = await sh(device, "cat /nope 2>/dev/null; echo $?")
    assert (out, err) == ("1\n", "")
    code, out, err = await sh(device, "echo oops >&2")
    assert (out, err) == ("", "oops\n")


async def test_redirect_into_read_only_and_denied_places(device: DeviceState) -> None:
    code, _, err = await sh(device, "echo x > /system/evil")
    assert (code, err) == (1, "/system/bin/sh: can't create /system/evil: Read-only file system\n")
    code, _, err = await sh(device, "echo x > /data/data/com.whatsapp/x")
    assert code == 1 and err.endswith("Permission denied\n")


# -- variables and control flow --------------------------------------------------------------------
async def test_assignment_prefix_is_seen_by_the_command_only(device: DeviceState) -> None:
    code, out, _ = await sh(device, "FOO=bar env | grep FOO; echo [$FOO]")
    assert out == "FOO=bar\n[]\n"


async def test_for_and_if_as_triage_scripts_use_them(device: DeviceState) -> None:
    script = """
    # count third-party apps that are running
    n=0
    for p in $(pm list packages -3 | cut -d: -f2); do
        if pidof "$p" >/dev/null; then n=$((n + 1)); echo "running $p"; fi
    done
    if [ -d /sdcard/DCIM ] && [ ! -e /sdcard/missing ]; then echo ok; else echo bad; fi
    """
    code, out, err = await sh(device, script)
    assert "running com.whatsapp\n" in out
    assert "running org.mozilla.firefox" not in out
    assert out.endswith("ok\n")
    code, out, _ = await sh(device, script + 'echo "total=$n"')
    assert out.endswith("total=3\n")


async def test_while_read_loop(device: DeviceState) -> None:
    code, out, _ = await sh(device, "printf 'a\\nb\\n' | while read x; do echo \"<$x>\"; done")
    assert out == "<a>\n<b>\n"


async def test_cd_changes_relative_paths_and_reports_errors(device: DeviceState) -> None:
    code, out, _ = await sh(device, "cd /sdcard/DCIM && pwd && ls Camera | head -1")
    assert out == "/sdcard/DCIM\nPXL_20240203_141522.jpg\n"
    code, _, err = await sh(device, "cd /nowhere")
    assert (code, err) == (1, "/system/bin/sh: cd: /nowhere: No such file or directory\n")


async def test_echo_and_test_builtins(device: DeviceState) -> None:
    assert (await sh(device, "echo -n a; echo -e 'b\\tc'"))[1] == "ab\tc\n"
    assert (await sh(device, "[ 3 -gt 2 ] && [ abc = abc ] && test -z ''"))[0] == 0
    code, _, err = await sh(device, "[ 1 -eq 1")
    assert (code, err) == (2, "/system/bin/sh: [: missing ]\n")


async def test_sh_dash_c_nests(device: DeviceState) -> None:
    code, out, _ = await sh(device, "sh -c 'echo inner; exit 4'; echo $?")
    assert out == "inner\n4\n"


# -- case and functions (triage scripts use both) -------------------------------------------------
async def test_case_matches_globs_alternatives_and_quoted_patterns(device: DeviceState) -> None:
    script = (
        "case $(getprop ro.build.version.sdk) in 3[0-3]) echo old;; 34|35) echo current;; *) echo other;; esac\n"
        'for f in a.jpg b.txt "c d.mp4"; do\n'
        '  case "$f" in\n    *.jpg|*.png) echo "$f image" ;;\n    (*.txt) echo "$f text" ;;\n'
        '    *) echo "$f other"\n  esac\ndone\n'
        'case abc in "a*") echo literal;; a*) echo glob;; esac\n'
        'case x in y) echo never;; esac; echo "status $?"'
    )
    code, out, err = await sh(device, script)
    assert (code, err) == (0, "")
    assert out == "current\na.jpg image\nb.txt text\nc d.mp4 other\nglob\nstatus 0\n"


async def test_functions_take_arguments_return_codes_and_pipe(device: DeviceState) -> None:
    script = (
        'is_on() { case "$1" in on|1|true) return 0;; esac; return 1; }\n'
        'show() {\n  echo "$# args: $1/$2"\n}\n'
        "is_on 1 && echo yes; is_on off || echo no\n"
        "show first second | cat\n"
        'echo "after: $# $1"'
    )
    code, out, err = await sh(device, script)
    assert (code, err) == (0, "")
    assert out == "yes\nno\n2 args: first/second\nafter: 0 \n"


async def test_an_unclosed_case_is_a_syntax_error_in_mksh_wording(device: DeviceState) -> None:
    code, _, err = await sh(device, "case x in")
    assert code == 1 and "syntax error: 'case' unmatched" in err


async def test_exec_redirection_in_a_subshell_stays_there(device: DeviceState) -> None:
    code, out, err = await sh(device, "(exec 2>/dev/null; ls /nonexistent); ls /nonexistent2")
    assert (code, out, err) == (1, "", "ls: /nonexistent2: No such file or directory\n")
