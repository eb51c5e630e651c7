"""Process programs: ps (toybox columns and padding), top -n 1, kill (mksh builtin wording), pidof."""

from __future__ import annotations

import time

from virtual_device import memory
from virtual_device.commands import CommandContext, command
from virtual_device.device import Process

SH = "/system/bin/sh"

# field -> (title, width, left-justified)
FIELDS: dict[str, tuple[str, int, bool]] = {
    "USER": ("USER", 12, True),
    "UID": ("UID", 5, False),
    "PID": ("PID", 5, False),
    "TID": ("TID", 5, False),
    "PPID": ("PPID", 5, False),
    "VSZ": ("VSZ", 7, False),
    "VSIZE": ("VSZ", 7, False),
    "RSS": ("RSS", 6, False),
    "WCHAN": ("WCHAN", 10, True),
    "ADDR": ("ADDR", 10, False),
    "S": ("S", 1, True),
    "STAT": ("STAT", 4, True),
    "NAME": ("NAME", 27, True),
    "COMM": ("COMM", 27, True),
    "CMD": ("CMD", 27, True),
    "ARGS": ("ARGS", 27, True),
    "CMDLINE": ("CMDLINE", 27, True),
    "%CPU": ("%CPU", 4, False),
    "%MEM": ("%MEM", 4, False),
    "TIME": ("TIME", 8, False),
    "STIME": ("STIME", 5, False),
    "PCY": ("PCY", 3, True),
    "PRI": ("PRI", 3, False),
    "NI": ("NI", 3, False),
    "RTPRIO": ("RTPRIO", 6, False),
    "SCH": ("SCH", 3, False),
    "TTY": ("TT", 8, True),
    "LABEL": ("LABEL", 30, True),
}
DEFAULT = ["USER", "PID", "PPID", "VSIZE", "RSS", "WCHAN", "ADDR", "S", "NAME"]
MEM_TOTAL_KB = memory.MEM_TOTAL_KB


def _display_name(p: Process) -> str:
    return f"[{p.name}]" if p.vsz == 0 and p.uid == 0 else p.name


def _value(p: Process, field: str, now: float) -> str:
    cpu_seconds = (p.rss % 997) + (p.pid % 13)
    values = {
        "USER": p.user,
        "UID": str(p.uid),
        "PID": str(p.pid),
        "TID": str(p.pid),
        "PPID": str(p.ppid),
        "VSZ": str(p.vsz),
        "VSIZE": str(p.vsz),
        "RSS": str(p.rss),
        "WCHAN": p.wchan or "0",
        "ADDR": "0",
        "S": p.state,
        "STAT": p.state + ("s" if p.ppid in (0, 1) else ""),
        "NAME": _display_name(p),
        "COMM": p.name[:15],
        "CMD": _display_name(p),
        "ARGS": p.args or _display_name(p),
        "CMDLINE": p.args or "",
        "%CPU": f"{(p.rss % 50) / 10:.1f}",
        "%MEM": f"{p.rss * 100 / MEM_TOTAL_KB:.1f}",
        "TIME": time.strftime("%H:%M:%S", time.gmtime(cpu_seconds)),
        "STIME": time.strftime("%H:%M", time.localtime(p.started)),
        "PCY": "fg" if p.package else "-",
        "PRI": "19",
        "NI": "0",
        "RTPRIO": "-",
        "SCH": "0",
        "TTY": "?",
        "LABEL": "u:r:shell:s0"
        if p.uid == 2000
        else ("u:r:untrusted_app:s0" if p.uid >= 10000 else "u:r:system_server:s0"),
    }
    return values[field]


def render_table(procs: list[Process], fields: list[tuple[str, str]], now: float, header: bool = True) -> str:
    """Lay out rows the way toybox does: fixed widths, an overflow eats into the next column's padding."""
    lines = []
    rows: list[list[str]] = []
    if header:
        rows.append([title for _, title in fields])
    rows.extend([_value(p, f, now) for f, _ in fields] for p in procs)
    for r, row in enumerate(rows):
        out = []
        over = 0
        for i, (field, _title) in enumerate(fields):
            _, width, left = FIELDS[field]
            last = i == len(fields) - 1
            if last and left and r > 0:
                out.append(row[i])
                continue
            target = max(0, width - over)
            cell = row[i].ljust(target) if left else row[i].rjust(target)
            over = max(0, over + len(cell) - width)
            out.append(cell)
        lines.append(" ".join(out))
    return "".join(line + "\n" for line in lines)


def _parse_fields(spec: str) -> list[tuple[str, str]]:
    out = []
    for item in spec.split(","):
        name, _, title = item.partition("=")
        key = name.upper()
        if key in FIELDS:
            out.append((key, title or FIELDS[key][0]))
    return out


async def toolbox_ps(ctx: CommandContext, argv: list[str]) -> int:
    """Android 6/7's toolbox `ps`: its few flags, a number is a pid filter, any other word a name filter.

    So `ps -A -o PID,NAME` filters on the name "PID,NAME": only the header, and exit 0.
    """
    numeric = False
    name_filter: str | None = None
    pid_filter: int | None = None
    for arg in argv[1:]:
        if arg == "-n":
            numeric = True
        elif arg in ("-t", "-x", "-P", "-p", "-c", "-Z", "--abi"):
            continue
        elif arg[:1].isdigit():
            pid_filter = int("".join(c for c in arg if c.isdigit()) or 0)
        else:
            name_filter = arg
    lines = ["USER      PID   PPID  VSIZE  RSS   WCHAN              PC  NAME"]
    for p in ctx.device.processes.all():
        if pid_filter is not None and p.pid != pid_filter:
            continue
        if name_filter is not None and not p.name.startswith(name_filter):
            continue
        user = str(p.uid) if numeric else p.user
        wchan = (p.wchan if p.wchan != "0" else "")[:10]
        pc = (p.pid * 2654435761) & 0xFFFFFFFF
        lines.append(
            f"{user:<9} {p.pid:<5} {p.ppid:<5} {p.vsz // 1024:<6} {p.rss:<5} {wchan:>10} {pc:08x} {p.state} {p.name}"
        )
    await ctx.out("".join(line + "\n" for line in lines))
    return 0


@command("ps")
async def ps(ctx: CommandContext, argv: list[str]) -> int:
    version = getattr(ctx.device, "version", None)
    if version is not None and not version.toybox_ps:
        return await toolbox_ps(ctx, argv)
    args = argv[1:]
    show_all = False
    fields = [(f, FIELDS[f][0]) for f in DEFAULT]
    pids: list[int] = []
    names: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-o", "-O") and i + 1 < len(args):
            parsed = _parse_fields(args[i + 1])
            if not parsed:
                await ctx.err(f"ps: bad -o {args[i + 1]}\n")
                return 1
            fields = parsed if a == "-o" else fields[:-1] + parsed + fields[-1:]
            i += 2
            continue
        if a in ("-p", "-q") and i + 1 < len(args):
            pids.extend(int(x) for x in args[i + 1].split(",") if x.isdigit())
            i += 2
            continue
        if a.startswith("-"):
            if set(a[1:]) & set("Aae"):
                show_all = True
            if "Z" in a:
                fields.insert(0, ("LABEL", "LABEL"))
        elif a.isdigit():
            pids.append(int(a))
        else:
            names.append(a)
        i += 1
    procs = ctx.device.processes.all()
    shell_pid = getattr(getattr(ctx.shell, "shell", None), "pid", 0)
    if pids:
        procs = [p for p in procs if p.pid in pids]
    elif names:
        procs = [p for p in procs if p.name in names]
    elif not show_all:
        procs = [p for p in procs if p.pid == shell_pid or p.ppid == shell_pid]
    await ctx.out(render_table(procs, fields, ctx.device.now()))
    return 0 if procs or not (pids or names) else 1


@command("top")
async def top(ctx: CommandContext, argv: list[str]) -> int:
    procs = ctx.device.processes.all()
    total = len(procs)
    running = sum(1 for p in procs if p.state == "R")
    mem = memory.snapshot(ctx.device)
    swap_used = mem.swap_used
    head = (
        f"Tasks: {total} total,   {running} running, {total - running} sleeping,   0 stopped,   0 zombie\n"
        f"  Mem:  {mem.total}K total, {mem.total - mem.free:8d}K used, {mem.free:8d}K free, "
        f"{memory.BUFFERS_KB:8d}K buffers\n"
        f" Swap:  {mem.swap_total}K total, {swap_used:8d}K used, {mem.swap_total - swap_used:8d}K free, "
        f"{mem.cached_kernel:8d}K cached\n"
        "800%cpu  11%user   0%nice  14%sys 775%idle   0%iow   0%irq   0%sirq   0%host\n"
        "  PID USER         PR  NI VIRT  RES  SHR S[%CPU] %MEM     TIME+ ARGS\n"
    )
    rows = []
    for p in sorted(procs, key=lambda p: (-(p.rss % 50), p.pid))[:40]:
        virt = f"{p.vsz / 1048576:.1f}G" if p.vsz >= 1048576 else f"{p.vsz // 1024}M"
        res = f"{p.rss / 1024:.0f}M" if p.rss >= 10240 else f"{p.rss / 1024:.1f}M"
        shr = f"{p.rss / 3072:.1f}M"
        cpu = (p.rss % 50) / 10
        secs = (p.rss % 997) + (p.pid % 13)
        rows.append(
            f"{p.pid:5d} {p.user:<12s} 20   0 {virt:>4s} {res:>4s} {shr:>4s} {p.state} {cpu:4.1f} "
            f"{p.rss * 100 / MEM_TOTAL_KB:5.1f} {secs // 60:6d}:{secs % 60:02d}.00 {p.args or p.name}"
        )
    await ctx.out(head + "".join(r + "\n" for r in rows))
    return 0


SIGNALS = {"HUP": 1, "INT": 2, "QUIT": 3, "KILL": 9, "USR1": 10, "USR2": 12, "TERM": 15, "CONT": 18, "STOP": 19}


@command("kill")
async def kill(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] == ["-l"]:
        await ctx.out(" ".join(SIGNALS) + "\n")
        return 0
    if args and args[0] == "-s" and len(args) > 1:
        args = args[2:]
    elif args and args[0].startswith("-"):
        sig = args[0][1:].upper().removeprefix("SIG")
        if not sig.isdigit() and sig not in SIGNALS:
            await ctx.err(f"{SH}: kill: {args[0][1:]}: bad signal\n")
            return 1
        args = args[1:]
    if not args:
        await ctx.err(f"{SH}: kill: usage: kill [-s signame | -signum | -signame] {{ job | pid | pgrp }} ...\n")
        return 1
    status = 0
    table = ctx.device.processes
    for target in args:
        if not target.lstrip("-").isdigit():
            await ctx.err(f"{SH}: kill: {target}: arguments must be jobs or process IDs\n")
            status = 1
            continue
        proc = table.get(int(target))
        if proc is None:
            await ctx.err(f"{SH}: kill: {target}: No such process\n")
            status = 1
        elif proc.uid != 2000:
            await ctx.err(f"{SH}: kill: {target}: Operation not permitted\n")
            status = 1
        else:
            table.kill(proc.pid)
    return status


@command("pidof")
async def pidof(ctx: CommandContext, argv: list[str]) -> int:
    names = [a for a in argv[1:] if not a.startswith("-")]
    pids = [str(p.pid) for p in reversed(ctx.device.processes.all()) if p.name in names]
    if not pids:
        return 1
    await ctx.out(" ".join(pids) + "\n")
    return 0
