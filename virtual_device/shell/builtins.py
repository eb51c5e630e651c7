"""Shell builtins (what mksh runs itself): cd, exit, export, echo, test/[, read, sh, ..."""

from __future__ import annotations

import re
import stat as st
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from virtual_device.shell.interpreter import Interp

Builtin = Callable[["Interp", list[str]], Awaitable[int]]
BUILTINS: dict[str, Builtin] = {}


def builtin(*names: str) -> Callable[[Builtin], Builtin]:
    def register(fn: Builtin) -> Builtin:
        for name in names:
            BUILTINS[name] = fn
        return fn

    return register


async def _out(sh: Interp, text: str) -> None:
    await sh.fds.write_stdout(text.encode())


@builtin(":", "true")
async def _true(sh: Interp, argv: list[str]) -> int:
    return 0


@builtin("false")
async def _false(sh: Interp, argv: list[str]) -> int:
    return 1


@builtin("exit")
async def _exit(sh: Interp, argv: list[str]) -> int:
    from virtual_device.shell.interpreter import ExitShell

    code = sh.state.status
    if len(argv) > 1:
        if not re.fullmatch(r"-?\d+", argv[1]):
            await sh.err(f"exit: {argv[1]}: bad number")
            code = 1
        else:
            code = int(argv[1]) & 0xFF
    raise ExitShell(code)


@builtin("return")
async def _return(sh: Interp, argv: list[str]) -> int:
    from virtual_device.shell.interpreter import ReturnFromFunction

    code = sh.state.status
    if len(argv) > 1:
        if not re.fullmatch(r"-?\d+", argv[1]):
            await sh.err(f"return: {argv[1]}: bad number")
            code = 1
        else:
            code = int(argv[1]) & 0xFF
    raise ReturnFromFunction(code)


@builtin("cd")
async def _cd(sh: Interp, argv: list[str]) -> int:
    target = argv[1] if len(argv) > 1 else sh.state.vars.get("HOME", "/")
    if target == "-":
        target = sh.state.vars.get("OLDPWD", sh.state.cwd)
    fs = sh.device.fs
    path = fs.resolve(target, sh.state.cwd)
    try:
        if not fs.isdir(path):
            reason = "Not a directory" if fs.exists(path) else "No such file or directory"
            await sh.err(f"cd: {target}: {reason}")
            return 1
        fs.check(path, "x")
    except OSError as exc:
        await sh.err(f"cd: {target}: {exc.strerror}")
        return 1
    sh.state.vars["OLDPWD"] = sh.state.cwd
    sh.state.cwd = path
    sh.state.vars["PWD"] = path
    return 0


@builtin("pwd")
async def _pwd(sh: Interp, argv: list[str]) -> int:
    await _out(sh, sh.state.cwd + "\n")
    return 0


@builtin("export")
async def _export(sh: Interp, argv: list[str]) -> int:
    for arg in argv[1:]:
        if arg == "-p":
            continue
        name, eq, value = arg.partition("=")
        if eq:
            sh.state.vars[name] = value
        sh.state.exported.add(name)
    if len(argv) == 1 or argv[1:] == ["-p"]:
        for name in sorted(sh.state.exported):
            if name in sh.state.vars:
                await _out(sh, f"export {name}={_quote(sh.state.vars[name])}\n")
    return 0


def _quote(value: str) -> str:
    return value if re.fullmatch(r"[A-Za-z0-9_./:=+-]*", value) else "'" + value.replace("'", "'\\''") + "'"


@builtin("unset")
async def _unset(sh: Interp, argv: list[str]) -> int:
    for name in argv[1:]:
        if name not in ("-v", "-f"):
            sh.state.vars.pop(name, None)
            sh.state.exported.discard(name)
    return 0


@builtin("set")
async def _set(sh: Interp, argv: list[str]) -> int:
    args = argv[1:]
    if "--" in args:
        sh.state.positional = args[args.index("--") + 1 :]
    elif not args:
        for name in sorted(sh.state.vars):
            await _out(sh, f"{name}={_quote(sh.state.vars[name])}\n")
    return 0


@builtin("shift")
async def _shift(sh: Interp, argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    sh.state.positional = sh.state.positional[n:]
    return 0


def _escapes(text: str) -> tuple[str, bool]:
    """Interpret print/echo backslash sequences; returns (text, stop) where stop means `\\c` was seen."""
    out: list[str] = []
    i = 0
    table = {"a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "c":
                return "".join(out), True
            if nxt in table:
                out.append(table[nxt])
                i += 2
                continue
            if nxt == "0":
                m = re.match(r"[0-7]{0,3}", text[i + 2 :])
                digits = m.group() if m else ""
                out.append(chr(int(digits or "0", 8)))
                i += 2 + len(digits)
                continue
        out.append(c)
        i += 1
    return "".join(out), False


@builtin("echo")
async def _echo(sh: Interp, argv: list[str]) -> int:
    args = argv[1:]
    newline, escapes = True, True  # mksh's echo interprets backslashes unless -E
    while args and re.fullmatch(r"-[neE]+", args[0]):
        for flag in args[0][1:]:
            if flag == "n":
                newline = False
            else:
                escapes = flag == "e"
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = _escapes(text)
        if stop:
            newline = False
    await _out(sh, text + ("\n" if newline else ""))
    return 0


@builtin("printf")
async def _printf(sh: Interp, argv: list[str]) -> int:
    if len(argv) < 2:
        await sh.err("printf: usage: printf format [arguments ...]")
        return 1
    fmt, args = argv[1], argv[2:]
    out = []
    while True:
        i = 0
        text = []
        while i < len(fmt):
            m = re.match(r"%([-+ 0#]*\d*(?:\.\d+)?)([sdiouxXc%b])", fmt[i:])
            if m:
                spec, conv = m.groups()
                if conv == "%":
                    text.append("%")
                else:
                    arg = args.pop(0) if args else ""
                    if conv in "diouxX":
                        try:
                            num = int(arg or "0", 0)
                        except ValueError:
                            num = 0
                        text.append(("%" + spec + ("d" if conv == "i" else conv)) % num)
                    elif conv == "b":
                        text.append(_escapes(arg)[0])
                    elif conv == "c":
                        text.append(arg[:1])
                    else:
                        text.append(("%" + spec + "s") % arg)
                i += m.end()
            else:
                text.append(fmt[i])
                i += 1
        out.append(_escapes("".join(text))[0])
        if not args or "%" not in fmt:
            break
    await _out(sh, "".join(out))
    return 0


@builtin("read")
async def _read(sh: Interp, argv: list[str]) -> int:
    names = [a for a in argv[1:] if not a.startswith("-")] or ["REPLY"]
    line = bytearray()
    while True:
        byte = await sh.fds.read_stdin(1)
        if not byte:
            if not line:
                return 1
            break
        if byte == b"\n":
            break
        line += byte
    fields = line.decode(errors="replace").split(None, len(names) - 1)
    for i, name in enumerate(names):
        sh.state.vars[name] = fields[i] if i < len(fields) else ""
    return 0


@builtin("sh", "/system/bin/sh", "mksh")
async def _sh(sh: Interp, argv: list[str]) -> int:
    if len(argv) >= 3 and argv[1] == "-c":
        sub_fds = sh.fds.copy()
        return await sh.run_subcommand(argv[2], sub_fds)
    if len(argv) >= 2 and not argv[1].startswith("-"):
        fs = sh.device.fs
        try:
            with fs.open_read(fs.resolve(argv[1], sh.state.cwd)) as fh:
                script = fh.read().decode(errors="replace")
        except OSError as exc:
            await sh.err(f"{argv[1]}: {exc.strerror}")
            return 127
        return await sh.run_subcommand(script, sh.fds.copy())
    data = bytearray()
    while chunk := await sh.fds.read_stdin():
        data += chunk
    return await sh.run_subcommand(data.decode(errors="replace"), sh.fds.copy())


@builtin("type", "command")
async def _type(sh: Interp, argv: list[str]) -> int:
    from virtual_device.commands import lookup

    args = argv[1:]
    if argv[0] == "command":
        if args and args[0] in ("-v", "-V"):
            args = args[1:]
        else:
            return await sh.exec_argv(args, [], sh.fds) if args else 0
    status = 0
    for name in args:
        if name in BUILTINS:
            await _out(sh, f"{name} is a shell builtin\n" if argv[0] == "type" else f"{name}\n")
        elif lookup(name) is not None:
            await _out(sh, f"{name} is /system/bin/{name}\n" if argv[0] == "type" else f"/system/bin/{name}\n")
        else:
            if argv[0] == "type":
                await _out(sh, f"{name} not found\n")
            status = 1
    return status


# -- test / [ ------------------------------------------------------------------------------------
class _TestError(Exception):
    pass


@builtin("test", "[")
async def _test(sh: Interp, argv: list[str]) -> int:
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            await sh.err("[: missing ]")
            return 2
        args = args[:-1]
    try:
        return 0 if _evaluate(sh, args) else 1
    except _TestError as exc:
        await sh.err(f"{argv[0]}: {exc}")
        return 2


def _evaluate(sh: Interp, args: list[str]) -> bool:
    if not args:
        return False
    for i, arg in enumerate(args):
        if arg == "-o" and 0 < i < len(args) - 1:
            return _evaluate(sh, args[:i]) or _evaluate(sh, args[i + 1 :])
    for i, arg in enumerate(args):
        if arg == "-a" and 0 < i < len(args) - 1:
            return _evaluate(sh, args[:i]) and _evaluate(sh, args[i + 1 :])
    if args[0] == "!":
        return not _evaluate(sh, args[1:])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        return _unary(sh, args[0], args[1])
    if len(args) == 3:
        return _binary(args[0], args[1], args[2])
    raise _TestError(f"{args[3]}: unexpected operator/operand")


def _is_terminal(stream: object) -> bool:
    """True for the session's own stdin/stdout when adbd gave it a PTY (`adb shell -t`)."""
    return bool(getattr(getattr(stream, "io", None), "pty", False))


def _unary(sh: Interp, op: str, operand: str) -> bool:
    if op == "-z":
        return operand == ""
    if op == "-n":
        return operand != ""
    if op == "-t":
        return operand.isdigit() and _is_terminal(sh.fds.fds.get(int(operand)))
    fs = sh.device.fs
    path = fs.resolve(operand, sh.state.cwd)
    try:
        if op in ("-L", "-h"):
            return st.S_ISLNK(fs.stat(path, follow=False).mode)
        info = fs.stat(path)
    except OSError:
        return False
    checks: dict[str, Callable[[], bool]] = {
        "-e": lambda: True,
        "-f": lambda: st.S_ISREG(info.mode),
        "-d": lambda: st.S_ISDIR(info.mode),
        "-s": lambda: info.size > 0,
        "-c": lambda: st.S_ISCHR(info.mode),
        "-b": lambda: st.S_ISBLK(info.mode),
        "-p": lambda: st.S_ISFIFO(info.mode),
        "-S": lambda: st.S_ISSOCK(info.mode),
    }
    if op in checks:
        return checks[op]()
    if op in ("-r", "-w", "-x"):
        try:
            fs.check(path, op[1])
        except OSError:
            return False
        return True
    raise _TestError(f"{op}: unexpected operator")


def _binary(left: str, op: str, right: str) -> bool:
    if op in ("=", "=="):
        return left == right
    if op == "!=":
        return left != right
    ints = {
        "-eq": int.__eq__,
        "-ne": int.__ne__,
        "-lt": int.__lt__,
        "-le": int.__le__,
        "-gt": int.__gt__,
        "-ge": int.__ge__,
    }
    if op in ints:
        try:
            return bool(ints[op](int(left), int(right)))
        except ValueError as exc:
            bad = left if not re.fullmatch(r"\s*-?\d+\s*", left) else right
            raise _TestError(f"{bad}: bad number") from exc
    raise _TestError(f"{op}: unexpected operator")
