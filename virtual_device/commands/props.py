"""getprop / setprop / settings: the property service and the settings provider."""

from __future__ import annotations

from virtual_device.commands import CommandContext, command


@command("getprop")
async def getprop(ctx: CommandContext, argv: list[str]) -> int:
    props = ctx.device.props
    args = [a for a in argv[1:] if not a.startswith("-")]
    if not args:
        await ctx.out("".join(f"[{k}]: [{props[k]}]\n" for k in sorted(props)))
        return 0
    default = args[1] if len(args) > 1 else ""
    await ctx.out(props.get(args[0], default) + "\n")
    return 0


@command("setprop")
async def setprop(ctx: CommandContext, argv: list[str]) -> int:
    if len(argv) != 3:
        await ctx.err("usage: setprop NAME VALUE\n\nSets an Android system property.\n")
        return 1
    name, value = argv[1], argv[2]
    # shell may only set debug./persist.log./log. style properties; ro.* are write-once
    if name.startswith("ro.") or not name.startswith(
        ("debug.", "log.", "persist.log.", "persist.sys.", "vendor.debug.", "service.adb.", "persist.debug.")
    ):
        await ctx.err(f"Failed to set property '{name}' to '{value}'.\nSee dmesg for error reason.\n")
        return 1
    ctx.device.props[name] = value
    ctx.device.save()
    return 0


_SETTINGS_USAGE = """Settings provider (settings) commands:
  help
      Print this help text.
  get [--user <USER_ID> | current] NAMESPACE KEY
      Retrieve the current value of KEY.
  put [--user <USER_ID> | current] NAMESPACE KEY VALUE [TAG] [default]
      Change the contents of KEY to VALUE.
  delete [--user <USER_ID> | current] NAMESPACE KEY
      Delete the entry for KEY.
  list [--user <USER_ID> | current] NAMESPACE
      Print all defined keys.
      NAMESPACE is one of {system, secure, global}, case-insensitive
"""


@command("settings")
async def settings(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] == ["--user"]:
        args = args[2:]
    if not args or args[0] in ("help", "-h"):
        await ctx.out(_SETTINGS_USAGE)
        return 0
    verb, rest = args[0], args[1:]
    if rest[:1] == ["--user"]:
        rest = rest[2:]
    need = {"get": 2, "put": 3, "delete": 2, "list": 1}.get(verb)
    if need is None or len(rest) < need:
        await ctx.err(f"Invalid command: {verb}\n" if need is None else "Invalid arguments\n")
        await ctx.out(_SETTINGS_USAGE)
        return 255
    ns = rest[0].lower()
    table = ctx.device.settings.get(ns)
    if table is None:
        await ctx.err(f"Invalid namespace '{rest[0]}'\n")
        return 255
    if verb == "get":
        await ctx.out(table.get(rest[1], "null") + "\n")
    elif verb == "put":
        table[rest[1]] = rest[2]
        ctx.device.save()
    elif verb == "delete":
        await ctx.out(f"Deleted {1 if table.pop(rest[1], None) is not None else 0} rows\n")
        ctx.device.save()
    else:
        await ctx.out("".join(f"{k}={table[k]}\n" for k in sorted(table)))
    return 0
