"""bugreportz: dumpstate into a zip under /bugreports, with the progress protocol `adb bugreport` reads.

`bugreportz -v` prints its version on stderr; `bugreportz -p` prints `BEGIN:<path>`, then
`PROGRESS:<done>/<total>` lines while it works, then `OK:<path>` (or `FAIL:<reason>`). adb then
pulls the zip. The zip holds main_entry.txt naming the text report, version.txt, and the report.
"""

from __future__ import annotations

import asyncio
import io
import time
import zipfile

from virtual_device.commands import CommandContext
from virtual_device.commands.options import Options, toybox

BUGREPORTZ_VERSION = "1.2"
#: Seconds a report takes (a phone takes minutes; progress must still be seen more than once).
BUGREPORT_SECONDS = 2.0
STEPS = 10
#: What the text report is made of: (section title, command).
SECTIONS = (
    ("SYSTEM PROPERTIES", "getprop"),
    ("PROCESSES AND THREADS", "ps -A"),
    ("DISK FREE", "df"),
    ("MEMORY INFO", "cat /proc/meminfo"),
    ("UPTIME", "uptime"),
    ("PACKAGES", "pm list packages -U --show-versioncode"),
    ("BATTERY", "dumpsys battery"),
    ("LOG", "logcat -d -t 200"),
)


class _Capture:
    """ProcessIO that collects a section's output (stdout and stderr, as dumpstate merges them)."""

    def __init__(self) -> None:
        self.data = bytearray()

    async def read_stdin(self, n: int = 65536) -> bytes:
        return b""

    async def write_stdout(self, data: bytes) -> None:
        self.data += data

    write_stderr = write_stdout


@toybox("bugreportz", opts="hpsv")
async def bugreportz(ctx: CommandContext, o: Options) -> int:
    version = getattr(ctx.device, "version", None)
    if version is not None and not version.has_bugreportz:
        await ctx.err(f"/system/bin/sh: {o.prog}: not found\n")  # bugreportz arrived with Android 7
        return 127
    if "v" in o:
        await ctx.err(f"{BUGREPORTZ_VERSION}\n")
        return 0
    if "h" in o:
        await ctx.out("usage: bugreportz [-hpsv]\n  -h: to display this help message\n  -p: display progress\n"
                      "  -s: stream content to standard output\n  -v: to display the version\n")  # fmt: skip
        return 0
    props = ctx.device.props
    stamp = time.strftime("%Y-%m-%d-%H-%M-%S", time.localtime(ctx.device.now()))
    name = f"bugreport-{props.get('ro.product.device', 'device')}-{props.get('ro.build.id', 'UNKNOWN')}-{stamp}"
    path = f"/bugreports/{name}.zip"
    if "p" in o:
        await ctx.out(f"BEGIN:{path}\n")
    report = bytearray(_header(ctx, name))
    for step, (title, text) in enumerate(SECTIONS, 1):
        report += await _section(ctx, title, text)
        if "p" in o:
            await ctx.out(f"PROGRESS:{step * STEPS * 10 // len(SECTIONS)}/{STEPS * 10}\n")
        await asyncio.sleep(BUGREPORT_SECONDS / len(SECTIONS))
    data = _zip(name, bytes(report))
    if "s" in o:
        await ctx.out(data)
        return 0
    try:
        ctx.fs.write_bytes(path, data)
    except OSError as exc:
        await ctx.out(f"FAIL:could not write {path}: {exc.strerror}\n")
        return 1
    await ctx.out(f"OK:{path}\n")
    return 0


def _header(ctx: CommandContext, name: str) -> bytes:
    props = ctx.device.props
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ctx.device.now()))
    return (
        f"========================================================\n== dumpstate: {now}\n"
        f"========================================================\n\n"
        f"Build: {props.get('ro.build.display.id', '')}\nBuild fingerprint: '{props.get('ro.build.fingerprint', '')}'\n"
        f"Bugreport format version: 2.0\nDumpstate info: id=1 pid=0 dry_run=0 parallel_run=1 args=-S "
        f"bugreport_mode=BUGREPORT_DEFAULT\nName: {name}\n\n"
    ).encode()


async def _section(ctx: CommandContext, title: str, text: str) -> bytes:
    from virtual_device.shell import Shell

    capture = _Capture()
    started = time.monotonic()
    await Shell(ctx.device).run(text, capture)
    took = time.monotonic() - started
    return (
        f"------ {title} ({text}) ------\n".encode()
        + bytes(capture.data)
        + f"------ {took:.3f}s was the duration of '{title}' ------\n".encode()
    )


def _zip(name: str, report: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}.txt", report)
        zf.writestr("main_entry.txt", f"{name}.txt")
        zf.writestr("version.txt", "2.0")
    return out.getvalue()
