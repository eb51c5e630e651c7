"""One option parser for every toybox-style program, declared the way toybox declares them.

Toybox gives each command a compact option string (`NEWTOY(ls, "aAlR[-Cl]", ...)`) and parses argv
once, centrally, in lib/args.c; its error texts are therefore the same for every command. Commands
here do the same: `@toybox("ls", "aAlR[-Cl]")` registers a program whose body receives the parsed
`Options`, and a bad command line gets toybox's message and exit status 1 before the body runs.

The string, as in toybox (the subset the device's commands use):
  leading  `<N` at least N operands, `>N` at most N, `^` stop at the first operand,
           `?` unknown options are operands
  per opt  a letter, then any of: `:` takes a string (last wins), `*` a list, `#` an integer
           (optionally `<MIN`, `>MAX`, `=DEFAULT`), `@` counts repeats, `;` the argument is
           optional (only `--x=V` or `-xV`), `(long)` long names
           (repeatable after a letter; a `(long)` with no letter before it is a long-only option), `|` required,
           `^` stop option parsing after this one
  trailing `[-abc]` the last of a, b, c given wins; `[+abc]` any one enables all;
           `[!abc]` at most one may be given ("No 'a' with 'b'")
Semantics kept from toybox: combined short flags (`-lah`), `-xVALUE` and `-x VALUE`, `--long=V` and
`--long V`, unambiguous prefixes of long names, `--` ends options, `-` is an operand.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from virtual_device.commands import CommandContext, command

_TYPES = ":*#@"


class UsageError(Exception):
    """A command line toybox rejects; the message is lib/args.c's wording (without the program name).

    `reason` ("unknown", "missing", "no-argument", "ambiguous", or "" for the rest) and `option` (as
    typed, without dashes) let a program that is not toybox word the same failure its own way, e.g.
    screenrecord with bionic's getopt_long.
    """

    def __init__(self, message: str, reason: str = "", option: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.option = option


@dataclass
class _Opt:
    key: str  # the letter, or the first long name for a long-only option
    kind: str = ""  # "" a plain flag, or one of _TYPES
    longs: list[str] = field(default_factory=list)
    low: int | None = None
    high: int | None = None
    default: int | None = None
    required: bool = False
    stop: bool = False
    optional: bool = False  # `;`: the argument is only taken when attached (`--color=never`)
    off: set[str] = field(default_factory=set)  # keys this one switches off ([-...])
    on: set[str] = field(default_factory=set)  # keys this one switches on ([+...])
    excludes: set[str] = field(default_factory=set)  # keys it may not be combined with ([!...])

    @property
    def shown(self) -> str:
        return f"-{self.key}" if len(self.key) == 1 else f"--{self.key}"


@dataclass
class Options:
    """The parsed command line: flags given, their values, and the operands in order."""

    prog: str
    args: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    values: dict[str, str | int | list[str]] = field(default_factory=dict)
    #: Every option as given, in command-line order (key, its text or None): for programs that act on
    #: each option as getopt returns it (screenrecord's --help after a bad value never runs).
    given: list[tuple[str, str | None]] = field(default_factory=list)

    def __contains__(self, key: str) -> bool:
        return key in self.flags

    def text(self, key: str, default: str | None = None) -> str | None:
        """The string given to `key:` (the last one), or `default`."""
        value = self.values.get(key)
        return value if isinstance(value, str) else default

    def number(self, key: str, default: int = 0) -> int:
        """The integer of `key#` (or the repeat count of `key@`), or `default`."""
        value = self.values.get(key)
        return value if isinstance(value, int) else default

    def every(self, key: str) -> list[str]:
        """Every string given to `key*`, in order."""
        value = self.values.get(key)
        return list(value) if isinstance(value, list) else []

    def any(self, keys: str) -> bool:
        """True when any of the single-letter flags in `keys` was given."""
        return any(k in self.flags for k in keys)


class OptionSpec:
    """A parsed option string; `parse(argv)` turns a command line into Options or raises UsageError."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.min_args = 0
        self.max_args: int | None = None
        self.stop_early = False
        self.pass_unknown = False
        self.opts: dict[str, _Opt] = {}
        self.longs: dict[str, _Opt] = {}
        self._compile(text)

    # ------------------------------------------------------------------ the option string
    def _compile(self, text: str) -> None:
        i = self._prefix(text)
        current: _Opt | None = None
        while i < len(text) and text[i] != "[":
            c = text[i]
            if c == "(":
                end = text.index(")", i)
                name = text[i + 1 : end]
                if current is None or len(current.key) > 1:
                    # as in toybox, `(a)(b)` after a letter are two names of it, but with no letter
                    # before them each is a long-only option of its own (ls's `(full-time)(show-control-chars)`)
                    current = self._add(_Opt(name))
                current.longs.append(name)
                self.longs[name] = current
                i = end + 1
                continue
            if current is not None and c in _TYPES:
                current.kind = c
            elif current is not None and c in "<>=" and current.kind == "#":
                j = i + 1
                while j < len(text) and (text[j].isdigit() or (j == i + 1 and text[j] == "-")):
                    j += 1
                setattr(current, {"<": "low", ">": "high", "=": "default"}[c], int(text[i + 1 : j]))
                i = j
                continue
            elif current is not None and c == "|":
                current.required = True
            elif current is not None and c == "^":
                current.stop = True
            elif current is not None and c == ";":
                current.optional = True
            else:
                current = self._add(_Opt(c))
            i += 1
        self._groups(text[i:])

    def _prefix(self, text: str) -> int:
        i = 0
        while i < len(text):
            c = text[i]
            if c in "<>" and i + 1 < len(text) and text[i + 1].isdigit():
                if c == "<":
                    self.min_args = int(text[i + 1])
                else:
                    self.max_args = int(text[i + 1])
                i += 2
            elif c in "^?":
                self.stop_early |= c == "^"
                self.pass_unknown |= c == "?"
                i += 1
            else:
                break
        return i

    def _add(self, opt: _Opt) -> _Opt:
        self.opts[opt.key] = opt
        return opt

    def _groups(self, text: str) -> None:
        while text:
            end = text.index("]")
            kind, members = text[1], text[2:end]
            for key in members:
                others = set(members) - {key}
                {"-": self.opts[key].off, "+": self.opts[key].on, "!": self.opts[key].excludes}[kind].update(others)
            text = text[end + 1 :]

    # ------------------------------------------------------------------ argv
    def parse(self, argv: list[str]) -> Options:
        result = Options(argv[0] if argv else "")
        for opt in self.opts.values():
            if opt.kind == "#" and opt.default is not None:
                result.values[opt.key] = opt.default
        args = argv[1:]
        i = 0
        only_operands = False
        while i < len(args):
            arg = args[i]
            i += 1
            if only_operands or arg == "-" or not arg.startswith("-"):
                result.args.append(arg)
                only_operands |= self.stop_early
                continue
            if arg == "--":
                only_operands = True
                continue
            before = set(result.flags)
            if arg.startswith("--"):
                i = self._long(arg[2:], args, i, result)
            else:
                i = self._short(arg, args, i, result)
            only_operands |= any(self.opts[k].stop for k in result.flags - before if k in self.opts)
        self._check_counts(result)
        return result

    def _short(self, arg: str, args: list[str], i: int, result: Options) -> int:
        pos = 1
        saved = (set(result.flags), dict(result.values))
        while pos < len(arg):
            opt = self.opts.get(arg[pos])
            if opt is None or len(opt.key) != 1:
                if self.pass_unknown:
                    result.flags, result.values = saved
                    result.args.append(arg)
                    return i
                raise UsageError(f"Unknown option '{arg[pos:]}'", "unknown", arg[pos])
            pos += 1
            if opt.kind in ("", "@"):
                self._set(opt, None, result)
                continue
            if pos < len(arg):
                value, pos = arg[pos:], len(arg)
            elif opt.optional:
                self._set(opt, None, result)
                continue
            elif i < len(args):
                value, i = args[i], i + 1
            else:
                raise UsageError(f"Missing argument to {opt.shown}", "missing", opt.key)
            self._set(opt, value, result)
        return i

    def _long(self, text: str, args: list[str], i: int, result: Options) -> int:
        name, eq, value = text.partition("=")
        opt = self.longs.get(name)
        if opt is None:
            matches = sorted(n for n in self.longs if n.startswith(name))
            if len(matches) > 1:
                raise UsageError(f"bad --{text} ({' '.join(matches)})", "ambiguous", name)
            opt = self.longs[matches[0]] if matches else None
        if opt is None or (eq and opt.kind in ("", "@")):
            if self.pass_unknown:
                result.args.append("--" + text)
                return i
            reason = "unknown" if opt is None else "no-argument"
            raise UsageError(f"Unknown option '{text}'", reason, text if opt is None else name)
        if opt.kind in ("", "@"):
            self._set(opt, None, result)
            return i
        if not eq and opt.optional:
            self._set(opt, None, result)
            return i
        if not eq:
            if i >= len(args):
                raise UsageError(f"Missing argument to --{opt.longs[0]}", "missing", name)
            value, i = args[i], i + 1
        self._set(opt, value, result)
        return i

    def _set(self, opt: _Opt, value: str | None, result: Options) -> None:
        for key in opt.off:
            result.flags.discard(key)
            result.values.pop(key, None)
        result.flags.add(opt.key)
        result.flags.update(opt.on)
        result.given.append((opt.key, value))
        clash = next((k for k in sorted(opt.excludes) if k in result.flags), None)
        if clash is not None:
            raise UsageError(f"No '{opt.key}' with '{clash}'")
        if opt.kind == "@":
            result.values[opt.key] = result.number(opt.key) + 1
        elif opt.kind == ":" and value is not None:
            result.values[opt.key] = value
        elif opt.kind == "*" and value is not None:
            result.values[opt.key] = result.every(opt.key) + [value]
        elif opt.kind == "#" and value is not None:
            result.values[opt.key] = self._number(opt, value)

    @staticmethod
    def _number(opt: _Opt, value: str) -> int:
        try:
            number = int(value, 0) if value.lower().startswith(("0x", "-0x")) else int(value)
        except ValueError:
            raise UsageError(f"not integer: {value}") from None
        if opt.low is not None and number < opt.low:
            raise UsageError(f"{opt.shown} < {opt.low}")
        if opt.high is not None and number > opt.high:
            raise UsageError(f"{opt.shown} > {opt.high}")
        return number

    def _check_counts(self, result: Options) -> None:
        n = len(result.args)
        if n < self.min_args:
            plural = self.min_args != 1
            raise UsageError(f"Need{'' if plural else 's'} {self.min_args} argument{'s' if plural else ''}")
        if self.max_args is not None and n > self.max_args:
            raise UsageError(f"Max {self.max_args} argument{'s' if self.max_args != 1 else ''}")
        required = [o.key for o in self.opts.values() if o.required]
        if required and not any(k in result.flags for k in required):
            raise UsageError(f"Needs {'one of ' if len(required) > 1 else ''}-{''.join(required)}")


@functools.cache
def spec(text: str) -> OptionSpec:
    """The compiled form of an option string (compiled once, shared by every call)."""
    return OptionSpec(text)


def usage_line(prog: str, message: str) -> str:
    """What toybox's help_exit() prints: the message and where to read the help."""
    return f'{prog}: {message} (see "{prog} --help")\n'


async def parse_or_complain(ctx: CommandContext, argv: list[str], text: str) -> Options | None:
    """Options for argv, or None after printing toybox's usage error (the caller exits 1)."""
    try:
        return spec(text).parse(argv)
    except UsageError as exc:
        await ctx.err(usage_line(argv[0].rsplit("/", 1)[-1], str(exc)))
        return None


ToyboxFn = Callable[[CommandContext, Options], Awaitable[int]]


def toybox(*names: str, opts: str) -> Callable[[ToyboxFn], ToyboxFn]:
    """Register a program whose argv is parsed by the option string `opts` before its body runs."""

    def register(fn: ToyboxFn) -> ToyboxFn:
        async def run(ctx: CommandContext, argv: list[str]) -> int:
            parsed = await parse_or_complain(ctx, argv, opts)
            if parsed is None:
                return 1
            return await fn(ctx, parsed)

        run.__name__ = run.__qualname__ = fn.__name__
        run.__doc__ = fn.__doc__
        command(*names)(run)
        return fn

    return register
