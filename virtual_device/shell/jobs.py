"""Background jobs (`cmd &`, `$!`, `wait`), traps (`trap CMD SIG...`) and `exec`: mksh's process side.

A background job is a real entry in the device's process table (so `ps` lists it and `kill $!`
ends it); a trap is the text the shell runs when it exits (EXIT) or is killed (HUP, INT, TERM: the
device has one kind of kill, so whichever of those is trapped runs).
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

from virtual_device.shell import builtins

if TYPE_CHECKING:
    from virtual_device.shell.interpreter import Interp

#: mksh's signal names and numbers (Linux); 0 is EXIT.
SIGNALS = {
    "EXIT": 0, "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "BUS": 7, "FPE": 8,
    "KILL": 9, "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15, "CHLD": 17,
    "CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21, "TTOU": 22, "WINCH": 28,
}  # fmt: skip
_NAMES = {number: name for name, number in SIGNALS.items()}
#: What a kill of the shell runs, in order of preference, and the status it then exits with.
KILL_TRAPS = (("TERM", 143), ("HUP", 129), ("INT", 130))


def signal_number(text: str) -> int | None:
    """`TERM`, `SIGTERM`, `term` or `15` → 15; None when mksh would say "bad signal"."""
    if text.isdigit():
        return int(text) if int(text) in _NAMES else None
    name = text.upper().removeprefix("SIG")
    return SIGNALS.get(name)


class Jobs:
    """One shell's background jobs and traps (a subshell gets its own, as in mksh)."""

    def __init__(self) -> None:
        self.tasks: dict[int, asyncio.Task[int]] = {}
        self.last_pid = ""
        self.traps: dict[int, str] = {}

    def start(self, interp: Interp, coro: Any) -> None:
        """Run `coro` as a background job with its own pid (what `$!` then names)."""
        procs = interp.device.processes
        proc = procs.spawn("sh", ["/system/bin/sh"], ppid=interp.shell.pid)
        task: asyncio.Task[int] = asyncio.ensure_future(coro)
        pid = proc.pid
        proc.task = task
        task.add_done_callback(lambda _t: procs.reap(pid))
        self.tasks[pid] = task
        self.last_pid = str(pid)

    async def wait(self, pid: int | None) -> int:
        tasks = list(self.tasks.items()) if pid is None else [(pid, self.tasks[pid])]
        status = 0
        for each, task in tasks:
            try:
                status = await asyncio.shield(task) if not task.done() else task.result()
            except asyncio.CancelledError:
                if not task.cancelled():
                    raise
                status = 143
            except Exception:
                status = 1
            self.tasks.pop(each, None)
        return status if pid is not None else 0

    def cancel_all(self) -> None:
        for task in self.tasks.values():
            task.cancel()


async def run_trap(interp: Interp, number: int) -> int | None:
    """Run the trap for `number` in the shell itself; the status given to `exit` there, else None.

    The EXIT trap runs once; a signal trap stays set (the signal may come again).
    """
    from virtual_device.shell.interpreter import ExitShell

    action = interp.jobs.traps.pop(number, None) if number == 0 else interp.jobs.traps.get(number)
    if not action:
        return None
    try:
        await interp.run_subcommand_here(action)
    except ExitShell as exc:
        return exc.code
    return None


def kill_trap(interp: Interp) -> tuple[int, int] | None:
    """(signal number, exit status) of the trap a kill of this shell runs, or None when none is set."""
    for name, status in KILL_TRAPS:
        if SIGNALS[name] in interp.jobs.traps:
            return SIGNALS[name], status
    return None


@builtins.builtin("trap")
async def _trap(sh: Interp, argv: list[str]) -> int:
    args = argv[1:]
    if args[:1] == ["--"]:
        args = args[1:]
    if not args or args == ["-p"]:
        for number, action in sorted(sh.jobs.traps.items()):
            quoted = "'" + action.replace("'", "'\\''") + "'"
            await sh.fds.write_stdout(f"trap -- {quoted} {_NAMES[number]}\n".encode())
        return 0
    single_signal = len(args) == 1 and signal_number(args[0]) is not None
    action, signals = ("-", args) if single_signal else (args[0], args[1:])
    status = 0
    for text in signals:
        signo = signal_number(text)
        if signo is None:
            await sh.err(f"trap: bad signal '{text}'")
            status = 1
        elif action == "-":
            sh.jobs.traps.pop(signo, None)
        else:
            sh.jobs.traps[signo] = action
    return status


@builtins.builtin("wait")
async def _wait(sh: Interp, argv: list[str]) -> int:
    if len(argv) == 1:
        return await sh.jobs.wait(None)
    status = 127
    for arg in argv[1:]:
        pid = int(arg.lstrip("%")) if re.fullmatch(r"%?\d+", arg) else -1
        if pid not in sh.jobs.tasks:
            await sh.err(f"wait: {arg}: unknown job")
            status = 127
            continue
        status = await sh.jobs.wait(pid)
    return status
