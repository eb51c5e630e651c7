"""dd as toybox has it: `if= of= bs= ibs= obs= count= skip= seek= conv= status=`, its summary on stderr."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import IO

from virtual_device.commands import CommandContext, command

#: toybox's number suffixes for dd (binary multiples, either case)
_SUFFIX = {"c": 1, "w": 2, "b": 512, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_CONV = ("fsync", "noerror", "notrunc", "sync")


class DdError(Exception):
    """A bad operand: toybox prints `dd: <message>` and exits 1."""


@dataclass
class DdArgs:
    source: str | None = None
    target: str | None = None
    ibs: int = 512
    obs: int = 512
    count: int | None = None
    skip: int = 0
    seek: int = 0
    conv: set[str] = field(default_factory=set)
    status: str = ""


def number(text: str) -> int:
    """`8`, `1m`, `4K`, `1b` → the number they stand for (one binary suffix, as toybox reads it)."""
    body, suffix = (text[:-1], text[-1].lower()) if text and text[-1].lower() in _SUFFIX else (text, "")
    if not body.isdigit():
        raise DdError(f"invalid number '{text}'")
    return int(body) * _SUFFIX.get(suffix, 1)


def parse(args: list[str]) -> DdArgs:
    out = DdArgs()
    for arg in args:
        key, eq, value = arg.partition("=")
        if not eq:
            raise DdError(f"bad arg {arg}")
        if key == "if":
            out.source = value
        elif key == "of":
            out.target = value
        elif key in ("bs", "ibs", "obs"):
            size = number(value)
            if size < 1:
                raise DdError(f"invalid number '{value}'")
            out.ibs = size if key != "obs" else out.ibs
            out.obs = size if key != "ibs" else out.obs
        elif key in ("count", "skip", "seek"):
            setattr(out, key, number(value))
        elif key == "conv":
            flags = set(value.split(","))
            if flags - set(_CONV):
                raise DdError(f"bad conv={','.join(sorted(flags - set(_CONV)))}")
            out.conv = flags
        elif key == "status":
            if value not in ("noxfer", "none", "progress"):
                raise DdError(f"unknown status={value}")
            out.status = value
        elif key not in ("iflag", "oflag"):
            raise DdError(f"bad arg {arg}")
    return out


def human(n: int) -> str:
    """toybox human_readable(HR_SPACE|HR_B): `512 B`, `8.0 M`, `64 M`."""
    if n < 1024:
        return f"{n} B"
    value = float(n)
    units = iter("KMGTPE")
    unit = next(units)
    while value / 1024 >= 1024:
        value /= 1024
        unit = next(units)
    value /= 1024
    return f"{value:.1f} {unit}" if value < 10 else f"{int(value + 0.5)} {unit}"


@dataclass
class Counts:
    in_full: int = 0
    in_part: int = 0
    out_full: int = 0
    out_part: int = 0
    bytes: int = 0

    def summary(self, status: str, seconds: float) -> str:
        if status == "none":
            return ""
        text = f"{self.in_full}+{self.in_part} records in\n{self.out_full}+{self.out_part} records out\n"
        if status != "noxfer":
            ms = max(1, int(seconds * 1000))
            rate = self.bytes * 1000 // ms if self.bytes * 1000 > self.bytes else self.bytes
            took = f"{ms // 1000}.{ms % 1000:03d} s"
            text += f"{self.bytes} bytes ({human(self.bytes)}) copied, {took}, {human(rate)}/s\n"
        return text


@command("dd")
async def dd(ctx: CommandContext, argv: list[str]) -> int:
    try:
        args = parse(argv[1:])
    except DdError as exc:
        await ctx.err(f"dd: {exc}\n")
        return 1
    started = time.monotonic()
    counts = Counts()
    try:
        source = ctx.fs.open_read(ctx.resolve(args.source)) if args.source else None
    except OSError as exc:
        await ctx.err(f"dd: {args.source}: {exc.strerror}\n")
        return 1
    try:
        status = await _copy(ctx, args, source, counts)
    finally:
        if source is not None:
            source.close()
    await ctx.err(counts.summary(args.status, time.monotonic() - started))
    return status


async def _copy(ctx: CommandContext, args: DdArgs, source: IO[bytes] | None, counts: Counts) -> int:
    fs = ctx.fs
    sink = None
    if args.target:
        path = ctx.resolve(args.target)
        try:
            keep = b""
            if args.seek or "notrunc" in args.conv:
                try:
                    keep = fs.read_bytes(path)
                except OSError:
                    keep = b""
                if "notrunc" not in args.conv:
                    keep = keep[: args.seek * args.obs]
            sink = fs.open_write(path)
            sink.write(keep.ljust(args.seek * args.obs, b"\0"))
        except OSError as exc:
            await ctx.err(f"dd: {args.target}: {exc.strerror}\n")
            return 1
    try:
        for _ in range(args.skip):
            if not await _read_block(ctx, source, args.ibs):
                break
        blocks = 0
        while args.count is None or blocks < args.count:
            block = await _read_block(ctx, source, args.ibs)
            if not block:
                break
            blocks += 1
            if len(block) == args.ibs:
                counts.in_full += 1
            else:
                counts.in_part += 1
                if "sync" in args.conv:
                    block = block.ljust(args.ibs, b"\0")
            for start in range(0, len(block), args.obs):
                piece = block[start : start + args.obs]
                if sink is not None:
                    sink.write(piece)
                else:
                    await ctx.out(piece)
                counts.bytes += len(piece)
                if len(piece) == args.obs:
                    counts.out_full += 1
                else:
                    counts.out_part += 1
    except OSError as exc:
        await ctx.err(f"dd: {args.target or 'stdout'}: write error: {exc.strerror}\n")
        return 1
    finally:
        if sink is not None:
            sink.close()
    return 0


async def _read_block(ctx: CommandContext, source: IO[bytes] | None, size: int) -> bytes:
    """One input block: read() until `size` bytes or end of input (a pipe may give less at a time)."""
    chunks = bytearray()
    while len(chunks) < size:
        piece = source.read(size - len(chunks)) if source is not None else await ctx.io.read_stdin(size - len(chunks))
        if not piece:
            break
        chunks += piece
        if source is None:
            break  # like read(2) on a pipe: a short read is a partial record
    return bytes(chunks)
