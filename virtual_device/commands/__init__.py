"""The command registry: every device program (`ls`, `pm`, `screencap`, ...) registers here.

A command is `async def name(ctx: CommandContext, argv: list[str]) -> int`, registered with
`@command("name")`. `argv[0]` is the name the user typed (as in C's main), so `argv[1:]` are the
arguments. Output goes through `ctx.io` (or the `ctx.out`/`ctx.err` helpers); errors use the real
toybox/Android wording and exit code. Command modules are imported lazily by `lookup()`.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from virtual_device.device import DeviceState
    from virtual_device.fs import VirtualFS


class ProcessIO(Protocol):
    """The three standard streams of one process (see docs/CONTRACTS.md)."""

    async def read_stdin(self, n: int = 65536) -> bytes: ...

    async def write_stdout(self, data: bytes) -> None: ...

    async def write_stderr(self, data: bytes) -> None: ...


@dataclass
class CommandContext:
    """What a command sees of the world: the device, its filesystem, its streams, cwd and environment."""

    device: DeviceState
    io: ProcessIO
    cwd: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    shell: Any = None  # the running Shell, for commands that run other commands (`sh -c`, `xargs`)

    @property
    def fs(self) -> VirtualFS:
        return self.device.fs

    def resolve(self, path: str) -> str:
        """An absolute, normalised device path for `path` relative to the cwd."""
        return self.fs.resolve(path, self.cwd)

    async def out(self, text: str | bytes) -> None:
        # File names are bytes on Linux: a non-UTF-8 name (kept as surrogates) goes out as its bytes.
        await self.io.write_stdout(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text)

    async def err(self, text: str | bytes) -> None:
        await self.io.write_stderr(text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text)

    async def read_all_stdin(self) -> bytes:
        chunks = []
        while chunk := await self.io.read_stdin():
            chunks.append(chunk)
        return b"".join(chunks)


CommandFn = Callable[[CommandContext, list[str]], Awaitable[int]]

REGISTRY: dict[str, CommandFn] = {}

# The command families; `screen` belongs to the screen engineer and may not exist yet.
_MODULES = (
    "props",
    "files",
    "text",
    "system",
    "procs",
    "dumpsys",
    "packages",
    "activity",
    "window",
    "net",
    "logcat",
    "screen",
    "dd",
    "tools",
    "bugreport",
)
_loaded = False
_load_lock = threading.RLock()


def command(*names: str) -> Callable[[CommandFn], CommandFn]:
    """Register a coroutine function as the device program(s) `names`."""

    def register(fn: CommandFn) -> CommandFn:
        for name in names:
            REGISTRY[name] = fn
        return fn

    return register


def load_all() -> None:
    """Import every command module once (they register themselves).

    Under a lock, and marked done only after the imports: a second device in the same process (each runs
    on its own thread) must not look a command up while the first is still registering them.
    """
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if _loaded:
            return
        for mod in _MODULES:
            try:
                importlib.import_module(f"{__name__}.{mod}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{__name__}.{mod}":
                    raise
        _loaded = True


def lookup(name: str) -> CommandFn | None:
    """The command called `name` (or `/system/bin/name`), or None."""
    load_all()
    if "/" in name:
        head, _, base = name.rpartition("/")
        if head not in ("/system/bin", "/system/xbin", "/bin", "/vendor/bin", "/product/bin"):
            return None
        name = base
    return REGISTRY.get(name)
