"""`cmd notification post` (NotificationShellCmd): posts as com.android.shell and shows a heads-up."""

from __future__ import annotations

from virtual_device.commands import CommandContext

USAGE = """usage: cmd notification SUBCMD [args]

SUBCMDs:
  allow_listener COMPONENT [user_id (current user if not specified)]
  disallow_listener COMPONENT [user_id (current user if not specified)]
  allow_assistant COMPONENT [user_id (current user if not specified)]
  remove_assistant COMPONENT [user_id (current user if not specified)]
  set_dnd [on|none (same as on)|priority|alarms|all|off (same as all)]
  allow_dnd PACKAGE [user_id (current user if not specified)]
  disallow_dnd PACKAGE [user_id (current user if not specified)]
  reset_assistant_user_set [user_id (current user if not specified)]
  get_approved_assistant [user_id (current user if not specified)]
  post [--help | flags] TAG TEXT
  set_bubbles PACKAGE PREFERENCE (0=none 1=all 2=selected) [user_id (current user if not specified)]
  set_bubbles_channel PACKAGE CHANNEL_ID ALLOW [user_id (current user if not specified)]
  list
  get <notification-key>
  snooze --for <msec> <notification-key>
  unsnooze <notification-key>
"""
POST_USAGE = """usage: cmd notification post [flags] <tag> <text>

flags:
  -h|--help
  -v|--verbose
  -t|--title <text>
  -i|--icon <iconspec>
  -I|--large-icon <iconspec>
  -S|--style <style> [styleargs]
  -c|--content-intent <intentspec>
"""


async def notification_command(ctx: CommandContext, args: list[str]) -> int:
    if ctx.device.api_level < 29:
        await ctx.err(f"Unknown command: {args[0] if args else ''}\n")
        return 255
    if not args or args[0] in ("help", "-h"):
        await ctx.out(USAGE)
        return 0
    if args[0] == "list":
        screen = ctx.device.screen
        for n in screen.notifications if screen is not None else []:
            await ctx.out(f"0|{n.package}|2020|{n.tag}|2000\n")
        return 0
    if args[0] != "post":
        await ctx.err(f"Unknown command: {args[0]}\n")
        await ctx.out(USAGE)
        return 255
    rest = args[1:]
    title = ""
    verbose = False
    positional: list[str] = []
    i = 0
    while i < len(rest):
        a = rest[i]
        if a in ("-h", "--help"):
            await ctx.out(POST_USAGE)
            return 0
        if a in ("-v", "--verbose"):
            verbose = True
        elif a in ("-t", "--title") and i + 1 < len(rest):
            title = rest[i + 1]
            i += 1
        elif a in ("-c", "--content-intent", "--intent"):
            i = _skip_intent(rest, i + 1) - 1  # Intent.parseCommandArgs takes `am start`-style options
        elif a in (
            "-i",
            "--icon",
            "-I",
            "--large-icon",
            "-S",
            "--style",
            "--bigtext",
            "--picture",
            "--line",
            "--conversation",
            "--message",
        ) and i + 1 < len(rest):
            i += 1
        else:
            positional.append(a)
        i += 1
    if len(positional) < 2:
        await ctx.err("Error: Notification must have tag and text\n" if positional else POST_USAGE)
        return 255
    tag, text = positional[0], " ".join(positional[1:])
    summary = (
        "Notification(channel=shell_cmd shortcut=null contentView=null vibrate=null sound=null "
        "defaults=0x0 flags=0x10 color=0x00000000 vis=PRIVATE)"
    )
    await ctx.out(f"posting:\n  {summary}\n")
    if ctx.device.screen is not None:
        ctx.device.screen.post_notification(tag, title, text, "com.android.shell")
    if verbose:
        await ctx.out(
            f"posted:\n  NotificationRecord(0x0c4f3a21: pkg=com.android.shell user=UserHandle{{0}} "
            f"id=2020 tag={tag} importance=3 key=0|com.android.shell|2020|{tag}|2000: {summary})\n"
        )
    return 0


_INTENT_ONE = {"-a", "-d", "-t", "-c", "-n", "-f", "-p", "-i", "--user"}
_INTENT_TWO = {"--es", "--ei", "--el", "--ef", "--ez", "--eu", "--esn", "--ecn", "--eia", "--esa"}


def _skip_intent(args: list[str], i: int) -> int:
    """The index after an intentspec: `[activity|broadcast|service] {-a X | -d X | --es K V | ...}`."""
    if i < len(args) and args[i] in ("activity", "broadcast", "service"):
        i += 1
    while i < len(args):
        if args[i] in _INTENT_ONE:
            i += 2
        elif args[i] in _INTENT_TWO:
            i += 3
        elif args[i] == "--esn" or args[i].startswith("--activity-") or args[i].startswith("--receiver-"):
            i += 1
        else:
            break
    return i
