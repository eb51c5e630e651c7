"""Small system programs: id, whoami, uname, date, sleep, env, which, reboot, df."""

from __future__ import annotations

import asyncio
import time

from virtual_device.commands import REGISTRY, CommandContext, command, load_all


@command("id")
async def id_(ctx: CommandContext, argv: list[str]) -> int:
    groups = (
        "3003(inet),3009(readproc),1004(input),1007(log),1011(adb),1015(sdcard_rw),1028(sdcard_r),"
        "1078(ext_data_rw),1079(ext_obb_rw),3001(net_bt_admin),3002(net_bt),3006(net_bw_stats),"
        "3011(uhid),3012(readtracefs)"
    )
    args = argv[1:]
    if "-u" in args:
        await ctx.out("shell\n" if "-n" in args else "2000\n")
    elif "-g" in args:
        await ctx.out("shell\n" if "-n" in args else "2000\n")
    else:
        await ctx.out(f"uid=2000(shell) gid=2000(shell) groups=2000(shell),{groups} context=u:r:shell:s0\n")
    return 0


@command("whoami")
async def whoami(ctx: CommandContext, argv: list[str]) -> int:
    await ctx.out("shell\n")
    return 0


KERNEL = "5.15.110-android14-11-gcc48824eebe8-ab11225181"
KERNEL_VERSION = "#1 SMP PREEMPT Wed Dec 20 08:14:05 UTC 2023"


@command("uname")
async def uname(ctx: CommandContext, argv: list[str]) -> int:
    host = "localhost"
    fields = {"s": "Linux", "n": host, "r": KERNEL, "v": KERNEL_VERSION, "m": "aarch64", "o": "Toybox"}
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
    if "a" in flags:
        order = "snrvmo"
    else:
        order = "".join(c for c in "snrvmo" if c in flags) or "s"
    await ctx.out(" ".join(fields[c] for c in order) + "\n")
    return 0


@command("date")
async def date(ctx: CommandContext, argv: list[str]) -> int:
    now = ctx.device.now()
    fmt = "%a %b %e %H:%M:%S %Z %Y"
    for arg in argv[1:]:
        if arg.startswith("+"):
            fmt = arg[1:]
        elif arg == "-u":
            pass
        else:
            await ctx.err("date: Need root\n" if arg[:1].isdigit() else f"date: bad date '{arg}'\n")
            return 1
    utc = "-u" in argv or "UTC" in ctx.env.get("TZ", "")
    tm = time.gmtime(now) if utc else time.localtime(now)
    fmt = fmt.replace("%Z", "UTC" if utc else time.strftime("%Z", tm)).replace("%s", str(int(now)))
    fmt = fmt.replace("%N", f"{int((now % 1) * 1e9):09d}")
    await ctx.out(time.strftime(fmt, tm) + "\n")
    return 0


@command("sleep")
async def sleep(ctx: CommandContext, argv: list[str]) -> int:
    total = 0.0
    for arg in argv[1:]:
        try:
            mult = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(arg[-1], None)
            total += float(arg[:-1]) * mult if mult else float(arg)
        except ValueError:
            await ctx.err(f"sleep: Not a number '{arg}'\n")
            return 1
    if len(argv) < 2:
        await ctx.err("sleep: Need 1 argument\n")
        return 1
    await asyncio.sleep(total)
    return 0


@command("env", "printenv")
async def env(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    if argv[0] == "printenv" and args:
        value = ctx.env.get(args[0])
        if value is None:
            return 1
        await ctx.out(value + "\n")
        return 0
    extra = {}
    while args and "=" in args[0]:
        k, _, v = args.pop(0).partition("=")
        extra[k] = v
    if args and ctx.shell is not None:
        ctx.shell.state.vars.update(extra)
        return await ctx.shell.exec_argv(args, list(extra.items()), ctx.io)
    merged = {**ctx.env, **extra}
    await ctx.out("".join(f"{k}={v}\n" for k, v in sorted(merged.items())))
    return 0


@command("which")
async def which(ctx: CommandContext, argv: list[str]) -> int:
    load_all()
    status = 0
    for name in argv[1:]:
        if name in REGISTRY or name in ("sh", "echo", "test", "true", "false", "printf"):
            await ctx.out(f"/system/bin/{name}\n")
        else:
            status = 1
    return status


@command("reboot")
async def reboot(ctx: CommandContext, argv: list[str]) -> int:
    hook = getattr(ctx.device, "reboot_hook", None)
    if hook is not None:
        result = hook()
        if asyncio.iscoroutine(result):
            await result
    else:
        ctx.device.reboot()
    return 0


@command("getenforce")
async def getenforce(ctx: CommandContext, argv: list[str]) -> int:
    await ctx.out("Enforcing\n")
    return 0


@command("uptime")
async def uptime(ctx: CommandContext, argv: list[str]) -> int:
    up = int(ctx.device.uptime())
    days, rem = divmod(up, 86400)
    clock = time.strftime("%H:%M:%S", time.localtime(ctx.device.now()))
    await ctx.out(
        f" {clock} up {days} days, {rem // 3600:2d}:{rem % 3600 // 60:02d},  0 users,  load average: 2.61, 2.48, 2.35\n"
    )
    return 0


def _human(n: float) -> str:
    """toybox's human_readable: 1 decimal below 10, units K M G T."""
    units = "BKMGTP"
    i = 0
    while n >= 1000 and i < len(units) - 1:
        n /= 1024
        i += 1
    if i == 0:
        return f"{int(n)}"
    return f"{n:.1f}{units[i]}" if n < 10 else f"{n:.0f}{units[i]}"


@command("df")
async def df(ctx: CommandContext, argv: list[str]) -> int:
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-"))
    paths = [a for a in argv[1:] if not a.startswith("-")]
    mounts = ctx.fs.mounts()
    if paths:
        chosen = []
        for p in paths:
            try:
                chosen.append(ctx.fs.mount_for(ctx.resolve(p)))
            except OSError as exc:
                await ctx.err(f"df: {p}: {exc.strerror}\n")
                return 1
        mounts = chosen
    rows = []
    if "h" in flags:
        rows.append(("Filesystem", "Size", "Used", "Avail", "Use%", "Mounted on"))
        for m in mounts:
            pct = f"{-(-m.used * 100 // m.size)}%" if m.size else "0%"
            rows.append((m.source, _human(m.size), _human(m.used), _human(m.avail), pct, m.target))
    else:
        rows.append(("Filesystem", "1K-blocks", "Used", "Available", "Use%", "Mounted on"))
        for m in mounts:
            pct = f"{-(-m.used * 100 // m.size)}%" if m.size else "0%"
            rows.append((m.source, str(m.size // 1024), str(m.used // 1024), str(m.avail // 1024), pct, m.target))
    w0 = max(15, *(len(r[0]) for r in rows))
    widths = [max(len(r[i]) for r in rows) for i in range(1, 5)]
    out = []
    for r in rows:
        cells = [r[0].ljust(w0)] + [r[i].rjust(widths[i - 1]) for i in range(1, 5)] + [r[5]]
        out.append(" ".join(cells) + "\n")
    await ctx.out("".join(out))
    return 0
