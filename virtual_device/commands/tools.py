"""The multiplexers (`toybox`, `toolbox`), /system/bin as a phone lays it out, and `nc`.

On Android most commands are symlinks in /system/bin to one binary: toybox (ls, cat, dd, nc...)
or toolbox (getprop, setprop, start, stop); the framework tools (am, pm, cmd, dumpsys, logcat,
screencap...) are their own files. `toybox ls -l` and `/system/bin/ls` both run ls.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from virtual_device.commands import REGISTRY, CommandContext, command, load_all
from virtual_device.commands.options import Options, toybox
from virtual_device.loopback import LOCAL_NAMES, Peer, loopback_of

if TYPE_CHECKING:
    from virtual_device.fs import VirtualFS

TOYBOX_VERSION = "0.8.9-android"
#: Android 14's toybox commands (those the device implements are linked; the rest do not exist).
TOYBOX_COMMANDS = frozenset(
    "acpi base64 basename blkid blockdev cal cat chattr chcon chgrp chmod chown chroot chrt cksum clear cmp comm "
    "cp cpio cut date dd devmem df diff dirname dmesg dos2unix du echo egrep env expand expr fallocate false "
    "fgrep file find flock fmt free fsync getconf getenforce getfattr grep groups gunzip gzip head hostname hwclock "
    "i2cdetect iconv id ifconfig inotifyd insmod install ionice iorenice kill killall ln load_policy log logname "
    "losetup ls lsattr lsmod lsof lspci lsusb makedevs md5sum microcom mkdir mkfifo mknod mkswap mktemp modinfo "
    "more mount mountpoint mv nc netcat netstat nice nl nohup nproc nsenter od paste patch pgrep pidof pkill pmap "
    "printenv printf ps pwd readelf readlink realpath renice restorecon rev rm rmdir rmmod runcon sed sendevent "
    "seq setenforce setfattr setsid sha1sum sha224sum sha256sum sha384sum sha512sum sleep sort split stat strings "
    "stty swapoff swapon sync sysctl tac tail tar taskset tee test time timeout top touch tr true truncate tty "
    "uclampset ulimit umount uname uniq unix2dos unlink unshare uptime usleep uudecode uuencode uuidgen vi vmstat "
    "watch wc which whoami xargs xxd yes zcat".split()
)
TOOLBOX_COMMANDS = frozenset({"getevent", "getprop", "modprobe", "setprop", "start", "stop"})
#: Framework tools that are `#!/system/bin/sh` wrappers around `cmd SERVICE` on a phone.
_SCRIPTS = {"am": "activity", "pm": "package", "wm": "window", "input": "input", "settings": "settings"}
_ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56)  # what `file` would call an aarch64 ELF header


def _multiplexed(names: frozenset[str]) -> list[str]:
    load_all()
    return sorted(n for n in names if n in REGISTRY)


def populate_system_bin(fs: VirtualFS) -> None:
    """One /system/bin entry per command the device has: links to toybox/toolbox, files for the rest."""
    load_all()
    root = fs.as_root()
    toys, tools = set(_multiplexed(TOYBOX_COMMANDS)), set(_multiplexed(TOOLBOX_COMMANDS))
    for name in sorted(n for n in REGISTRY if "/" not in n):
        path = f"/system/bin/{name}"
        with contextlib.suppress(OSError):
            root.lstat(path)
            continue
        if name in toys and name != "toybox":
            root.symlink("toybox", path)
        elif name in tools and name != "toolbox":
            root.symlink("toolbox", path)
        elif name in _SCRIPTS:
            root.write_bytes(path, f'#!/system/bin/sh\ncmd {_SCRIPTS[name]} "$@"\n'.encode(), mode=0o755)
        else:
            root.write_bytes(path, _ELF, mode=0o755)  # /system/bin files default to root:shell 0755
    if not root.exists("/system/bin/sh"):
        root.write_bytes("/system/bin/sh", _ELF, mode=0o755)


@command("toybox")
async def toybox_(ctx: CommandContext, argv: list[str]) -> int:
    return await _multiplexer(ctx, argv, "toybox", TOYBOX_COMMANDS)


@command("toolbox")
async def toolbox_(ctx: CommandContext, argv: list[str]) -> int:
    return await _multiplexer(ctx, argv, "toolbox", TOOLBOX_COMMANDS)


async def _multiplexer(ctx: CommandContext, argv: list[str], me: str, names: frozenset[str]) -> int:
    """`toybox CMD ARGS` runs CMD; no argument lists the commands (wrapped like toybox's list)."""
    if len(argv) == 1:
        lines, line = [], ""
        for name in _multiplexed(names):
            line += name
            if len(line) + 1 > 65:
                lines.append(line)
                line = ""
            else:
                line += " "
        lines.append(line)
        await ctx.out("\n".join(lines) + "\n")
        return 0
    if argv[1] == "--version" and me == "toybox":
        await ctx.out(f"toybox {TOYBOX_VERSION}\n")
        return 0
    name = argv[1].rsplit("/", 1)[-1]
    fn = REGISTRY.get(name) if name in names else None
    if fn is None:
        await ctx.err(f'{me}: Unknown command {argv[1]} (see "{me} --help")\n')
        return 127
    return await fn(ctx, argv[1:])


# -- nc --------------------------------------------------------------------------------------------
@toybox("nc", "netcat", opts="^tElLw#<1W#<1p#<1>65535q#<1s:f:46uUnz[!tlL][!Lw][!46U]")
async def nc(ctx: CommandContext, o: Options) -> int:
    """netcat on the device's own loopback: `nc -l -p PORT` serves one connection, `nc HOST PORT` connects."""
    loop = loopback_of(ctx.device)
    if "l" in o or "L" in o:
        if "p" not in o and not o.args:
            await ctx.err('nc: Needs -p or PORT (see "nc --help")\n')
            return 1
        port = o.number("p") if "p" in o else int(o.args[0])
        try:
            queue = loop.listen(port)
        except OSError as exc:
            await ctx.err(f"nc: bind: {exc.strerror}\n")
            return 1
        try:
            peer: Peer = await asyncio.wait_for(queue.get(), o.number("w")) if "w" in o else await queue.get()
        except TimeoutError:
            return 1
        finally:
            loop.close(port)
        return await _relay(ctx, peer, o)
    if len(o.args) != 2 or not o.args[1].isdigit():
        await ctx.err('nc: Need 2 arguments (see "nc --help")\n')
        return 1
    host, port = o.args[0], int(o.args[1])
    if host not in LOCAL_NAMES:
        await ctx.err(f"nc: {host}: No address associated with hostname\n")
        return 1
    try:
        peer = await loop.open(port)
    except OSError as exc:
        await ctx.err(f"nc: connect: {exc.strerror}\n")
        return 1
    if "z" in o:
        await peer.close()
        return 0
    return await _relay(ctx, peer, o)


async def _relay(ctx: CommandContext, peer: Peer, o: Options) -> int:
    """stdin → peer and peer → stdout until the peer closes (end of stdin half-closes, like nc -N)."""

    async def upstream() -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionError):
            while data := await ctx.io.read_stdin():
                await peer.write(data)
        with contextlib.suppress(Exception):
            await peer.shutdown_write()

    up = asyncio.ensure_future(upstream())
    try:
        while data := await peer.read():
            await ctx.out(data)
        # the peer is done sending; what stdin already holds still goes out (as poll() would send it)
        await asyncio.wait([up], timeout=1.0)
    finally:
        up.cancel()
        await peer.close()
    return 0
