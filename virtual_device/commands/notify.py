"""`cmd notification` (NotificationShellCmd): `post` as com.android.shell, on Android 10 and later.

As on a phone: the notification goes on the shell's own channel at IMPORTANCE_DEFAULT, so it lands in
the shade without a heads-up card; every failure inside `onCommand` prints "Error occurred. Check logcat
for details. ..." on stdout and the exit code is still 0; a usage problem prints the usage, exit 0.
Before Android 10 there is no `post` (the default handler answers "Unknown command", exit 255).
"""

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

styles: (default none)
  bigtext
  bigpicture --picture <iconspec>
  inbox --line <text> --line <text> ...
  messaging --conversation <title> --message <who>:<text> ...
  media

an <iconspec> is one of
  file:///data/local/tmp/<img.png>
  content://<provider>/<path>
  @[<package>:]drawable/<img>
  data:base64,<B64DATA==>

an <intentspec> is (broadcast|service|activity) <args>
  <args> are as described in `am start`
"""
IMPORTANCE_DEFAULT = 3
FAILURE_KEY = "notification_failure"
"""DeviceState.config key: when set, posting throws with this message (a broken NotificationManager)."""


async def notification_command(ctx: CommandContext, args: list[str]) -> int:
    api = ctx.device.api_level
    if not args or args[0] in ("help", "-h"):
        await ctx.out(USAGE)
        return 0
    verb = args[0].replace("-", "_")
    if verb == "list" and api >= 29:
        screen = ctx.device.screen
        for n in screen.notifications if screen is not None else []:
            await ctx.out(f"0|{n.package}|{NOTIFICATION_ID}|{n.tag}|2000\n")
        return 0
    if verb not in ("post", "notify") or api < 29:
        await ctx.out(f"Unknown command: {args[0]}\n")  # ShellCommand.handleDefaultCommands
        return 255
    try:
        return await _post(ctx, args[1:])
    except _ShellError as error:
        await ctx.out(f"Error occurred. Check logcat for details. {error}\n")
        return 0


NOTIFICATION_ID = 2020


class _ShellError(Exception):
    """An exception thrown inside NotificationShellCmd.onCommand (caught there, exit code 0)."""


def _channel(api: int) -> str:
    return "shellcmd" if api < 31 else "shell_cmd"


async def _post(ctx: CommandContext, rest: list[str]) -> int:
    title = ""
    verbose = False
    i = 0
    valued = ("-t", "--title", "title", "-i", "--icon", "icon", "-I", "--large-icon")
    while i < len(rest) and rest[i].startswith("-") or (i < len(rest) and rest[i] in ("title", "icon")):
        opt = rest[i]
        if opt in ("-v", "--verbose"):
            verbose = True
        elif opt in ("-c", "--content-intent", "--intent"):
            i = _skip_intent(rest, i + 1) - 1  # Intent.parseCommandArgs takes `am start`-style options
        elif opt in valued or opt in ("-S", "--style", "--bigtext", "--picture", "--line", "--message"):
            if i + 1 >= len(rest):
                raise _ShellError(f'Argument expected after "{opt}"')
            if opt in ("-t", "--title", "title"):
                title = rest[i + 1]
            elif opt in ("-S", "--style") and rest[i + 1].lower() not in (
                "bigtext",
                "bigpicture",
                "inbox",
                "messaging",
                "media",
            ):
                raise _ShellError(f"unrecognized notification style: {rest[i + 1].lower()}")
            i += 1
        else:  # -h, --help and any unknown flag: the usage, and 0
            await ctx.out(POST_USAGE + "\n")
            return 0
        i += 1
    positional = rest[i:]
    if len(positional) < 2:
        await ctx.out(POST_USAGE + "\n")  # doNotify's -1 is dropped by onCommand
        return 0
    tag, text = positional[0], positional[1]  # getNextArg() twice: later words are ignored
    failure = ctx.device.config.get(FAILURE_KEY)
    if failure:
        raise _ShellError(str(failure))
    api = ctx.device.api_level
    summary = (
        f"Notification(channel={_channel(api)} shortcut=null contentView=null vibrate=null sound=null "
        "defaults=0x0 flags=0x0 color=0x00000000 vis=PRIVATE)"
    )
    await ctx.out(f"posting:\n  {summary}\n")
    if ctx.device.screen is not None:
        ctx.device.screen.post_notification(tag, title, text, "com.android.shell", importance=IMPORTANCE_DEFAULT)
    if verbose:
        await ctx.out(
            f"posted: \n  NotificationRecord(0x0c4f3a21: pkg=com.android.shell user=UserHandle{{0}} "
            f"id={NOTIFICATION_ID} tag={tag} importance={IMPORTANCE_DEFAULT} "
            f"key=0|com.android.shell|{NOTIFICATION_ID}|{tag}|2000: {summary})\n"
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
