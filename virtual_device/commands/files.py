"""File programs (toybox wording): ls, stat, cat, mkdir, rm, rmdir, mv, cp, touch, ln, chmod, md5sum, ..."""

from __future__ import annotations

import hashlib
import posixpath
import stat as S
import time
from collections.abc import Awaitable, Callable

from virtual_device.commands import CommandContext
from virtual_device.commands.modes import parse_mode
from virtual_device.commands.options import Options, toybox, usage_line
from virtual_device.fs import VStat, uid_name

Entry = tuple[str, str, VStat]  # (name as shown, device path, its lstat)


def mode_string(mode: int) -> str:
    return S.filemode(mode)


def _time(t: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t))


# -- ls ------------------------------------------------------------------------------------------
#: the toybox ls letters this device implements (-n implies the long format, as in toybox).
LS_OPTS = "aAcCdFHhiLlmnpqRrSstuxZ1w#[-1Cxml][-tS][-HL]"


@toybox("ls", opts=LS_OPTS)
async def ls(ctx: CommandContext, o: Options) -> int:
    if "n" in o:
        o.flags.add("l")
    files, dirs, status = await _operands(ctx, o)
    out: list[str] = _format(ctx, files, o) if files else []
    multi = len(files) + len(dirs) > 1 or "R" in o
    first = not files
    while dirs:
        op, path = dirs.pop(0)
        try:
            entries = _entries(ctx, path, o)
        except OSError as exc:
            await ctx.out("".join(out))
            out = []
            await ctx.err(f"ls: {op}: {exc.strerror}\n")
            status = 1
            continue
        if multi:
            out.append(("" if first else "\n") + f"{op}:\n")
        first = False
        if o.any("ls"):
            blocks = sum(-(-st.size // 4096) * 4 for _, _, st in entries if not S.S_ISLNK(st.mode))
            out.append(f"total {blocks}\n")
        out.extend(_format(ctx, entries, o))
        if "R" in o:
            dirs[0:0] = [
                (posixpath.join(op, n), f)
                for n, f, st in _sorted(entries, o)
                if S.S_ISDIR(st.mode) and n not in (".", "..")
            ]
    await ctx.out("".join(out))
    return status


async def _operands(ctx: CommandContext, o: Options) -> tuple[list[Entry], list[tuple[str, str]], int]:
    """Split the operands into files shown as themselves and directories whose contents are listed."""
    files: list[Entry] = []
    dirs: list[tuple[str, str]] = []
    status = 0
    for op in o.args or ["."]:
        path = ctx.resolve(op)
        follow = "L" in o or not ("l" in o and not op.endswith("/"))
        try:
            st = ctx.fs.stat(path, follow=follow)
        except OSError as exc:
            await ctx.err(f"ls: {op}: {exc.strerror}\n")
            status = 1
            continue
        listed = S.S_ISDIR(st.mode) or (S.S_ISLNK(st.mode) and "l" not in o and ctx.fs.isdir(path))
        if listed and "d" not in o:
            dirs.append((op, path))
        else:
            files.append((op, path, st))
    return files, dirs, status


def _entries(ctx: CommandContext, path: str, o: Options) -> list[Entry]:
    """A directory's entries as `ls` shows them (dot files per -a/-A); raises OSError if unreadable."""
    fs = ctx.fs
    names = fs.listdir(path)
    if "a" in o:
        names = [".", ".."] + names
    elif "A" not in o:
        names = [n for n in names if not n.startswith(".")]
    try:
        base = fs.realpath(path)  # so `.` of /sdcard is the directory, not the symlink
    except OSError:
        base = path
    entries = []
    for name in names:
        full = posixpath.normpath(posixpath.join(base, name))
        try:
            entries.append((name, full, fs.stat(full, follow=False)))
        except OSError:
            continue
    return entries


def _sorted(entries: list[Entry], o: Options) -> list[Entry]:
    if "t" in o:
        entries = sorted(entries, key=lambda e: -e[2].mtime)
    elif "S" in o:
        entries = sorted(entries, key=lambda e: -e[2].size)
    else:
        entries = sorted(entries, key=lambda e: e[0])
    return entries[::-1] if "r" in o else entries


def _format(ctx: CommandContext, entries: list[Entry], o: Options) -> list[str]:
    entries = _sorted(entries, o)
    if "l" not in o:
        mark = o.any("Fp")
        return [f"{name}{'/' if mark and S.S_ISDIR(st.mode) else ''}\n" for name, _, st in entries]
    rows = [_long_row(ctx, e, o) for e in entries]
    w = [max(len(r[i]) for r in rows) for i in range(5)]
    return [
        f"{r[0]} {r[1].rjust(w[1])} {r[2].ljust(w[2])} {r[3].ljust(w[3])} {r[4].rjust(w[4])} {r[5]} {r[6]}\n"
        for r in rows
    ]


def _long_row(ctx: CommandContext, entry: Entry, o: Options) -> tuple[str, ...]:
    name, full, st = entry
    user = str(st.uid) if "n" in o else uid_name(st.uid)
    group = str(st.gid) if "n" in o else uid_name(st.gid)
    if S.S_ISCHR(st.mode) or S.S_ISBLK(st.mode):
        size = f"{st.size >> 8}, {st.size & 0xFF}"
    else:
        size = str(st.size)
    shown = name
    if S.S_ISLNK(st.mode):
        try:
            shown += " -> " + ctx.fs.readlink(full)
        except OSError:
            pass
    return (mode_string(st.mode), str(st.nlink), user, group, size, _time(st.mtime), shown)


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


def _stat_format(fmt: str, name: str, st: VStat) -> str:
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


@toybox("stat", opts="<1c:(format)fLt")
async def stat_(ctx: CommandContext, o: Options) -> int:
    fmt = o.text("c")
    status = 0
    for op in o.args:
        try:
            st = ctx.fs.stat(ctx.resolve(op), follow="L" in o)
        except OSError as exc:
            await ctx.err(f"stat: '{op}': {exc.strerror}\n")
            status = 1
            continue
        if fmt is not None:
            await ctx.out(_stat_format(fmt, op, st) + "\n")
            continue
        shown = f"'{op}'"
        if S.S_ISLNK(st.mode):
            shown += f" -> '{ctx.fs.readlink(ctx.resolve(op))}'"
        text = (
            f"  File: {shown}\n"
            f"  Size: {st.size}\t Blocks: {-(-st.size // 512)}\t IO Blocks: 4096\t{_stat_format('%F', op, st)}\n"
            f"Device: {st.dev:x}h/{st.dev}d\t Inode: {st.ino}\t Links: {st.nlink}\t Device type: 0,0\n"
            f"Access: ({st.mode & 0o7777:04o}/{mode_string(st.mode)})\tUid: ({st.uid:5d}/{uid_name(st.uid):>8s})\t"
            f"Gid: ({st.gid:5d}/{uid_name(st.gid):>8s})\n"
            f"Access: {_long_time(st.atime)}\nModify: {_long_time(st.mtime)}\nChange: {_long_time(st.ctime)}\n"
        )
        await ctx.out(text)
    return status


# -- cat and hashes ------------------------------------------------------------------------------
Sink = Callable[[bytes], Awaitable[None]]


async def _stream_file(ctx: CommandContext, name: str, sink: Sink) -> str | None:
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


@toybox("cat", opts="uvte")
async def cat(ctx: CommandContext, o: Options) -> int:
    status = 0
    for name in o.args or ["-"]:
        err = await _stream_file(ctx, name, ctx.io.write_stdout)
        if err:
            await ctx.err(f"cat: {name}: {err}\n")
            status = 1
    return status


def _hash_command(algo: str) -> Callable[[CommandContext, Options], Awaitable[int]]:
    async def run(ctx: CommandContext, o: Options) -> int:
        status = 0
        for name in o.args or ["-"]:
            h = hashlib.new(algo)

            async def feed(chunk: bytes, h: hashlib._Hash = h) -> None:
                h.update(chunk)

            err = await _stream_file(ctx, name, feed)
            if err:
                await ctx.err(f"{o.prog}: {name}: {err}\n")
                status = 1
                continue
            await ctx.out(f"{h.hexdigest()}\n" if "b" in o else f"{h.hexdigest()}  {name}\n")
        return status

    return run


for _algo in ("md5", "sha1", "sha256", "sha512"):
    toybox(f"{_algo}sum", opts="b")(_hash_command(_algo))


# -- tree changes --------------------------------------------------------------------------------
@toybox("mkdir", opts="<1vp(parent)(parents)m:")
async def mkdir(ctx: CommandContext, o: Options) -> int:
    mode = parse_mode(o.text("m", "771") or "771", 0o777, is_dir=True)
    if mode is None:
        await ctx.err(f"mkdir: bad mode '{o.text('m')}'\n")
        return 1
    status = 0
    for op in o.args:
        try:
            ctx.fs.mkdir(ctx.resolve(op), parents="p" in o, mode=mode)
        except OSError as exc:
            await ctx.err(f"mkdir: '{op}': {exc.strerror}\n")
            status = 1
    return status


@toybox("rmdir", opts="<1p(parents)")
async def rmdir(ctx: CommandContext, o: Options) -> int:
    status = 0
    for op in o.args:
        path = ctx.resolve(op)
        try:
            if not ctx.fs.isdir(path) and ctx.fs.exists(path):
                raise OSError(20, "Not a directory")
            ctx.fs.remove(path)
        except OSError as exc:
            await ctx.err(f"rmdir: '{op}': {exc.strerror}\n")
            status = 1
    return status


@toybox("rm", opts="fiRrv[-fi]")
async def rm(ctx: CommandContext, o: Options) -> int:
    recursive = o.any("rR")
    force = "f" in o
    if not o.args and not force:
        await ctx.err(usage_line("rm", "Needs 1 argument"))
        return 1
    status = 0
    for op in o.args:
        status |= await _rm_one(ctx, op, recursive, force)
    return status


async def _rm_one(ctx: CommandContext, op: str, recursive: bool, force: bool) -> int:
    path = ctx.resolve(op)
    try:
        st = ctx.fs.stat(path, follow=False)
    except OSError as exc:
        if force:
            return 0
        await ctx.err(f"rm: {op}: {exc.strerror}\n")
        return 1
    if S.S_ISDIR(st.mode) and not recursive:
        await ctx.err(f"rm: {op}: Is a directory\n")
        return 1
    try:
        ctx.fs.remove(path, recursive=recursive)
    except OSError as exc:
        await ctx.err(f"rm: {op}: {exc.strerror}\n")
        return 1
    return 0


@toybox("mv", opts="<2vnFfiT[-ni]")
async def mv(ctx: CommandContext, o: Options) -> int:
    *srcs, dst = o.args
    status = 0
    for src in srcs:
        try:
            ctx.fs.stat(ctx.resolve(src), follow=False)
            ctx.fs.rename(ctx.resolve(src), ctx.resolve(dst))
        except OSError as exc:
            await ctx.err(f"mv: {'bad ' if exc.errno == 2 else ''}'{src}': {exc.strerror}\n")
            status = 1
    return status


@toybox("cp", opts="<2(preserve):DRHLPprudaslvnFfiT[-HLPd][-niu][+Rr]")
async def cp(ctx: CommandContext, o: Options) -> int:
    *srcs, dst = o.args
    recursive = o.any("rRa")
    keep = o.any("pa")
    status = 0
    dst_path = ctx.resolve(dst)
    for src in srcs:
        try:
            status |= await _cp_one(ctx, src, dst, dst_path, recursive, keep)
        except OSError as exc:
            await ctx.err(f"cp: {'bad ' if exc.errno == 2 else ''}'{exc.filename or src}': {exc.strerror}\n")
            status = 1
    return status


async def _cp_one(ctx: CommandContext, src: str, dst: str, dst_path: str, recursive: bool, keep: bool) -> int:
    fs = ctx.fs
    spath = ctx.resolve(src)
    target = posixpath.join(dst_path, posixpath.basename(spath)) if fs.isdir(dst_path) else dst_path
    st = fs.stat(spath)
    if not S.S_ISDIR(st.mode):
        fs.copy(spath, target)
        if keep:
            fs.set_times(target, st.mtime, st.atime)
        return 0
    if not recursive:
        await ctx.err(f"cp: Skipped dir '{src}'\n")
        return 1
    base = fs.realpath(spath)  # walk() yields canonical paths (/sdcard -> /storage/emulated/0)
    if _inside(fs.realpath(posixpath.dirname(target)) + "/" + posixpath.basename(target), base):
        await ctx.err(f"cp: recursion '{dst}'\n")
        return 1
    for d, _dirs, names in fs.walk(spath):
        out_dir = posixpath.normpath(posixpath.join(target, posixpath.relpath(d, base)))
        if not fs.isdir(out_dir):
            fs.mkdir(out_dir)
        for n in names:
            fs.copy(posixpath.join(d, n), posixpath.join(out_dir, n))
            if keep:
                fs.set_times(posixpath.join(out_dir, n), fs.stat(posixpath.join(d, n)).mtime)
    return 0


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


@toybox("touch", opts="<1acd:fmr:t:h[!dtr]")
async def touch(ctx: CommandContext, o: Options) -> int:
    when = None
    for kind in "dt":
        value = o.text(kind)
        if value is not None:
            when = _parse_touch_time(value, kind)
            if when is None:
                await ctx.err(f"touch: bad '{value}'\n")
                return 1
    status = 0
    now = when if when is not None else ctx.device.now()
    for op in o.args:
        path = ctx.resolve(op)
        try:
            if not ctx.fs.exists(path):
                if "c" in o:
                    continue
                ctx.fs.open_write(path, append=True).close()
            st = ctx.fs.stat(path)
            ctx.fs.set_times(path, st.mtime if "a" in o and "m" not in o else now, st.atime if "m" in o else now)
        except OSError as exc:
            await ctx.err(f"touch: '{op}': {exc.strerror}\n")
            status = 1
    return status


@toybox("ln", opts="<1rt:Tvnfs")
async def ln(ctx: CommandContext, o: Options) -> int:
    if len(o.args) != 2:
        await ctx.err(usage_line("ln", "Needs 2 arguments"))
        return 1
    target, link = o.args
    if "s" not in o:
        await ctx.err(f"ln: cannot create hard link '{link}': Operation not permitted\n")
        return 1
    path = ctx.resolve(link)
    if ctx.fs.isdir(path) and "T" not in o:
        path = posixpath.join(path, posixpath.basename(target.rstrip("/")))
    try:
        if "f" in o and ctx.fs.exists(path) and not ctx.fs.isdir(path):
            ctx.fs.remove(path)
        ctx.fs.symlink(target, path)
    except OSError as exc:
        await ctx.err(f"ln: cannot create symbolic link '{link}': {exc.strerror}\n")
        return 1
    return 0


@toybox("chmod", opts="<2?vRf[-vf]")
async def chmod(ctx: CommandContext, o: Options) -> int:
    """Octal or symbolic modes (`a-rwx`, `u+x`, `go=r`); `-R` applies to every file below a directory."""
    text, *ops = o.args
    if parse_mode(text, 0) is None:
        await ctx.err(f"chmod: bad mode '{text}'\n")
        return 1
    status = 0
    for op in ops:
        path = ctx.resolve(op)
        paths = [path]
        if "R" in o and ctx.fs.isdir(path):
            paths = []
            for d, _dirs, files in ctx.fs.walk(path):
                paths += [d] + [posixpath.join(d, f) for f in files]
        for each in paths:
            try:
                st = ctx.fs.stat(each)
                ctx.fs.chmod(each, parse_mode(text, st.mode, st.is_dir) or 0)
            except OSError as exc:
                if "f" not in o:
                    await ctx.err(f"chmod: {op}: {exc.strerror}\n")
                status = 1
    return status


@toybox("readlink", "realpath", opts="<1nqmefsz[-mef]")
async def readlink(ctx: CommandContext, o: Options) -> int:
    status = 0
    for op in o.args:
        try:
            if o.prog.endswith("realpath") or o.any("fem"):
                await ctx.out(ctx.fs.realpath(ctx.resolve(op)) + "\n")
            else:
                await ctx.out(ctx.fs.readlink(ctx.resolve(op)) + "\n")
        except OSError:
            status = 1
    return status
