"""`cmd notification post` is judged by what it prints: real Android exits 0 on failure too."""

from __future__ import annotations

from adb_backend.notify import post_command, post_refusal

POSTED = "posting:\n  Notification(channel=shellcmd shortcut=null contentView=null vibrate=null sound=default)\n"


def test_the_posting_line_is_success():
    assert post_refusal(POSTED, "", 0) is None


def test_an_error_printed_with_exit_code_zero_is_a_refusal():
    out = "Error occurred. Check logcat for details. Unknown intent option: --bogus\n"
    assert post_refusal(out, "", 0) == out.strip()


def test_the_usage_text_for_an_unknown_option_is_a_refusal():
    usage = "usage: cmd notification post [flags] <tag> <text>\n\nflags:\n  -h|--help\n"
    assert "usage text" in (post_refusal(usage, "", 0) or "")


def test_an_old_android_without_the_command_is_a_refusal():
    assert post_refusal("", "Unknown command: post\n", 255) == "Unknown command: post"


def test_the_content_intent_and_every_word_are_quoted():
    line = post_command("bt-session-1", "Support with O'Brien", "tap; rm -rf /", open_url="http://127.0.0.1:1/s/x")
    assert "-c activity -a android.intent.action.VIEW -d http://127.0.0.1:1/s/x" in line
    assert "'Support with O'\"'\"'Brien'" in line and "'tap; rm -rf /'" in line
