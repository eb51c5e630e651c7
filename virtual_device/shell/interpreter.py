"""`Shell`: runs a command line against a DeviceState, the way /system/bin/sh (mksh) would.

Nothing here ever reaches the host: `$(...)` runs inside this same virtual shell, globbing lists the
VirtualFS, and every program is a registered Python coroutine.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import logging
import re
from typing import TYPE_CHECKING, Any

from virtual_device.commands import CommandContext, ProcessIO, lookup
from virtual_device.shell import builtins
from virtual_device.shell.ast import (
    AndOr,
    Case,
    CmdSub,
    For,
    FuncDef,
    Group,
    If,
    Lit,
    Node,
    Pipeline,
    Redir,
    Seq,
    Simple,
    Var,
    While,
    Word,
)
from virtual_device.shell.jobs import Jobs, kill_trap, run_trap
from virtual_device.shell.lexer import ShellSyntaxError
from virtual_device.shell.parser import parse
from virtual_device.shell.streams import (
    Capture,
    FdTable,
    FileStream,
    NullStream,
    OuterStderr,
    OuterStdin,
    OuterStdout,
    Pipe,
)

if TYPE_CHECKING:
    from virtual_device.device import DeviceState

SH = "/system/bin/sh"
_log = logging.getLogger(__name__)
DEFAULT_ENV = {
    "ANDROID_ART_ROOT": "/apex/com.android.art",
    "ANDROID_ASSETS": "/system/app",
    "ANDROID_DATA": "/data",
    "ANDROID_I18N_ROOT": "/apex/com.android.i18n",
    "ANDROID_ROOT": "/system",
    "ANDROID_STORAGE": "/storage",
    "ANDROID_TZDATA_ROOT": "/apex/com.android.tzdata",
    "ASEC_MOUNTPOINT": "/mnt/asec",
    "EXTERNAL_STORAGE": "/sdcard",
    "HOME": "/",
    "HOSTNAME": "localhost",
    "LOGNAME": "shell",
    "PATH": "/product/bin:/apex/com.android.runtime/bin:/apex/com.android.art/bin:/system_ext/bin:"
    "/system/bin:/system/xbin:/odm/bin:/vendor/bin:/vendor/xbin",
    "SHELL": "/bin/sh",
    "TERM": "dumb",
    "TMPDIR": "/data/local/tmp",
    "USER": "shell",
}
_GLOB_CHARS = set("*?[")
_IFS = " \t\n"


class ExitShell(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class _Break(Exception):
    pass


class ReturnFromFunction(Exception):
    """`return N` inside a function body."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class ShellState:
    """Variables, exports and cwd: what a subshell copies."""

    def __init__(self, env: dict[str, str], cwd: str) -> None:
        self.vars: dict[str, str] = dict(env)
        self.exported: set[str] = set(env)
        self.cwd = cwd
        self.status = 0
        self.positional: list[str] = []
        self.functions: dict[str, Node] = {}

    def copy(self) -> ShellState:
        new = ShellState({}, self.cwd)
        new.functions = dict(self.functions)
        new.vars = dict(self.vars)
        new.exported = set(self.exported)
        new.status = self.status
        new.positional = list(self.positional)
        return new

    def environ(self) -> dict[str, str]:
        return {k: v for k, v in self.vars.items() if k in self.exported}


class Shell:
    """One `sh -c COMMAND` process on the device."""

    def __init__(self, device: DeviceState) -> None:
        self.device = device
        self.pid = 0

    async def run(self, command: str, io: ProcessIO, *, env: dict[str, str] | None = None) -> int:
        fds = FdTable({0: OuterStdin(io), 1: OuterStdout(io), 2: OuterStderr(io)})
        base = dict(DEFAULT_ENV)
        base["HOSTNAME"] = getattr(self.device, "props", {}).get("ro.product.device", "localhost") or "localhost"
        base.update(env or {})
        state = ShellState(base, "/")
        proc = _spawn(self.device, "sh", ["/system/bin/sh", "-c", command], ppid=None)
        self.pid = proc.pid if proc is not None else 4242
        interp = Interp(self, state, fds)
        body = asyncio.ensure_future(interp.run_text(command))
        if proc is not None:
            proc.task = body  # `kill $$` ends the script (its traps run); cancelling run() still raises
        try:
            return await body
        except asyncio.CancelledError:
            if not body.cancelled() or _current_cancelling():
                raise
            return await interp.killed()
        finally:
            _exit(self.device, proc)

    async def session(self, io: ProcessIO, env: dict[str, str] | None = None) -> Interp:
        """An interactive shell: one Interp whose state (cwd, variables, traps) lasts across lines."""
        fds = FdTable({0: OuterStdin(io), 1: OuterStdout(io), 2: OuterStderr(io)})
        base = dict(DEFAULT_ENV)
        base.update(env or {})
        proc = _spawn(self.device, "sh", ["-/system/bin/sh"], ppid=None)
        self.pid = proc.pid if proc is not None else 4242
        return Interp(self, ShellState(base, "/"), fds)


def _spawn(device: Any, name: str, args: list[str], ppid: int | None) -> Any:
    procs = getattr(device, "processes", None)
    if procs is None or not hasattr(procs, "spawn"):
        return None
    return procs.spawn(name, args, ppid=ppid)


def _exit(device: Any, proc: Any) -> None:
    if proc is not None:
        with contextlib.suppress(Exception):
            device.processes.reap(proc.pid)


class Interp:
    """Walks the syntax tree with one ShellState and one descriptor table."""

    def __init__(self, shell: Shell, state: ShellState, fds: FdTable) -> None:
        self.shell = shell
        self.state = state
        self.fds = fds
        self.jobs = Jobs()
        self.exited = False  # `exit` ran (an interactive session then ends)

    @property
    def device(self) -> DeviceState:
        return self.shell.device

    async def err(self, msg: str) -> None:
        await self.fds.write_stderr(f"{SH}: {msg}\n".encode())

    async def run_text(self, text: str) -> int:
        try:
            tree = parse(text)
        except ShellSyntaxError as exc:
            await self.err(str(exc))
            return 1
        status = 0
        try:
            status = await self.run_seq(tree)
        except ExitShell as exc:
            self.exited = True
            status = exc.code
        finally:
            self.jobs.cancel_all()
        code = await run_trap(self, 0)
        return status if code is None else code

    async def killed(self) -> int:
        """The shell was killed with no trap to catch it (or the host hung up): the EXIT trap runs, 128+15."""
        self.exited = True
        code = await run_trap(self, 0)
        return 143 if code is None else code

    async def run_line(self, text: str) -> int:
        """One line of an interactive session (the EXIT trap waits for the session's end)."""
        try:
            tree = parse(text)
        except ShellSyntaxError as exc:
            await self.err(str(exc))
            return 1
        try:
            self.state.status = await self.run_seq(tree)
        except ExitShell as exc:
            self.exited = True
            code = await run_trap(self, 0)
            self.state.status = exc.code if code is None else code
        return self.state.status

    async def finish(self) -> int:
        """End of input for an interactive session: the EXIT trap runs; the status is the last command's."""
        self.jobs.cancel_all()
        code = await run_trap(self, 0)
        return self.state.status if code is None else code

    async def run_subcommand_here(self, text: str) -> int:
        """Run `text` in this shell itself (a trap's action; `exit` there exits the shell)."""
        try:
            return await self.run_seq(parse(text))
        except ShellSyntaxError as exc:
            await self.err(str(exc))
            return 1

    # -- compound structure --------------------------------------------------------------------
    async def run_seq(self, seq: Seq) -> int:
        status = self.state.status
        for item, background in seq.items:
            if background:
                sub = Interp(self.shell, self.state.copy(), self.fds.copy())
                self.jobs.start(self, sub.run_and_or(item))
                status = 0
            else:
                status = await self.run_and_or(item)
            self.state.status = status
        return status

    async def run_and_or(self, node: AndOr) -> int:
        status = await self.run_pipeline(node.first)
        for op, pipeline in node.rest:
            if (op == "&&" and status == 0) or (op == "||" and status != 0):
                status = await self.run_pipeline(pipeline)
            self.state.status = status
        return status

    async def run_pipeline(self, pipe: Pipeline) -> int:
        if len(pipe.commands) == 1:
            status = await self.run_node(pipe.commands[0], self.fds)
        else:
            status = await self._run_stages(pipe.commands)
        if pipe.negate:
            status = 0 if status else 1
        self.state.status = status
        return status

    async def _run_stages(self, nodes: list[Node]) -> int:
        pipes = [Pipe() for _ in nodes[:-1]]
        tasks = []
        for i, node in enumerate(nodes):
            fds = self.fds.copy()
            if i > 0:
                fds.fds[0] = pipes[i - 1]
            if i < len(nodes) - 1:
                fds.fds[1] = pipes[i]
            is_last = i == len(nodes) - 1
            interp = self if is_last else Interp(self.shell, self.state.copy(), fds)
            tasks.append(asyncio.ensure_future(self._stage(interp, node, fds, pipes, i)))
        pending = set(tasks)
        try:
            while pending:
                _done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                # a writer whose reader has gone would die of SIGPIPE at its next write; deliver it now
                for i, task in enumerate(tasks[:-1]):
                    if not task.done() and pipes[i].read_closed:
                        task.cancel()
        finally:
            for task in tasks:
                if not task.done():
                    task.cancel()
        last = tasks[-1]
        return 141 if last.cancelled() else last.result()

    async def _stage(self, interp: Interp, node: Node, fds: FdTable, pipes: list[Pipe], i: int) -> int:
        try:
            status = await interp.run_node(node, fds)
        except ExitShell as exc:
            status = exc.code
        except BrokenPipeError:
            status = 141
        finally:
            if i < len(pipes):
                await pipes[i].close_write()
            if i > 0:
                await pipes[i - 1].close_read()
        return status

    async def run_node(self, node: Node, fds: FdTable) -> int:
        if isinstance(node, Simple):
            return await self.run_simple(node, fds)
        if isinstance(node, FuncDef):
            self.state.functions[node.name] = node.body
            return 0
        opened: list[FileStream] = []
        try:
            local = await self.apply_redirs(node.redirs, fds, opened)
        except OSError:
            return 1
        saved, self.fds = self.fds, local
        try:
            if isinstance(node, If):
                for cond, body in node.branches:
                    if await self.run_seq(cond) == 0:
                        return await self.run_seq(body)
                return await self.run_seq(node.orelse) if node.orelse else 0
            if isinstance(node, For):
                items = (
                    [f for w in node.items for f in await self.expand(w)]
                    if node.items is not None
                    else list(self.state.positional)
                )
                status = 0
                for value in items:
                    self.state.vars[node.var] = value
                    status = await self.run_seq(node.body)
                return status
            if isinstance(node, While):
                status = 0
                for _ in range(100_000):
                    cond_status = await self.run_seq(node.cond)
                    if (cond_status == 0) == node.until:
                        break
                    status = await self.run_seq(node.body)
                    await asyncio.sleep(0)
                return status
            if isinstance(node, Case):
                subject = await self.expand_single(node.word)
                for patterns, body in node.items:
                    for pattern in patterns:
                        if re.fullmatch(await self._pattern(pattern), subject, re.S):
                            return await self.run_seq(body)
                return 0
            if isinstance(node, Group):
                if node.subshell:
                    sub = Interp(self.shell, self.state.copy(), self.fds.copy())
                    try:
                        return await sub.run_seq(node.body)
                    except ExitShell as exc:
                        return exc.code
                return await self.run_seq(node.body)
            raise TypeError(node)
        finally:
            self.fds = saved
            for stream in opened:
                stream.close()

    # -- simple commands -----------------------------------------------------------------------
    async def run_simple(self, cmd: Simple, fds: FdTable) -> int:
        self._cmdsub_status: int | None = None
        argv: list[str] = []
        for word in cmd.words:
            argv.extend(await self.expand(word))
        assigns = [(name, await self.expand_single(word)) for name, word in cmd.assigns]
        opened: list[FileStream] = []
        try:
            local = await self.apply_redirs(cmd.redirs, fds, opened)
        except OSError:
            return 1
        if argv[:1] == ["exec"]:
            return await self._exec(argv[1:], assigns, fds, local)
        try:
            if not argv:
                for name, value in assigns:
                    self.state.vars[name] = value
                return self._cmdsub_status or 0
            return await self.exec_argv(argv, assigns, local)
        finally:
            for stream in opened:
                stream.close()

    async def _exec(self, argv: list[str], assigns: list[tuple[str, str]], fds: FdTable, local: FdTable) -> int:
        """`exec CMD`: the shell becomes CMD (its status is the shell's); `exec >f 2>&1`: redirect the shell."""
        if not argv:
            fds.fds.clear()
            fds.fds.update(local.fds)  # the descriptors stay open for the rest of the shell
            return 0
        raise ExitShell(await self.exec_argv(argv, assigns, local))

    async def call_function(self, body: Node, argv: list[str], fds: FdTable) -> int:
        """Run a shell function: its own $1..., the caller's variables; `return N` ends it."""
        saved_args, self.state.positional = self.state.positional, list(argv[1:])
        self.depth = getattr(self, "depth", 0) + 1
        try:
            if self.depth > 200:
                await self.err(f"{argv[0]}: recursion too deep")
                return 1
            return await self.run_node(body, fds)
        except ReturnFromFunction as exc:
            return exc.code
        finally:
            self.depth -= 1
            self.state.positional = saved_args

    async def _pattern(self, word: Word) -> str:
        """A case pattern as a regex: unquoted * ? [...] are globs, quoted characters literal."""
        chars = await self._chars(word)
        out, i = [], 0
        while i < len(chars):
            c, flag = chars[i]
            if flag == 2:
                out.append(re.escape(c))
            elif c == "*":
                out.append(".*")
            elif c == "?":
                out.append(".")
            elif c == "[":
                j = i + 1
                while j < len(chars) and chars[j][0] != "]":
                    j += 1
                if j < len(chars):
                    body = "".join(ch for ch, _ in chars[i + 1 : j])
                    body = "^" + body[1:] if body.startswith("!") else body
                    out.append("[" + body.replace("\\", "\\\\") + "]")
                    i = j
                else:
                    out.append(re.escape(c))
            elif c == "\\" and i + 1 < len(chars):
                i += 1
                out.append(re.escape(chars[i][0]))
            else:
                out.append(re.escape(c))
            i += 1
        return "".join(out)

    async def exec_argv(self, argv: list[str], assigns: list[tuple[str, str]], fds: FdTable) -> int:
        name = argv[0]
        function = self.state.functions.get(name)
        if function is not None:
            saved = self.fds
            self.fds = fds
            try:
                return await self.call_function(function, argv, fds)
            finally:
                self.fds = saved
        builtin = builtins.BUILTINS.get(name)
        if builtin is not None:
            saved = self.fds
            self.fds = fds
            try:
                return await builtin(self, argv)
            finally:
                self.fds = saved
        fn = lookup(name)
        if fn is None:
            await fds.write_stderr(f"{SH}: {name}: inaccessible or not found\n".encode())
            return 127
        env = self.state.environ()
        env.update(assigns)
        ctx = CommandContext(device=self.device, io=fds, cwd=self.state.cwd, env=env, shell=self)
        proc = _spawn(self.device, name.rsplit("/", 1)[-1], argv, ppid=self.shell.pid)
        task = asyncio.ensure_future(fn(ctx, argv))
        if proc is not None:
            with contextlib.suppress(AttributeError):
                proc.task = task
        try:
            return int(await task)
        except asyncio.CancelledError:
            if task.cancelled() and not _current_cancelling():
                return 137  # killed by `kill`/`am force-stop`
            trap = kill_trap(self)
            current = asyncio.current_task()
            if trap is None or current is None or not _current_cancelling():
                raise
            current.uncancel()  # the shell itself was killed, and it traps that: run the trap, go on
            code = await run_trap(self, trap[0])
            if code is not None:
                raise ExitShell(code) from None
            return 0 if task.done() and not task.cancelled() else trap[1]
        except BrokenPipeError:
            return 141
        except OSError:
            raise  # the stream to the host is gone: the transport handles it
        except Exception:
            # a bug in one program must not take the adb stream down; say so like a crashing binary would
            _log.exception("device command %r failed", argv)
            await fds.write_stderr(f"{SH}: {name}: internal error\n".encode())
            return 1
        finally:
            _exit(self.device, proc)

    async def run_subcommand(self, text: str, fds: FdTable) -> int:
        """Run `text` as a child shell (for `sh -c` and friends) on the given descriptors."""
        sub = Interp(self.shell, self.state.copy(), fds)
        return await sub.run_text(text)

    # -- redirections --------------------------------------------------------------------------
    async def apply_redirs(self, redirs: list[Redir], fds: FdTable, opened: list[FileStream]) -> FdTable:
        if not redirs:
            return fds
        local = fds.copy()
        for redir in redirs:
            target = await self.expand_single(redir.target)
            if redir.op in (">&", "<&"):
                if target == "-":
                    local.fds.pop(redir.fd, None)
                    continue
                if target.isdigit():
                    src = int(target)
                    if src not in local.fds:
                        await self.err(f"{src}: bad file descriptor")
                        raise OSError(9, "Bad file descriptor")
                    local.fds[redir.fd] = local.fds[src]
                    continue
                # `>& file` is `> file 2>&1` in mksh
            path = target
            if path in ("/dev/null", "/dev/zero") or (path == "/dev/stderr" and False):
                local.fds[redir.fd] = NullStream()
                continue
            if path in ("/dev/stdout", "/dev/stderr"):
                local.fds[redir.fd] = local.fds.get(1 if path.endswith("out") else 2, NullStream())
                continue
            fs = self.device.fs
            try:
                if redir.op == "<" or redir.op == "<&":
                    stream = FileStream(fs.open_read(fs.resolve(path, self.state.cwd)))
                    verb = "open"
                else:
                    verb = "create"
                    stream = FileStream(fs.open_write(fs.resolve(path, self.state.cwd), append=redir.op == ">>"))
            except OSError as exc:
                await self.err(f"can't {verb} {path}: {exc.strerror}")
                raise
            opened.append(stream)
            local.fds[redir.fd] = stream
            if redir.op == ">&":
                local.fds[2] = stream
        return local

    # -- expansion -----------------------------------------------------------------------------
    def lookup_var(self, name: str) -> str:
        st = self.state
        if name == "?":
            return str(st.status)
        if name == "$":
            return str(self.shell.pid)
        if name == "#":
            return str(len(st.positional))
        if name in ("@", "*"):
            return " ".join(st.positional)
        if name == "0":
            return SH
        if name.isdigit():
            idx = int(name)
            return st.positional[idx - 1] if idx <= len(st.positional) else ""
        if name == "!":
            return self.jobs.last_pid
        if name == "-":
            return ""
        if name.startswith("(("):
            return arithmetic(name[2:], st.vars)
        # ${VAR:-default} and ${#VAR}, the two forms scripts use most
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(:?[-=+])(.*)", name, re.S)
        if m:
            value = st.vars.get(m.group(1))
            unset = value is None or (m.group(2).startswith(":") and value == "")
            op = m.group(2)[-1]
            if op == "-":
                return m.group(3) if unset else value or ""
            if op == "=":
                if unset:
                    st.vars[m.group(1)] = m.group(3)
                return st.vars[m.group(1)]
            return "" if unset else m.group(3)
        if name.startswith("#") and len(name) > 1:
            return str(len(st.vars.get(name[1:], "")))
        return st.vars.get(name, "")

    async def _cmdsub(self, source: str) -> str:
        capture = Capture()
        fds = FdTable({0: NullStream(), 1: capture, 2: self.fds.fds.get(2, NullStream())})
        sub = Interp(self.shell, self.state.copy(), fds)
        status = await sub.run_text(source)
        self._cmdsub_status = status
        return capture.data.decode(errors="replace").rstrip("\n")

    async def _chars(self, word: Word) -> list[tuple[str, int]]:
        """The word's characters, each flagged 0 = literal, 1 = unquoted expansion, 2 = quoted."""
        out: list[tuple[str, int]] = []
        for i, part in enumerate(word.parts):
            if isinstance(part, Lit):
                text = part.text
                if i == 0 and not part.quoted and (text == "~" or text.startswith("~/")):
                    text = self.state.vars.get("HOME", "/").rstrip("/") + text[1:] or "/"
                flag = 2 if part.quoted else 0
                out.extend((c, flag) for c in text)
            else:
                value = self.lookup_var(part.name) if isinstance(part, Var) else await self._cmdsub(part.source)
                flag = 2 if part.quoted else 1
                out.extend((c, flag) for c in value)
        return out

    async def expand_single(self, word: Word) -> str:
        return "".join(c for c, _ in await self._chars(word))

    async def expand(self, word: Word) -> list[str]:
        chars = await self._chars(word)
        has_quoted = any(isinstance(p, Lit) and p.quoted for p in word.parts) or any(
            isinstance(p, Var | CmdSub) and p.quoted for p in word.parts
        )
        fields: list[list[tuple[str, int]]] = []
        cur: list[tuple[str, int]] = []
        started = has_quoted
        for c, flag in chars:
            if flag == 1 and c in _IFS:
                if cur or started:
                    fields.append(cur)
                cur, started = [], False
                continue
            cur.append((c, flag))
        if cur or started or (has_quoted and not fields):
            fields.append(cur)
        result: list[str] = []
        for field in fields:
            if any(c in _GLOB_CHARS and flag != 2 for c, flag in field):
                matches = self.glob(field)
                if matches:
                    result.extend(matches)
                    continue
            result.append("".join(c for c, _ in field))
        return result

    def glob(self, field: list[tuple[str, int]]) -> list[str]:
        """Expand a pattern against the device filesystem (sorted, dotfiles hidden as in sh)."""
        components: list[list[tuple[str, int]]] = [[]]
        for c, flag in field:
            if c == "/":
                components.append([])
            else:
                components[-1].append((c, flag))
        absolute = not components[0]
        fs = self.device.fs
        bases = ["/"] if absolute else [""]
        for comp in components[1:] if absolute else components:
            if not comp:
                continue
            text = "".join(c for c, _ in comp)
            if not any(c in _GLOB_CHARS and flag != 2 for c, flag in comp):
                bases = [b + text if b in ("", "/") or b.endswith("/") else f"{b}/{text}" for b in bases]
                continue
            regex = re.compile(_pattern_regex(comp), re.S)
            new = []
            for base in bases:
                try:
                    names = fs.listdir(fs.resolve(base or ".", self.state.cwd))
                except OSError:
                    continue
                for name in sorted(names):
                    if name.startswith(".") and not text.startswith("."):
                        continue
                    if regex.fullmatch(name):
                        new.append(base + name if base in ("", "/") or base.endswith("/") else f"{base}/{name}")
            bases = new
            if not bases:
                return []
        out = []
        for path in bases:
            try:
                fs.stat(fs.resolve(path, self.state.cwd), follow=False)
            except OSError:
                continue
            out.append(path)
        return sorted(out)


_ARITH_NODES = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Constant,
    ast.Compare,
    ast.BoolOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.FloorDiv,
    ast.Mod,
    ast.USub,
    ast.UAdd,
    ast.Not,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Eq,
    ast.NotEq,
    ast.And,
    ast.Or,
    ast.BitAnd,
    ast.BitOr,
    ast.BitXor,
    ast.LShift,
    ast.RShift,
    ast.Invert,
)


def arithmetic(expr: str, variables: dict[str, str]) -> str:
    """`$(( ))` integer arithmetic, evaluated over a whitelisted syntax tree (never Python eval of names)."""

    def var(m: re.Match[str]) -> str:
        value = variables.get(m.group(1), "0").strip() or "0"
        return value if re.fullmatch(r"-?\d+", value) else "0"

    text = re.sub(r"\$?([A-Za-z_][A-Za-z0-9_]*)", var, expr)
    text = text.replace("&&", " and ").replace("||", " or ").replace("/", "//").replace("!", " not ")
    text = text.replace(" not =", "!=")
    try:
        tree = ast.parse(text.strip() or "0", mode="eval")
        if not all(isinstance(node, _ARITH_NODES) for node in ast.walk(tree)):
            return "0"
        value = eval(compile(tree, "<arith>", "eval"), {"__builtins__": {}}, {})  # noqa: S307 - whitelisted AST
    except (SyntaxError, ZeroDivisionError, TypeError, ValueError):
        return "0"
    return str(int(value))


def _pattern_regex(comp: list[tuple[str, int]]) -> str:
    out = []
    i = 0
    while i < len(comp):
        c, flag = comp[i]
        if flag == 2:
            out.append(re.escape(c))
        elif c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "[":
            j = i + 1
            chars = []
            while j < len(comp) and comp[j][0] != "]":
                chars.append(comp[j][0])
                j += 1
            if j < len(comp) and chars:
                body = "".join(chars)
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = j
            else:
                out.append(re.escape(c))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _current_cancelling() -> bool:
    task = asyncio.current_task()
    return bool(task and task.cancelling())
