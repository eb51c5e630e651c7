"""Text filters for pipes (toybox): head, tail, wc, grep, cut, sort, uniq, tr, tee, xargs, seq, yes."""

from __future__ import annotations

import re

from virtual_device.commands import CommandContext, command


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


def _count_opt(args: list[str], default: int) -> tuple[int, list[str], bool]:
    n, rest, from_start = default, [], False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-n", "-c") and i + 1 < len(args):
            v = args[i + 1]
            from_start = v.startswith("+")
            n = int(v.lstrip("+-"))
            i += 2
            continue
        if re.fullmatch(r"-\d+", a):
            n = int(a[1:])
        elif a.startswith("-n") and a[2:].lstrip("+").isdigit():
            from_start = a[2:].startswith("+")
            n = int(a[2:].lstrip("+"))
        else:
            rest.append(a)
        i += 1
    return n, rest, from_start


@command("head")
async def head(ctx: CommandContext, argv: list[str]) -> int:
    n, names, _ = _count_opt(argv[1:], 10)
    if not names:
        # stream: stop reading once we have n lines (upstream then gets SIGPIPE)
        buf = bytearray()
        while buf.count(b"\n") < n and (chunk := await ctx.io.read_stdin()):
            buf += chunk
        lines = bytes(buf).split(b"\n")
        out = b"\n".join(lines[:n]) + (b"\n" if len(lines) > n else b"")
        await ctx.out(out)
        return 0
    data, status = await _input(ctx, names, "head")
    await ctx.out(b"".join(data.splitlines(keepends=True)[:n]))
    return status


@command("tail")
async def tail(ctx: CommandContext, argv: list[str]) -> int:
    n, names, from_start = _count_opt(argv[1:], 10)
    data, status = await _input(ctx, [a for a in names if a != "-f"], "tail")
    lines = data.splitlines(keepends=True)
    await ctx.out(b"".join(lines[n - 1 :] if from_start else lines[-n:] if n else []))
    return status


@command("wc")
async def wc(ctx: CommandContext, argv: list[str]) -> int:
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-") and a != "-")
    names = [a for a in argv[1:] if not a.startswith("-") or a == "-"]
    flags = flags or "lwc"
    results, status = [], 0
    for name in names or ["-"]:
        data, st = await _input(ctx, [name], "wc")
        status |= st
        text_len = len(data.decode(errors="replace"))
        counts = {"l": data.count(b"\n"), "w": len(data.split()), "c": len(data), "m": text_len}
        results.append(([counts[f] for f in "lwmc" if f in flags], name if names else ""))
    single = len(flags) == 1 and not names
    for nums, name in results:
        cells = [str(x) if single else str(x).rjust(7) for x in nums]
        await ctx.out(" ".join(cells).lstrip() if single else (" ".join(cells) + (f" {name}" if name else "")).rstrip())
        await ctx.out("\n")
    return status


@command("grep", "egrep", "fgrep")
async def grep(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    flags: set[str] = set()
    patterns: list[str] = []
    names: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-e" and i + 1 < len(args):
            patterns.append(args[i + 1])
            i += 2
            continue
        if a.startswith("-") and len(a) > 1 and not names and (patterns or a != "-"):
            flags.update(a[1:])
        elif not patterns:
            patterns.append(a)
        else:
            names.append(a)
        i += 1
    if not patterns:
        await ctx.err("grep: no pattern\n")
        return 2
    fixed = "F" in flags or argv[0] == "fgrep"
    regexes = [
        re.compile(
            re.escape(p) if fixed else _posix_regex(p, "E" in flags or argv[0] == "egrep"), re.I if "i" in flags else 0
        )
        for p in patterns
    ]
    status = 1
    total = 0
    for name in names or ["-"]:
        data, st = await _input(ctx, [name] if names else [], "grep")
        if st:
            status = 2
            continue
        count = 0
        out = []
        for line in data.decode(errors="replace").splitlines():
            hit = any(r.search(line) for r in regexes)
            if "x" in flags:
                hit = any(r.fullmatch(line) for r in regexes)
            if hit != ("v" in flags):
                count += 1
                if "q" in flags:
                    return 0
                if "o" in flags and "v" not in flags:
                    out.extend(m.group() for r in regexes for m in r.finditer(line))
                else:
                    out.append((f"{name}:" if len(names) > 1 else "") + line)
        total += count
        if "c" in flags:
            await ctx.out(f"{count}\n")
        elif "l" in flags:
            if count:
                await ctx.out(f"{name}\n")
        else:
            await ctx.out("".join(x + "\n" for x in out))
    if total and status != 2:
        status = 0
    return status


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


@command("cut")
async def cut(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    delim, fields, chars, names = "\t", None, None, []
    i = 0
    while i < len(args):
        a = args[i]
        for opt in ("-d", "-f", "-c"):
            if a.startswith(opt):
                value = a[2:] if len(a) > 2 else (args[i + 1] if i + 1 < len(args) else "")
                if len(a) == 2:
                    i += 1
                if opt == "-d":
                    delim = value
                elif opt == "-f":
                    fields = value
                else:
                    chars = value
                break
        else:
            names.append(a)
        i += 1
    spec = fields or chars
    if spec is None:
        await ctx.err("cut: Needs -fcb\n")
        return 1
    ranges = []
    for part in spec.split(","):
        lo, _, hi = part.partition("-")
        ranges.append((int(lo or 1), int(hi) if hi else (int(lo) if "-" not in part else 1 << 30)))
    data, status = await _input(ctx, names, "cut")
    out = []
    for line in data.decode(errors="replace").splitlines():
        if fields is not None:
            if delim not in line:
                out.append(line)
                continue
            cols = line.split(delim)
            out.append(delim.join(c for n, c in enumerate(cols, 1) if any(lo <= n <= hi for lo, hi in ranges)))
        else:
            out.append("".join(c for n, c in enumerate(line, 1) if any(lo <= n <= hi for lo, hi in ranges)))
    await ctx.out("".join(x + "\n" for x in out))
    return status


@command("sort")
async def sort(ctx: CommandContext, argv: list[str]) -> int:
    flags = "".join(a[1:] for a in argv[1:] if a.startswith("-") and len(a) > 1)
    names = [a for a in argv[1:] if not a.startswith("-") or a == "-"]
    data, status = await _input(ctx, names, "sort")
    lines = data.decode(errors="replace").splitlines()

    def numkey(s: str) -> float:
        m = re.match(r"\s*-?\d+(\.\d+)?", s)
        return float(m.group()) if m else 0.0

    lines.sort(key=numkey if "n" in flags else None, reverse="r" in flags)
    if "u" in flags:
        lines = list(dict.fromkeys(lines))
    await ctx.out("".join(x + "\n" for x in lines))
    return status


@command("uniq")
async def uniq(ctx: CommandContext, argv: list[str]) -> int:
    count = "-c" in argv
    data, status = await _input(ctx, [a for a in argv[1:] if not a.startswith("-")], "uniq")
    out, prev, n = [], None, 0
    for line in data.decode(errors="replace").splitlines() + [None]:  # type: ignore[list-item]
        if line == prev:
            n += 1
            continue
        if prev is not None:
            out.append(f"{n:7d} {prev}" if count else prev)
        prev, n = line, 1
    await ctx.out("".join(x + "\n" for x in out))
    return status


def _tr_set(spec: str) -> str:
    spec = spec.replace("[:upper:]", "A-Z").replace("[:lower:]", "a-z").replace("[:digit:]", "0-9")
    spec = spec.replace("[:space:]", " \t\n\r\f\v").replace("\\n", "\n").replace("\\t", "\t")
    out, i = [], 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


@command("tr")
async def tr(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    delete = "-d" in args
    squeeze = "-s" in args
    sets = [_tr_set(a) for a in args if not a.startswith("-") or len(a) == 1]
    if not sets:
        await ctx.err("tr: Needs 1 argument\n")
        return 1
    text = (await ctx.read_all_stdin()).decode(errors="replace")
    if delete:
        text = "".join(c for c in text if c not in sets[0])
    elif len(sets) > 1:
        src, dst = sets[0], sets[1]
        dst = dst + dst[-1:] * (len(src) - len(dst))
        text = text.translate(str.maketrans(src, dst[: len(src)]))
    if squeeze:
        squeeze_set = sets[-1]
        text = re.sub("([" + re.escape(squeeze_set) + "])\\1+", r"\1", text)
    await ctx.out(text)
    return 0


@command("tee")
async def tee(ctx: CommandContext, argv: list[str]) -> int:
    append = "-a" in argv
    names = [a for a in argv[1:] if not a.startswith("-")]
    handles, status = [], 0
    for name in names:
        try:
            handles.append(ctx.fs.open_write(ctx.resolve(name), append=append))
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


@command("xargs")
async def xargs(ctx: CommandContext, argv: list[str]) -> int:
    cmd = argv[1:] or ["echo"]
    items = (await ctx.read_all_stdin()).decode(errors="replace").split()
    if not items or ctx.shell is None:
        return 0
    status = await ctx.shell.exec_argv(cmd + items, [], ctx.io)
    return 123 if status else 0


@command("seq")
async def seq(ctx: CommandContext, argv: list[str]) -> int:
    nums = [int(a) for a in argv[1:] if a.lstrip("-").isdigit()]
    if not nums:
        await ctx.err("seq: Needs 1 argument\n")
        return 1
    first, step, last = (1, 1, nums[0]) if len(nums) == 1 else (nums[0], 1, nums[1]) if len(nums) == 2 else nums
    await ctx.out("".join(f"{i}\n" for i in range(first, last + (1 if step > 0 else -1), step)))
    return 0


@command("basename")
async def basename(ctx: CommandContext, argv: list[str]) -> int:
    if len(argv) < 2:
        await ctx.err("basename: Needs 1 argument\n")
        return 1
    name = argv[1].rstrip("/").rsplit("/", 1)[-1] or "/"
    if len(argv) > 2 and name.endswith(argv[2]) and name != argv[2]:
        name = name[: -len(argv[2])]
    await ctx.out(name + "\n")
    return 0


@command("dirname")
async def dirname(ctx: CommandContext, argv: list[str]) -> int:
    if len(argv) < 2:
        await ctx.err("dirname: Needs 1 argument\n")
        return 1
    path = argv[1].rstrip("/")
    head = path.rsplit("/", 1)[0] if "/" in path else "."
    await ctx.out((head or "/") + "\n")
    return 0
