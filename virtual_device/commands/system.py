"""Small system programs: id, whoami, uname, date, sleep, env, which, reboot, df.

Each is a toybox program: its argv goes through the shared toybox option parser (commands/options.py)
with toybox's own option string, so unknown options and missing operands fail with toybox's words.
"""

from __future__ import annotations

import asyncio
import time

from virtual_device.commands import REGISTRY, CommandContext, load_all
from virtual_device.commands.options import Options, toybox

GROUPS = (
    (2000, "shell"), (3003, "inet"), (3009, "readproc"), (1004, "input"), (1007, "log"), (1011, "adb"),
    (1015, "sdcard_rw"), (1028, "sdcard_r"), (1078, "ext_data_rw"), (1079, "ext_obb_rw"), (3001, "net_bt_admin"),
    (3002, "net_bt"), (3006, "net_bw_stats"), (3011, "uhid"), (3012, "readtracefs"),
)  # fmt: skip
USERS = {"shell": (2000, GROUPS), "root": (0, ((0, "root"),))}


@toybox("id", opts=">1nGgru[!Ggu]")
async def id_(ctx: CommandContext, o: Options) -> int:
    """toybox id for the shell user (or root): `-u`/`-g`/`-G` pick a field, `-n` prints names."""
    user = o.args[0] if o.args else "shell"
    found = USERS.get(user) or next((v for k, v in USERS.items() if str(v[0]) == user), None)
    if found is None:
        await ctx.err(f"id: bad user '{user}'\n")
        return 1
    uid, groups = found
    name = next(k for k, v in USERS.items() if v[0] == uid)
    if "u" in o or "g" in o:
        await ctx.out(f"{name}\n" if "n" in o else f"{uid}\n")
    elif "G" in o:
        await ctx.out(" ".join(g[1] if "n" in o else str(g[0]) for g in groups) + "\n")
    else:
        listed = ",".join(f"{gid}({gname})" for gid, gname in groups)
        context = " context=u:r:shell:s0" if uid == 2000 and not o.args else ""
        await ctx.out(f"uid={uid}({name}) gid={uid}({name}) groups={listed}{context}\n")
    return 0


@toybox("whoami", opts=">0")
async def whoami(ctx: CommandContext, o: Options) -> int:
    await ctx.out("shell\n")
    return 0


KERNEL = "5.15.110-android14-11-gcc48824eebe8-ab11225181"
KERNEL_VERSION = "#1 SMP PREEMPT Wed Dec 20 08:14:05 UTC 2023"


@toybox("uname", opts="paomvrns")
async def uname(ctx: CommandContext, o: Options) -> int:
    host = "localhost"
    fields = {"s": "Linux", "n": host, "r": KERNEL, "v": KERNEL_VERSION, "m": "aarch64", "p": "aarch64", "o": "Toybox"}
    order = "snrvmo" if "a" in o else "".join(c for c in "snrvmpo" if c in o) or "s"
    await ctx.out(" ".join(fields[c] for c in order) + "\n")
    return 0


@toybox("date", opts="d:r:u(utc)[!dr]")
async def date(ctx: CommandContext, o: Options) -> int:
    """toybox date: show the time (`-u` in UTC, `-d @SECONDS`, `-r FILE`'s mtime) in `+FORMAT`."""
    now = ctx.device.now()
    fmt = "%a %b %e %H:%M:%S %Z %Y"
    for arg in o.args:
        if arg.startswith("+"):
            fmt = arg[1:]
        else:
            # toybox would set the clock: only root may
            await ctx.err("date: Need root\n" if arg[:1].isdigit() else f"date: bad date '{arg}'\n")
            return 1
    given = o.text("d")
    if given is not None:
        if not given.startswith("@") or not given[1:].lstrip("-").isdigit():
            await ctx.err(f"date: bad date '{given}'\n")
            return 1
        now = float(given[1:])
    reference = o.text("r")
    if reference is not None:
        try:
            now = ctx.fs.stat(ctx.resolve(reference)).mtime
        except OSError as exc:
            await ctx.err(f"date: {reference}: {exc.strerror}\n")
            return 1
    utc = "u" in o or "UTC" in ctx.env.get("TZ", "")
    tm = time.gmtime(now) if utc else time.localtime(now)
    fmt = fmt.replace("%Z", "UTC" if utc else time.strftime("%Z", tm)).replace("%s", str(int(now)))
    fmt = fmt.replace("%N", f"{int((now % 1) * 1e9):09d}")
    await ctx.out(time.strftime(fmt, tm) + "\n")
    return 0


@toybox("sleep", opts="<1")
async def sleep(ctx: CommandContext, o: Options) -> int:
    total = 0.0
    for arg in o.args:
        try:
            mult = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(arg[-1], None)
            total += float(arg[:-1]) * mult if mult else float(arg)
        except ValueError:
            await ctx.err(f"sleep: Not a number '{arg}'\n")
            return 1
    await asyncio.sleep(total)
    return 0


@toybox("printenv", opts="0(null)")
async def printenv(ctx: CommandContext, o: Options) -> int:
    """Every variable, or the named ones (exit 1 when one is unset); `-0` ends lines with NUL."""
    end = "\0" if "0" in o else "\n"
    if not o.args:
        await ctx.out("".join(f"{k}={v}{end}" for k, v in sorted(ctx.env.items())))
        return 0
    status = 0
    for name in o.args:
        value = ctx.env.get(name)
        if value is None:
            status = 1
        else:
            await ctx.out(value + end)
    return status


@toybox("env", opts="^i0u*")
async def env(ctx: CommandContext, o: Options) -> int:
    """`env [-i] [-u NAME] [NAME=VALUE...] [COMMAND...]`: run COMMAND in the changed environment, or list it."""
    args = list(o.args)
    base = {} if "i" in o else {k: v for k, v in ctx.env.items() if k not in o.every("u")}
    extra = {}
    while args and "=" in args[0]:
        k, _, v = args.pop(0).partition("=")
        extra[k] = v
    if args and ctx.shell is not None:
        ctx.shell.state.vars.update(extra)
        return int(await ctx.shell.exec_argv(args, list(extra.items()), ctx.io))
    merged = {**base, **extra}
    end = "\0" if "0" in o else "\n"
    await ctx.out("".join(f"{k}={v}{end}" for k, v in sorted(merged.items())))
    return 0


@toybox("which", opts="<1a")
async def which(ctx: CommandContext, o: Options) -> int:
    load_all()
    status = 0
    for name in o.args:
        if name in REGISTRY or name in ("sh", "echo", "test", "true", "false", "printf"):
            await ctx.out(f"/system/bin/{name}\n")
        else:
            status = 1
    return status


@toybox("reboot", opts="d:fn")
async def reboot(ctx: CommandContext, o: Options) -> int:
    hook = getattr(ctx.device, "reboot_hook", None)
    if hook is not None:
        result = hook()
        if asyncio.iscoroutine(result):
            await result
    else:
        ctx.device.reboot()
    return 0


@toybox("getenforce", opts=">0")
async def getenforce(ctx: CommandContext, o: Options) -> int:
    await ctx.out("Enforcing\n")
    return 0


@toybox("uptime", opts=">0ps")
async def uptime(ctx: CommandContext, o: Options) -> int:
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


@toybox("df", opts="Pkha[-Phk]")
async def df(ctx: CommandContext, o: Options) -> int:
    """df in 1K blocks (`-k`, `-P`) or human sizes (`-h`), for every mount or those holding the paths."""
    paths = o.args
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
    if "h" in o:
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
