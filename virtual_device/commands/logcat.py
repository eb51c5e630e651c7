"""logcat: a plausible ring buffer (threadtime/time/brief formats); without -d it streams until closed."""

from __future__ import annotations

import asyncio
import time

from virtual_device.commands import CommandContext, command

# (seconds before now, pid, tid, level, tag, message)
_SEED = [
    (
        310.0,
        1622,
        1690,
        "I",
        "ActivityManager",
        "Start proc 5871:com.whatsapp/u0a248 for service {com.whatsapp/com.whatsapp.messaging.MessageService}",
    ),
    (305.2, 2396, 2451, "I", "GCoreUlr", "Unbound from all location providers"),
    (
        288.7,
        1622,
        1671,
        "W",
        "ActivityManager",
        "Slow operation: 54ms so far, now at startProcess: done updating pids map",
    ),
    (240.1, 1012, 1012, "I", "SurfaceFlinger", "Display 4619827259835644672 HWC layers: 3"),
    (201.9, 6032, 6075, "D", "Spotify", "Connectivity changed: connected=true type=WIFI"),
    (190.4, 1622, 1760, "I", "WifiService", "startScan uid=1000"),
    (
        150.3,
        7318,
        7318,
        "E",
        "ShoppingApp",
        "java.net.SocketTimeoutException: timeout at "
        "okhttp3.internal.http2.Http2Stream$StreamTimeout.newTimeoutException(Http2Stream.kt:675)",
    ),
    (150.2, 7318, 7318, "E", "ShoppingApp", "\tat com.example.shopping.api.CartClient.refresh(CartClient.kt:88)"),
    (121.0, 1911, 1911, "D", "StatusBar", "disable<e i a s b h r c s > disable2<q i n >"),
    (95.5, 1622, 1702, "I", "BatteryStatsService", "In wakeup_callback: resumed from suspend"),
    (64.8, 2242, 2242, "I", "LatinIME", "Starting input. Cursor position = 0,0"),
    (
        30.1,
        1622,
        1671,
        "I",
        "ActivityTaskManager",
        "Displayed com.google.android.apps.nexuslauncher/.NexusLauncherActivity: +312ms",
    ),
    (12.6, 681, 712, "I", "vold", "Trimming /data"),
    (2.4, 1342, 1342, "I", "adbd", "host-27: opening shell service"),
]


def _line(fmt: str, t: float, pid: int, tid: int, level: str, tag: str, msg: str) -> str:
    stamp = time.strftime("%m-%d %H:%M:%S", time.localtime(t)) + f".{int((t % 1) * 1000):03d}"
    if fmt == "brief":
        return f"{level}/{tag}({pid:5d}): {msg}\n"
    if fmt == "time":
        return f"{stamp} {level}/{tag}({pid:5d}): {msg}\n"
    if fmt == "raw":
        return msg + "\n"
    return f"{stamp} {pid:5d} {tid:5d} {level} {tag}: {msg}\n"


_LEVELS = "VDIWEF"


@command("logcat")
async def logcat(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    dump = False
    fmt = "threadtime"
    count: int | None = None
    filters: dict[str, str] = {}
    silent = False
    i = 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else ""
        if a == "-d":
            dump = True
        elif a == "-c":
            return 0
        elif a == "-v":
            fmt = nxt
            i += 1
        elif a in ("-t", "-T"):
            count = int(nxt) if nxt.isdigit() else None
            dump = dump or a == "-t"
            i += 1
        elif a == "-s":
            silent = True
        elif a in ("-b", "-e", "-m", "--pid", "-f", "-r", "-n"):
            i += 1
        elif a.startswith("-"):
            pass
        else:
            tag, _, level = a.partition(":")
            filters[tag] = level or "V"
        i += 1
    now = ctx.device.now()
    lines = []
    for ago, pid, tid, level, tag, msg in _SEED:
        want = filters.get(tag, filters.get("*", "S" if silent or filters else "V"))
        if want == "S" or _LEVELS.index(level) < _LEVELS.index(want if want in _LEVELS else "V"):
            continue
        lines.append(_line(fmt, now - ago, pid, tid, level, tag, msg))
    if count is not None:
        lines = lines[-count:] if count else []
    header = "--------- beginning of main\n" if fmt != "raw" and lines else ""
    await ctx.out(header + "".join(lines))
    if dump:
        return 0
    while True:  # a live logcat never ends on its own; the adb stream closing cancels us
        await asyncio.sleep(3600)
