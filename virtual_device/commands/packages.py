"""pm and `cmd package` (PackageManagerShellCommand wording): list, path, uninstall, clear, dump, ..."""

from __future__ import annotations

from virtual_device.commands import CommandContext, command


def _user_arg(args: list[str]) -> tuple[int | None, list[str]]:
    """Pull `--user N` (or `current`/`all`) out of args."""
    out, user = [], None
    i = 0
    while i < len(args):
        if args[i] == "--user" and i + 1 < len(args):
            value = args[i + 1]
            user = 0 if value in ("current", "cur") else (-1 if value == "all" else int(value))
            i += 2
            continue
        out.append(args[i])
        i += 1
    return user, out


async def _list_packages(ctx: CommandContext, args: list[str]) -> int:
    user, args = _user_arg(args)
    flags = set()
    filters = []
    api = ctx.device.api_level
    known = "fdesi3luU" if api >= 26 else "fdesi3lu"  # -U (uids) arrived with Android 8
    skip = False
    for i, a in enumerate(args):
        if skip:
            skip = False
            continue
        if a == "--show-versioncode" and api >= 28:  # Android 9
            flags.add("V")
        elif a in ("--apex-only", "--factory-only") and api >= 29:
            continue
        elif a == "--uid" and api >= 26 and i + 1 < len(args):
            skip = True
        elif a.startswith("-") and (a.startswith("--") or not set(a[1:]) <= set(known)):
            await ctx.err(f"Error: Unknown option: {a}\n")  # PackageManagerShellCommand: -1, exit 255
            return 255
        elif a.startswith("-"):
            flags.update(a[1:])
        else:
            filters.append(a)
    device = ctx.device
    lines = []
    for pkg in device.packages.values():
        installed = device.installed_for_user(pkg.name, user if user not in (None, -1) else 0)
        if not installed and "u" not in flags:
            continue
        if "s" in flags and not pkg.system or "3" in flags and pkg.system:
            continue
        if "d" in flags and pkg.enabled or "e" in flags and not pkg.enabled:
            continue
        if filters and filters[0] not in pkg.name:
            continue
        line = "package:"
        if "f" in flags:
            line += f"{pkg.path}="
        line += pkg.name
        if "V" in flags:
            line += f" versionCode:{pkg.version_code}"
        if "i" in flags:
            line += f"  installer={pkg.installer or 'null'}"
        if "U" in flags:
            line += f" uid:{pkg.uid}"
        lines.append(line + "\n")
    await ctx.out("".join(lines))
    return 0


async def _uninstall(ctx: CommandContext, args: list[str]) -> int:
    user, args = _user_arg(args)
    names = [a for a in args if not a.startswith("-")]
    if not names:
        await ctx.err("Error: package name not specified\n")
        return 1
    device = ctx.device
    name = names[0]
    pkg = device.packages.get(name)
    if user not in (None, -1):
        if pkg is None or not device.installed_for_user(name, user):
            await ctx.out(f"Failure [not installed for {user}]\n")
            return 1
        device.uninstall(name, user=user if pkg.system else None) if pkg.system else device.uninstall(name, None)
        await ctx.out("Success\n")
        return 0
    if pkg is None or pkg.system:
        await ctx.out("Failure [DELETE_FAILED_INTERNAL_ERROR]\n")
        return 1
    device.uninstall(name, None, keep_data="-k" in args)
    await ctx.out("Success\n")
    return 0


async def _path(ctx: CommandContext, args: list[str]) -> int:
    user, args = _user_arg(args)
    if not args:
        await ctx.err("Error: no package specified\n")
        return 1
    device = ctx.device
    if not device.installed_for_user(args[0], user or 0):
        return 1
    await ctx.out(f"package:{device.packages[args[0]].path}\n")
    return 0


async def _clear(ctx: CommandContext, args: list[str]) -> int:
    _, args = _user_arg(args)
    if not args or not ctx.device.installed_for_user(args[0]):
        await ctx.out("Failed\n")
        return 1
    ctx.device.force_stop(args[0])
    await ctx.out("Success\n")
    return 0


async def _enable(ctx: CommandContext, verb: str, args: list[str]) -> int:
    _, args = _user_arg(args)
    pkg = ctx.device.packages.get(args[0]) if args else None
    if pkg is None:
        await ctx.err(f"Error: Unknown package: {args[0] if args else ''}\n")
        return 1
    pkg.enabled = verb == "enable"
    if not pkg.enabled:
        ctx.device.force_stop(pkg.name)
    state = {"enable": "enabled", "disable": "disabled", "disable-user": "disabled-user"}[verb]
    await ctx.out(f"Package {pkg.name} new state: {state}\n")
    return 0


PM_USAGE = """Package manager (package) commands:
  help
    Print this help text.

  path [--user USER_ID] PACKAGE
    Print the path to the .apk of the given PACKAGE.

  list packages [-f] [-d] [-e] [-s] [-3] [-i] [-l] [-u] [-U]
      [--show-versioncode] [--apex-only] [--uid UID] [--user USER_ID] [FILTER]
    Prints all packages; optionally only those whose name contains
    the text in FILTER.

  install [-r] [-t] [-d] [-g] [--user USER_ID] [-S BYTES] [PATH|-]
    Install an application.  Must provide the apk data to install, either as
    file path(s) or '-' to read from stdin.  Options are:
      -d: allow version code downgrade
      -S: size in bytes of package, required for stdin

  uninstall [-k] [--user USER_ID] [--versionCode VERSION_CODE]
       PACKAGE [SPLIT...]
    Remove the given package name from the system.  May remove an entire app
    if no SPLIT names specified, otherwise will remove only the splits of the
    given app.  Options are:
      -k: keep the data and cache directories around after package removal.
      --user: remove the app from the given user.

  clear [--user USER_ID] [--cache-only] PACKAGE
    Deletes data associated with a package.

  enable [--user USER_ID] PACKAGE_OR_COMPONENT
  disable [--user USER_ID] PACKAGE_OR_COMPONENT
  disable-user [--user USER_ID] PACKAGE_OR_COMPONENT
"""


async def package_command(ctx: CommandContext, args: list[str]) -> int:
    """The `package` service shell command, shared by `pm` and `cmd package`."""
    if not args or args[0] in ("help", "-h"):
        await ctx.out(PM_USAGE)
        return 0
    verb, rest = args[0], args[1:]
    if verb == "list":
        what = rest[0] if rest else ""
        if what in ("packages", "package"):
            return await _list_packages(ctx, rest[1:])
        if what == "users":
            await ctx.out("Users:\n\tUserInfo{0:Owner:c13} running\n")
            return 0
        if what == "features":
            await ctx.out(
                "feature:android.hardware.camera\nfeature:android.hardware.wifi\n"
                "feature:android.hardware.touchscreen\nfeature:android.software.webview\n"
            )
            return 0
        await ctx.err(f"Error: unknown list type '{what}'\n")
        return 255
    if verb == "path":
        return await _path(ctx, rest)
    if verb == "uninstall":
        return await _uninstall(ctx, rest)
    if verb == "install":
        from virtual_device.commands.install import install

        return await install(ctx, rest)
    if verb == "clear":
        return await _clear(ctx, rest)
    if verb in ("enable", "disable", "disable-user"):
        return await _enable(ctx, verb, rest)
    if verb == "dump":
        from virtual_device.commands.dumpsys import dump_package

        return await dump_package(ctx, rest)
    if verb in ("grant", "revoke", "trim-caches"):
        return 0
    if verb == "resolve-activity":
        pkg = next((a for a in rest if not a.startswith("-")), "")
        p = ctx.device.packages.get(pkg)
        if p is None or not p.activity:
            await ctx.out("No activity found\n")
            return 0
        await ctx.out(f"{p.name}/{p.activity}\n")
        return 0
    await ctx.err(f"Unknown command: {verb}\n")
    return 255


@command("pm")
async def pm(ctx: CommandContext, argv: list[str]) -> int:
    return await package_command(ctx, argv[1:])
