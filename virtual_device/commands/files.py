"""File programs (toybox wording): ls, stat, cat, mkdir, rm, rmdir, mv, cp, touch, ln, chmod, md5sum, ..."""

from __future__ import annotations

import hashlib
import posixpath
import stat as S
import time

from virtual_device.commands import CommandContext, command
from virtual_device.fs import uid_name


def _split(argv: list[str], known: str) -> tuple[set[str], list[str], str | None]:
    """Toybox-style option parsing: returns (flags, operands, bad option or None)."""
    flags: set[str] = set()
    operands: list[str] = []
    only_operands = False
    for arg in argv[1:]:
        if only_operands or not arg.startswith("-") or arg == "-":
            operands.append(arg)
        elif arg == "--":
            only_operands = True
        else:
            for ch in arg[1:]:
                if ch not in known:
                    return flags, operands, ch
                flags.add(ch)
    return flags, operands, None


def mode_string(mode: int) -> str:
    return S.filemode(mode)


def _time(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


# -- ls ------------------------------------------------------------------------------------------
@command("ls")
async def ls(ctx: CommandContext, argv: list[str]) -> int:
    flags, operands, bad = _split(argv, "lLaAdR1nFtSrhsicpZ")
    if bad:
        await ctx.err(f"ls: Unknown option '{bad}' (see \"ls --help\")\n")
        return 1
    if "n" in flags:
        flags.add("l")
    fs = ctx.fs
    status = 0
    files, dirs = [], []
    for op in operands or ["."]:
        path = ctx.resolve(op)
        try:
            st = fs.stat(path, follow=not ("l" in flags and not op.endswith("/")) or "L" in flags)
        except OSError as exc:
            await ctx.err(f"ls: {op}: {exc.strerror}\n")
            status = 1
            continue
        if S.S_ISDIR(st.st_mode if hasattr(st, "st_mode") else st.mode) and "d" not in flags:
            dirs.append((op, path))
        elif S.S_ISLNK(st.mode) and "d" not in flags and fs.isdir(path) and "l" not in flags:
            dirs.append((op, path))
        else:
            files.append((op, path, st))
    out: list[str] = []
    if files:
        out.extend(_format(ctx, files, flags))
    multi = len(files) + len(dirs) > 1 or "R" in flags
    queue = list(dirs)
    first = not files
    while queue:
        op, path = queue.pop(0)
        try:
            names = fs.listdir(path)
        except OSError as exc:
            await ctx.out("".join(out))
            out = []
            await ctx.err(f"ls: {op}: {exc.strerror}\n")
            status = 1
            continue
        if "a" in flags:
            names = [".", ".."] + names
        elif "A" not in flags:
            names = [n for n in names if not n.startswith(".")]
        entries = []
        try:
            base = fs.realpath(path)  # so `.` of /sdcard is the directory, not the symlink
        except OSError:
            base = path
        for name in names:
            full = posixpath.normpath(posixpath.join(base, name))
            try:
                entries.append((name, full, fs.stat(full, follow=False)))
            except OSError:
                continue
        if multi:
            out.append(("" if first else "\n") + f"{op}:\n")
        first = False
        if "l" in flags or "s" in flags:
            blocks = sum(-(-e[2].size // 4096) * 4 for e in entries if not S.S_ISLNK(e[2].mode))
            out.append(f"total {blocks}\n")
        out.extend(_format(ctx, entries, flags))
        if "R" in flags:
            sub = [
                (posixpath.join(op, n), f)
                for n, f, st in _sorted(entries, flags)
                if S.S_ISDIR(st.mode) and n not in (".", "..")
            ]
            queue[0:0] = sub
    await ctx.out("".join(out))
    return status


def _sorted(entries: list, flags: set[str]) -> list:
    if "t" in flags:
        entries = sorted(entries, key=lambda e: -e[2].mtime)
    elif "S" in flags:
        entries = sorted(entries, key=lambda e: -e[2].size)
    else:
        entries = sorted(entries, key=lambda e: e[0])
    return entries[::-1] if "r" in flags else entries


def _format(ctx: CommandContext, entries: list, flags: set[str]) -> list[str]:
    entries = _sorted(entries, flags)
    if "l" not in flags:
        suffix = (lambda st: "/" if S.S_ISDIR(st.mode) else "") if ("F" in flags or "p" in flags) else (lambda st: "")
        return [f"{e[0]}{suffix(e[2])}\n" for e in entries]
    rows = []
    for name, full, st in entries:
        user = str(st.uid) if "n" in flags else uid_name(st.uid)
        group = str(st.gid) if "n" in flags else uid_name(st.gid)
        size = st.size
        if S.S_ISCHR(st.mode) or S.S_ISBLK(st.mode):
            size_s = f"{st.size >> 8}, {st.size & 0xFF}"
        else:
            size_s = str(size)
        shown = name
        if S.S_ISLNK(st.mode):
            try:
                shown += " -> " + ctx.fs.readlink(full)
            except OSError:
                pass
        rows.append((mode_string(st.mode), str(st.nlink), user, group, size_s, _time(st.mtime), shown))
    w = [max(len(r[i]) for r in rows) for i in range(5)]
    return [
        f"{r[0]} {r[1].rjust(w[1])} {r[2].ljust(w[2])} {r[3].ljust(w[3])} {r[4].rjust(w[4])} {r[5]} {r[6]}\n"
        for r in rows
    ]


# -- stat ----------------------------------------------------------------------------------------
def _file_type(mode: int) -> str:
    if S.S_ISDIR(mode):
        return "directory"
    if S.S_ISLNK(mode):
        return "symbolic link"
    if S.S_ISREG(mode):
        return "regular file" if True else "regular empty file"
    if S.S_ISCHR(mode):
        return "character special file"
    if S.S_ISBLK(mode):
        return "block special file"
    if S.S_ISFIFO(mode):
        return "fifo"
    return "socket"


def _stat_format(fmt: str, name: str, st, ctx: CommandContext) -> str:
    out = []
    i = 0
    while i < len(fmt):
        c = fmt[i]
        if c == "\\" and i + 1 < len(fmt):
            out.append({"n": "\n", "t": "\t", "\\": "\\"}.get(fmt[i + 1], fmt[i + 1]))
            i += 2
            continue
        if c != "%" or i + 1 >= len(fmt):
            out.append(c)
            i += 1
            continue
        f = fmt[i + 1]
        i += 2
        ftype = _file_type(st.mode)
        if ftype == "regular file" and st.size == 0:
            ftype = "regular empty file"
        table = {
            "n": name,
            "N": f"'{name}'",
            "s": str(st.size),
            "a": f"{st.mode & 0o7777:o}",
            "A": mode_string(st.mode),
            "F": ftype,
            "u": str(st.uid),
            "U": uid_name(st.uid),
            "g": str(st.gid),
            "G": uid_name(st.gid),
            "i": str(st.ino),
            "h": str(st.nlink),
            "Y": str(int(st.mtime)),
            "X": str(int(st.atime)),
            "Z": str(int(st.ctime)),
            "y": _long_time(st.mtime),
            "x": _long_time(st.atime),
            "z": _long_time(st.ctime),
            "b": str(-(-st.size // 512)),
            "B": "512",
            "o": "4096",
            "d": str(st.dev),
            "D": f"{st.dev:x}",
            "f": f"{st.mode:x}",
            "t": "0",
            "T": "0",
            "C": "u:object_r:media_rw_data_file:s0",
            "%": "%",
        }
        out.append(table.get(f, "?"))
    return "".join(out)


def _long_time(t: float) -> str:
    ns = int((t % 1) * 1e9)
    return (
        time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + f".{ns:09d} " + time.strftime("%z", time.localtime(t))
    )


@command("stat")
async def stat_(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    fmt = None
    follow = False
    operands = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-c", "--format") and i + 1 < len(args):
            fmt = args[i + 1]
            i += 2
            continue
        if a.startswith("-c") and len(a) > 2:
            fmt = a[2:]
        elif a == "-L":
            follow = True
        elif a in ("-t", "-f"):
            pass
        else:
            operands.append(a)
        i += 1
    if not operands:
        await ctx.err('stat: Needs 1 argument (see "stat --help")\n')
        return 1
    status = 0
    for op in operands:
        try:
            st = ctx.fs.stat(ctx.resolve(op), follow=follow)
        except OSError as exc:
            await ctx.err(f"stat: '{op}': {exc.strerror}\n")
            status = 1
            continue
        if fmt is not None:
            await ctx.out(_stat_format(fmt, op, st, ctx) + "\n")
            continue
        shown = f"'{op}'"
        if S.S_ISLNK(st.mode):
            shown += f" -> '{ctx.fs.readlink(ctx.resolve(op))}'"
        text = (
            f"  File: {shown}\n"
            f"  Size: {st.size}\t Blocks: {-(-st.size // 512)}\t IO Blocks: 4096\t{_stat_format('%F', op, st, ctx)}\n"
            f"Device: {st.dev:x}h/{st.dev}d\t Inode: {st.ino}\t Links: {st.nlink}\t Device type: 0,0\n"
            f"Access: ({st.mode & 0o7777:04o}/{mode_string(st.mode)})\tUid: ({st.uid:5d}/{uid_name(st.uid):>8s})\t"
            f"Gid: ({st.gid:5d}/{uid_name(st.gid):>8s})\n"
            f"Access: {_long_time(st.atime)}\nModify: {_long_time(st.mtime)}\nChange: {_long_time(st.ctime)}\n"
        )
        await ctx.out(text)
    return status


# -- cat and hashes ------------------------------------------------------------------------------
async def _stream_file(ctx: CommandContext, name: str, sink) -> str | None:
    """Feed a file (or stdin for '-') to sink in chunks; returns an error string or None."""
    if name == "-":
        while chunk := await ctx.io.read_stdin():
            await sink(chunk)
        return None
    try:
        fh = ctx.fs.open_read(ctx.resolve(name))
    except OSError as exc:
        return exc.strerror or "I/O error"
    with fh:
        while chunk := fh.read(1 << 16):
            await sink(chunk)
    return None


@command("cat")
async def cat(ctx: CommandContext, argv: list[str]) -> int:
    status = 0
    for name in [a for a in argv[1:] if a != "-u"] or ["-"]:
        err = await _stream_file(ctx, name, ctx.io.write_stdout)
        if err:
            await ctx.err(f"cat: {name}: {err}\n")
            status = 1
    return status


def _hash_command(algo: str):
    async def run(ctx: CommandContext, argv: list[str]) -> int:
        status = 0
        for name in [a for a in argv[1:] if not a.startswith("-") or a == "-"] or ["-"]:
            h = hashlib.new(algo)

            async def feed(chunk: bytes, h=h) -> None:
                h.update(chunk)

            err = await _stream_file(ctx, name, feed)
            if err:
                await ctx.err(f"{argv[0]}: {name}: {err}\n")
                status = 1
                continue
            await ctx.out(f"{h.hexdigest()}  {name}\n")
        return status

    return run


for _algo in ("md5", "sha1", "sha256", "sha512"):
    command(f"{_algo}sum")(_hash_command(_algo))


# -- tree changes --------------------------------------------------------------------------------
@command("mkdir")
async def mkdir(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    parents = False
    mode = 0o771
    operands = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-m" and i + 1 < len(args):
            mode = int(args[i + 1], 8)
            i += 2
            continue
        if a.startswith("-") and a != "-":
            parents = parents or "p" in a
        else:
            operands.append(a)
        i += 1
    if not operands:
        await ctx.err('mkdir: Needs 1 argument (see "mkdir --help")\n')
        return 1
    status = 0
    for op in operands:
        try:
            ctx.fs.mkdir(ctx.resolve(op), parents=parents, mode=mode)
        except OSError as exc:
            await ctx.err(f"mkdir: '{op}': {exc.strerror}\n")
            status = 1
    return status


@command("rmdir")
async def rmdir(ctx: CommandContext, argv: list[str]) -> int:
    status = 0
    for op in [a for a in argv[1:] if not a.startswith("-")]:
        path = ctx.resolve(op)
        try:
            if not ctx.fs.isdir(path) and ctx.fs.exists(path):
                raise OSError(20, "Not a directory")
            ctx.fs.remove(path)
        except OSError as exc:
            await ctx.err(f"rmdir: '{op}': {exc.strerror}\n")
            status = 1
    return status


@command("rm")
async def rm(ctx: CommandContext, argv: list[str]) -> int:
    flags, operands, bad = _split(argv, "rRfiv")
    if bad:
        await ctx.err(f"rm: Unknown option '{bad}' (see \"rm --help\")\n")
        return 1
    recursive = bool(flags & {"r", "R"})
    force = "f" in flags
    if not operands and not force:
        await ctx.err('rm: Needs 1 argument (see "rm --help")\n')
        return 1
    status = 0
    for op in operands:
        path = ctx.resolve(op)
        try:
            st = ctx.fs.stat(path, follow=False)
        except OSError as exc:
            if not force:
                await ctx.err(f"rm: {op}: {exc.strerror}\n")
                status = 1
            continue
        if S.S_ISDIR(st.mode) and not recursive:
            await ctx.err(f"rm: {op}: Is a directory\n")
            status = 1
            continue
        try:
            ctx.fs.remove(path, recursive=recursive)
        except OSError as exc:
            await ctx.err(f"rm: {op}: {exc.strerror}\n")
            status = 1
    return status


@command("mv")
async def mv(ctx: CommandContext, argv: list[str]) -> int:
    flags, operands, _ = _split(argv, "finvT")
    if len(operands) < 2:
        await ctx.err('mv: Needs 2 arguments (see "mv --help")\n')
        return 1
    *srcs, dst = operands
    status = 0
    for src in srcs:
        try:
            ctx.fs.stat(ctx.resolve(src), follow=False)
            ctx.fs.rename(ctx.resolve(src), ctx.resolve(dst))
        except OSError as exc:
            await ctx.err(f"mv: {'bad ' if exc.errno == 2 else ''}'{src}': {exc.strerror}\n")
            status = 1
    return status


@command("cp")
async def cp(ctx: CommandContext, argv: list[str]) -> int:
    flags, operands, _ = _split(argv, "rRpafinvdPL")
    if len(operands) < 2:
        await ctx.err('cp: Needs 2 arguments (see "cp --help")\n')
        return 1
    *srcs, dst = operands
    fs = ctx.fs
    recursive = bool(flags & {"r", "R", "a"})
    keep = bool(flags & {"p", "a"})
    status = 0
    dst_path = ctx.resolve(dst)
    for src in srcs:
        spath = ctx.resolve(src)
        target = posixpath.join(dst_path, posixpath.basename(spath)) if fs.isdir(dst_path) else dst_path
        try:
            st = fs.stat(spath)
            if S.S_ISDIR(st.mode):
                if not recursive:
                    await ctx.err(f"cp: Skipped dir '{src}'\n")
                    status = 1
                    continue
                base = fs.realpath(spath)  # walk() yields canonical paths (/sdcard -> /storage/emulated/0)
                if _inside(fs.realpath(posixpath.dirname(target)) + "/" + posixpath.basename(target), base):
                    await ctx.err(f"cp: recursion '{dst}'\n")
                    status = 1
                    continue
                for d, _dirs, names in fs.walk(spath):
                    rel = posixpath.relpath(d, base)
                    out_dir = posixpath.normpath(posixpath.join(target, rel))
                    if not fs.isdir(out_dir):
                        fs.mkdir(out_dir)
                    for n in names:
                        fs.copy(posixpath.join(d, n), posixpath.join(out_dir, n))
                        if keep:
                            fs.set_times(posixpath.join(out_dir, n), fs.stat(posixpath.join(d, n)).mtime)
            else:
                fs.copy(spath, target)
                if keep:
                    fs.set_times(target, st.mtime, st.atime)
        except OSError as exc:
            await ctx.err(f"cp: {'bad ' if exc.errno == 2 else ''}'{exc.filename or src}': {exc.strerror}\n")
            status = 1
    return status


def _inside(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip("/") + "/")


def _parse_touch_time(value: str, kind: str) -> float | None:
    formats = {
        "d": ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"),
        "t": ("%Y%m%d%H%M.%S", "%Y%m%d%H%M", "%m%d%H%M"),
    }[kind]
    if kind == "d" and value.startswith("@"):
        return float(value[1:])
    for fmt in formats:
        try:
            tm = time.strptime(value.split(".")[0] if kind == "d" else value, fmt)
        except ValueError:
            continue
        return time.mktime(tm)
    return None


@command("touch")
async def touch(ctx: CommandContext, argv: list[str]) -> int:
    args = argv[1:]
    when = None
    operands = []
    only_m = only_a = no_create = False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-d", "-t") and i + 1 < len(args):
            when = _parse_touch_time(args[i + 1], a[1])
            if when is None:
                await ctx.err(f"touch: bad '{args[i + 1]}'\n")
                return 1
            i += 2
            continue
        if a.startswith("-") and a != "-":
            only_m |= "m" in a
            only_a |= "a" in a
            no_create |= "c" in a
        else:
            operands.append(a)
        i += 1
    if not operands:
        await ctx.err('touch: Needs 1 argument (see "touch --help")\n')
        return 1
    status = 0
    now = when if when is not None else ctx.device.now()
    for op in operands:
        path = ctx.resolve(op)
        try:
            if not ctx.fs.exists(path):
                if no_create:
                    continue
                ctx.fs.open_write(path, append=True).close()
            st = ctx.fs.stat(path)
            ctx.fs.set_times(path, st.mtime if only_a else now, now if not only_m else st.atime)
        except OSError as exc:
            await ctx.err(f"touch: '{op}': {exc.strerror}\n")
            status = 1
    return status


@command("ln")
async def ln(ctx: CommandContext, argv: list[str]) -> int:
    flags, operands, _ = _split(argv, "sfnvT")
    if len(operands) != 2 or "s" not in flags:
        await ctx.err(
            'ln: Needs 2 arguments (see "ln --help")\n'
            if len(operands) != 2
            else f"ln: cannot create hard link '{operands[1]}': Operation not permitted\n"
        )
        return 1
    try:
        ctx.fs.symlink(operands[0], ctx.resolve(operands[1]))
    except OSError as exc:
        await ctx.err(f"ln: cannot create symbolic link '{operands[1]}': {exc.strerror}\n")
        return 1
    return 0


@command("chmod")
async def chmod(ctx: CommandContext, argv: list[str]) -> int:
    _, operands, _ = _split(argv, "Rfv")
    if len(operands) < 2:
        await ctx.err('chmod: Needs 2 arguments (see "chmod --help")\n')
        return 1
    try:
        mode = int(operands[0], 8)
    except ValueError:
        await ctx.err(f"chmod: bad mode '{operands[0]}'\n")
        return 1
    status = 0
    for op in operands[1:]:
        try:
            ctx.fs.chmod(ctx.resolve(op), mode)
        except OSError as exc:
            await ctx.err(f"chmod: {op}: {exc.strerror}\n")
            status = 1
    return status


@command("readlink", "realpath")
async def readlink(ctx: CommandContext, argv: list[str]) -> int:
    flags, operands, _ = _split(argv, "fenqmsz")
    status = 0
    for op in operands:
        try:
            if argv[0] == "realpath" or "f" in flags or "e" in flags:
                await ctx.out(ctx.fs.realpath(ctx.resolve(op)) + "\n")
            else:
                await ctx.out(ctx.fs.readlink(ctx.resolve(op)) + "\n")
        except OSError:
            status = 1
    return status
