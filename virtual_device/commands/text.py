"""Text filters for pipes (toybox): head, tail, wc, grep, cut, sort, uniq, tr, tee, xargs, seq, yes."""

from __future__ import annotations

import re

from virtual_device.commands import CommandContext, command
from virtual_device.commands.options import Options, parse_or_complain, toybox, usage_line


async def _input(ctx: CommandContext, names: list[str], prog: str) -> tuple[bytes, int]:
    """Concatenate the named files (or stdin); returns (data, status)."""
    if not names or names == ["-"]:
        return await ctx.read_all_stdin(), 0
    chunks, status = [], 0
    for name in names:
        if name == "-":
            chunks.append(await ctx.read_all_stdin())
            continue
        try:
            chunks.append(ctx.fs.read_bytes(ctx.resolve(name)))
        except OSError as exc:
            await ctx.err(f"{prog}: {name}: {exc.strerror}\n")
            status = 1
    return b"".join(chunks), status


def _numeric_shorthand(argv: list[str], letter: str) -> list[str]:
    """`head -5` / `tail -5` / `tail +5` as toybox reads them: the same as `-n 5` / `-n +5`."""
    if len(argv) > 1 and re.fullmatch(r"[-+]\d+", argv[1]):
        return [argv[0], f"-{letter}", argv[1][1:] if argv[1][0] == "-" else argv[1], *argv[2:]]
    return argv


@command("head")
async def head(ctx: CommandContext, argv: list[str]) -> int:
    o = await parse_or_complain(ctx, _numeric_shorthand(argv, "n"), "n(lines)#<0=10c(bytes)#<0qv[-nc]")
    if o is None:
        return 1
    n = o.number("n")
    if not o.args:
        # stream: stop reading once we have enough (upstream then gets SIGPIPE)
        buf = bytearray()
        while (len(buf) < o.number("c") if "c" in o else buf.count(b"\n") < n) and (chunk := await ctx.io.read_stdin()):
            buf += chunk
        await ctx.out(_head_of(bytes(buf), o))
        return 0
    data, status = await _input(ctx, o.args, "head")
    await ctx.out(_head_of(data, o))
    return status


def _head_of(data: bytes, o: Options) -> bytes:
    if "c" in o:
        return data[: o.number("c")]
    return b"".join(data.splitlines(keepends=True)[: o.number("n")])


@command("tail")
async def tail(ctx: CommandContext, argv: list[str]) -> int:
    o = await parse_or_complain(ctx, _numeric_shorthand(argv, "n"), "fFs#n(lines):c(bytes):[-cn][-fF]")
    if o is None:
        return 1
    count = (o.text("c") if "c" in o else o.text("n")) or "10"
    from_start = count.startswith("+")
    if not count.lstrip("+-").isdigit():
        await ctx.err(usage_line("tail", f"not integer: {count}"))
        return 1
    n = int(count.lstrip("+-"))
    data, status = await _input(ctx, o.args, "tail")
    if "c" in o:
        await ctx.out(data[max(n - 1, 0) :] if from_start else data[-n:] if n else b"")
        return status
    lines = data.splitlines(keepends=True)
    await ctx.out(b"".join(lines[max(n - 1, 0) :] if from_start else lines[-n:] if n else []))
    return status


@toybox("wc", opts="mcwl")
async def wc(ctx: CommandContext, o: Options) -> int:
    flags = "".join(f for f in "lwmc" if f in o) or "lwc"
    results, status = [], 0
    for name in o.args or ["-"]:
        data, st = await _input(ctx, [name], "wc")
        status |= st
        text_len = len(data.decode(errors="replace"))
        counts = {"l": data.count(b"\n"), "w": len(data.split()), "c": len(data), "m": text_len}
        results.append(([counts[f] for f in flags], name if o.args else ""))
    single = len(flags) == 1 and not o.args
    for nums, name in results:
        cells = [str(x) if single else str(x).rjust(7) for x in nums]
        await ctx.out(" ".join(cells).lstrip() if single else (" ".join(cells) + (f" {name}" if name else "")).rstrip())
        await ctx.out("\n")
    return status


#: toybox grep's letters this device implements (no -r or context lines).
GREP_OPTS = "(color):;EFHhinoqsvwcLlxe*f*m#[!wx][!EF][-Hh][-cLl]"


@command("grep", "egrep", "fgrep")
async def grep(ctx: CommandContext, argv: list[str]) -> int:
    o = await parse_or_complain(ctx, argv, GREP_OPTS)
    if o is None:
        return 2
    patterns = await _grep_patterns(ctx, o)
    if patterns is None:
        return 2
    regexes = _grep_regexes(o, patterns)
    names = o.args
    show_name = ("H" in o or len(names) > 1) and "h" not in o
    found = False
    trouble = False
    for name in names or ["-"]:
        data, st = await _input(ctx, [name] if names else [], "grep")
        if st:
            trouble = True
            continue
        hits = _grep_lines(data.decode(errors="replace"), regexes, o)
        found |= bool(hits)
        if "q" in o and hits:
            return 0
        await ctx.out(_grep_report(o, name, hits, show_name))
    return 2 if trouble and not ("q" in o and found) else 0 if found else 1


async def _grep_patterns(ctx: CommandContext, o: Options) -> list[str] | None:
    """-e patterns, lines of -f files, else the first operand (then taken off the operands)."""
    patterns = [p for e in o.every("e") for p in e.split("\n")]
    for name in o.every("f"):
        data, status = await _input(ctx, [name], "grep")
        if status:
            return None
        patterns += data.decode(errors="replace").splitlines()
    if not o.every("e") and not o.every("f"):
        if not o.args:
            await ctx.err(usage_line("grep", "Needs 1 argument"))
            return None
        patterns = o.args.pop(0).split("\n")
    return patterns


def _grep_regexes(o: Options, patterns: list[str]) -> list[re.Pattern[str]]:
    fixed = "F" in o or o.prog.endswith("fgrep")
    extended = "E" in o or o.prog.endswith("egrep")
    out = []
    for p in patterns:
        body = re.escape(p) if fixed else _posix_regex(p, extended)
        if "w" in o:
            body = rf"(?<!\w)(?:{body})(?!\w)"
        if "x" in o:
            body = rf"^(?:{body})$"
        out.append(re.compile(body, re.I if "i" in o else 0))
    return out


def _grep_lines(text: str, regexes: list[re.Pattern[str]], o: Options) -> list[tuple[int, str]]:
    """(line number, what to print) for each selected line, up to -m."""
    limit = o.number("m") if "m" in o else None
    hits: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if limit is not None and len(hits) >= limit:
            break
        hit = any(r.search(line) for r in regexes)
        if hit == ("v" in o):
            continue
        if "o" in o and "v" not in o:
            hits.extend((number, m.group()) for r in regexes for m in r.finditer(line) if m.group())
        else:
            hits.append((number, line))
    return hits


def _grep_report(o: Options, name: str, hits: list[tuple[int, str]], show_name: bool) -> str:
    shown = "(standard input)" if name == "-" else name
    if "c" in o:
        return f"{shown}:{len(hits)}\n" if show_name else f"{len(hits)}\n"
    if "l" in o:
        return f"{shown}\n" if hits else ""
    if "L" in o:
        return "" if hits else f"{shown}\n"
    prefix = f"{shown}:" if show_name else ""
    return "".join(f"{prefix}{f'{n}:' if 'n' in o else ''}{line}\n" for n, line in hits)


def _posix_regex(pattern: str, extended: bool) -> str:
    if extended:
        return pattern
    # basic regex: \( \) \| \{ \} are the operators, bare ( ) | { } + ? are literals
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "()|{}+?":
            out.append(pattern[i + 1])
            i += 2
            continue
        out.append("\\" + c if c in "()|{}+?" else c)
        i += 1
    return "".join(out)


@toybox("cut", opts="b*|c*|f*|d:sDn[!cbf]")
async def cut(ctx: CommandContext, o: Options) -> int:
    delim = o.text("d", "\t") or "\t"
    by_field = "f" in o
    spec = ",".join(o.every("f") or o.every("c") or o.every("b"))
    ranges = _cut_ranges(spec)
    if ranges is None:
        await ctx.err(f"cut: bad list '{spec}'\n")
        return 1
    data, status = await _input(ctx, o.args, "cut")
    out = []
    for line in data.decode(errors="replace").splitlines():
        if not by_field:
            out.append("".join(c for n, c in enumerate(line, 1) if _picked(n, ranges)))
        elif delim in line:
            out.append(delim.join(c for n, c in enumerate(line.split(delim), 1) if _picked(n, ranges)))
        elif "s" not in o:
            out.append(line)
    await ctx.out("".join(x + "\n" for x in out))
    return status


def _cut_ranges(spec: str) -> list[tuple[int, int]] | None:
    ranges = []
    for part in spec.split(","):
        lo, dash, hi = part.partition("-")
        if not (lo or hi) or not (lo.isdigit() or not lo) or not (hi.isdigit() or not hi):
            return None
        ranges.append((int(lo or 1), int(hi) if hi else (int(lo) if not dash else 1 << 30)))
    return ranges


def _picked(n: int, ranges: list[tuple[int, int]]) -> bool:
    return any(lo <= n <= hi for lo, hi in ranges)


@toybox("sort", opts="bfnruo:")
async def sort(ctx: CommandContext, o: Options) -> int:
    data, status = await _input(ctx, o.args, "sort")
    lines = data.decode(errors="replace").splitlines()

    def numkey(s: str) -> float:
        m = re.match(r"\s*-?\d+(\.\d+)?", s)
        return float(m.group()) if m else 0.0

    def textkey(s: str) -> str:
        s = s.lstrip() if "b" in o else s
        return s.casefold() if "f" in o else s

    lines.sort(key=numkey if "n" in o else textkey, reverse="r" in o)
    if "u" in o:
        lines = list({(numkey(x) if "n" in o else textkey(x)): x for x in reversed(lines)}.values())[::-1]
    text = "".join(x + "\n" for x in lines)
    target = o.text("o")
    if target is None:
        await ctx.out(text)
        return status
    try:
        ctx.fs.write_bytes(ctx.resolve(target), text.encode())
    except OSError as exc:
        await ctx.err(f"sort: {target}: {exc.strerror}\n")
        return 2
    return status


@toybox("uniq", opts="<0>2cdui")
async def uniq(ctx: CommandContext, o: Options) -> int:
    data, status = await _input(ctx, o.args[:1], "uniq")
    runs: list[tuple[str, int]] = []
    for line in data.decode(errors="replace").splitlines():
        same = runs and (runs[-1][0].casefold() == line.casefold() if "i" in o else runs[-1][0] == line)
        if same:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((line, 1))
    kept = [(x, n) for x, n in runs if not ("d" in o and n == 1) and not ("u" in o and n > 1)]
    await ctx.out("".join((f"{n:7d} {x}" if "c" in o else x) + "\n" for x, n in kept))
    return status


def _tr_set(spec: str) -> str:
    spec = spec.replace("[:upper:]", "A-Z").replace("[:lower:]", "a-z").replace("[:digit:]", "0-9")
    spec = spec.replace("[:space:]", " \t\n\r\f\v").replace("\\n", "\n").replace("\\t", "\t")
    out: list[str] = []
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


@toybox("tr", opts="^<1>2sd")
async def tr(ctx: CommandContext, o: Options) -> int:
    sets = [_tr_set(a) for a in o.args]
    text = (await ctx.read_all_stdin()).decode(errors="replace")
    if "d" in o:
        text = "".join(c for c in text if c not in sets[0])
    elif len(sets) > 1:
        src, dst = sets[0], sets[1]
        dst = dst + dst[-1:] * (len(src) - len(dst))
        text = text.translate(str.maketrans(src, dst[: len(src)]))
    if "s" in o:
        text = re.sub("([" + re.escape(sets[-1]) + "])\\1+", r"\1", text)
    await ctx.out(text)
    return 0


@toybox("tee", opts="ia")
async def tee(ctx: CommandContext, o: Options) -> int:
    handles, status = [], 0
    for name in o.args:
        try:
            handles.append(ctx.fs.open_write(ctx.resolve(name), append="a" in o))
        except OSError as exc:
            await ctx.err(f"tee: {name}: {exc.strerror}\n")
            status = 1
    try:
        while chunk := await ctx.io.read_stdin():
            for h in handles:
                h.write(chunk)
            await ctx.out(chunk)
    finally:
        for h in handles:
            h.close()
    return status


@toybox("xargs", opts="^0n#<1")
async def xargs(ctx: CommandContext, o: Options) -> int:
    cmd = o.args or ["echo"]
    raw = (await ctx.read_all_stdin()).decode(errors="replace")
    items = [x for x in raw.split("\0") if x] if "0" in o else raw.split()
    if not items or ctx.shell is None:
        return 0
    size = o.number("n", len(items)) or len(items)
    status = 0
    for start in range(0, len(items), size):
        status |= await ctx.shell.exec_argv(cmd + items[start : start + size], [], ctx.io)
    return 123 if status else 0


@toybox("seq", opts="<1>3?f:s:w[!fw]")
async def seq(ctx: CommandContext, o: Options) -> int:
    try:
        nums = [int(a) for a in o.args]
    except ValueError:
        await ctx.err(f"seq: invalid integer argument: {next(a for a in o.args if not a.lstrip('-').isdigit())}\n")
        return 1
    first, step, last = (1, 1, nums[0]) if len(nums) == 1 else (nums[0], 1, nums[1]) if len(nums) == 2 else nums
    if step == 0:
        return 1
    values = [str(i) for i in range(first, last + (1 if step > 0 else -1), step)]
    if "w" in o and values:
        width = max(len(v) for v in values)
        values = [v.zfill(width) for v in values]
    if values:
        await ctx.out((o.text("s", "\n") or "\n").join(values) + "\n")
    return 0


@toybox("basename", opts="^<1>2")
async def basename(ctx: CommandContext, o: Options) -> int:
    name = o.args[0].rstrip("/").rsplit("/", 1)[-1] or "/"
    if len(o.args) > 1 and name.endswith(o.args[1]) and name != o.args[1]:
        name = name[: -len(o.args[1])]
    await ctx.out(name + "\n")
    return 0


@toybox("dirname", opts="<1")
async def dirname(ctx: CommandContext, o: Options) -> int:
    for arg in o.args:
        path = arg.rstrip("/")
        head = path.rsplit("/", 1)[0] if "/" in path else "."
        await ctx.out((head or "/") + "\n")
    return 0
