"""The fast lane: the commands scripts run most, parsed and run without importing Click or Typer.

Importing Click and Typer and building a command from its signature cost a one-round-trip command
about 50 ms, a third of its wall time, and as much again as stock adb needs for the whole job. The
commands in `TARGETS` are parsed here from a description of their parameters that
`scripts/gen_man.py` takes from the Click commands themselves (bt_cli/fast_spec.py), and run by the
same function their Typer command calls (bt_cli/actions). The lane only takes what it understands
exactly: anything else (help, an unknown or malformed option, a value Click would convert or
refuse, shell completion) returns None and the command goes through Click as before, so the two can
never answer differently. tests/cli/test_fast_lane.py checks the description is fresh and that the
lane parses every case it accepts exactly as Click does.
"""

from __future__ import annotations

import os
from typing import Any

from bt_cli.fast_targets import TARGETS

#: The options Click answers itself, wherever they appear.
HELP = ("-h", "--help")

Param = dict[str, Any]


class _Decline(Exception):
    """Not a case the lane takes: Click parses it (and words any error)."""


def parse(args: list[str], env: os._Environ[str] | dict[str, str]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """(target, the command's parameters, the global options) for `args`, or _Decline."""
    from bt_cli.fast_spec import COMMANDS, ROOT

    root_values, rest = _parse(ROOT, args, env, interspersed=False)
    if rest and rest[0] in TARGETS:  # a command of its own (`bt devices`)
        path, after = rest[0], rest[1:]
    elif len(rest) >= 2 and not rest[1].startswith("-"):  # a group's command (`bt files ls`)
        path, after = f"{rest[0]} {rest[1]}", rest[2:]
    else:
        raise _Decline
    spec = COMMANDS.get(path)
    if spec is None or path not in TARGETS:
        raise _Decline
    values, extra = _parse(spec, after, env, interspersed=True)
    if extra:
        raise _Decline
    return TARGETS[path], values, root_values


def _parse(
    params: tuple[Param, ...], args: list[str], env: os._Environ[str] | dict[str, str], *, interspersed: bool
) -> tuple[dict[str, Any], list[str]]:
    """Options and arguments as Click's parser assigns them, for the forms the lane takes: `--name
    value`, `--name=value`, `-x value`, flags, `--flag/--no-flag`, counts and `--`. A group
    (interspersed=False) stops at its first word and leaves the rest for the command."""
    by_opt = {opt: p for p in params if p["kind"] != "argument" for opt in (*p["opts"], *p["secondary"])}
    given: dict[str, Any] = {}
    words: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            if not interspersed:
                raise _Decline
            words.extend(args[index:])
            break
        if arg in HELP:
            raise _Decline
        if not arg.startswith("-") or arg == "-":
            if not interspersed:
                return _finish(params, given, [], env), [arg, *args[index:]]
            words.append(arg)
            continue
        name, equals, inline = arg.partition("=")
        param = by_opt.get(name)
        if param is None or (equals and not name.startswith("--")):
            raise _Decline
        kind = param["kind"]
        if kind == "flag":
            if equals:
                raise _Decline
            given[param["name"]] = name in param["opts"]
        elif kind == "count":
            if equals:
                raise _Decline
            given[param["name"]] = given.get(param["name"], 0) + 1
        elif kind == "value":
            if equals:
                value = inline
            elif index < len(args) and not args[index].startswith("-"):
                value = args[index]
                index += 1
            else:
                raise _Decline
            converted = _convert(param, value)
            if param["multiple"]:
                given.setdefault(param["name"], []).append(converted)
            else:
                given[param["name"]] = converted
        else:
            raise _Decline
    return _finish(params, given, words, env), []


def _finish(
    params: tuple[Param, ...], given: dict[str, Any], words: list[str], env: os._Environ[str] | dict[str, str]
) -> dict[str, Any]:
    """Every parameter's value: what was given, else its environment variable, else its default; the
    words go to the arguments in order (one each, the rest to a variadic one)."""
    arguments = [p for p in params if p["kind"] == "argument"]
    variadic = [p for p in arguments if p["nargs"] == -1]
    fixed = len(arguments) - len(variadic)
    if len(variadic) > 1 or (not variadic and len(words) > fixed):
        raise _Decline
    values: dict[str, Any] = {}
    remaining = list(words)
    for position, param in enumerate(arguments):
        if param["nargs"] == -1:
            after = len(arguments) - position - 1
            take = max(len(remaining) - after, 0)
            chunk, remaining = remaining[:take], remaining[take:]
            if param["required"] and not chunk:
                raise _Decline
            values[param["name"]] = [_convert(param, word) for word in chunk]
        elif remaining:
            values[param["name"]] = _convert(param, remaining.pop(0))
        elif param["required"]:
            raise _Decline
        else:
            values[param["name"]] = _default(param)
    for param in params:
        if param["kind"] in ("argument", "decline") or not param["expose"]:
            continue  # a declined option given never gets here; not given, its callback has nothing to do
        name = param["name"]
        if name in given:
            values[name] = given[name]
            continue
        raw = env.get(param["envvar"]) if param["envvar"] else None
        if raw:  # Click ignores an empty variable
            values[name] = (
                [_convert(param, item) for item in raw.split()] if param["multiple"] else _convert(param, raw)
            )
        else:
            values[name] = _default(param)
    return values


def _convert(param: Param, value: str) -> Any:
    """The value as Click's type would give it, for the values the lane is sure of."""
    kind = param["type"]
    if kind == "str":
        return value
    if kind == "int":
        digits = value[1:] if value.startswith("-") else value
        if not digits.isascii() or not digits.isdigit():
            raise _Decline
        return int(value)
    if kind == "choice":
        if value not in param["choices"]:
            raise _Decline  # another spelling the core accepts, or an error: Click words both
        return _enum(param)(value)
    raise _Decline


def _default(param: Param) -> Any:
    default = param["default"]
    if isinstance(default, list):
        return list(default)
    if param["type"] == "choice" and default is not None:
        return _enum(param)(default)
    return default


def _enum(param: Param) -> Any:
    module, _, name = param["enum"].partition(":")
    return getattr(__import__(module, fromlist=[name]), name)


def accepts(
    args: list[str], env: os._Environ[str] | dict[str, str]
) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """`parse`'s answer when the lane takes `args` (the warm process asks the same before forking), or
    None: shell completion, and an argument that is not UTF-8 (refused in Click's path), go to Click."""
    from bt_cli.outcome import undecodable

    if "_BT_COMPLETE" in env or undecodable(args) is not None:
        return None
    try:
        return parse(args, env)
    except _Decline:
        return None


def run(args: list[str]) -> int | None:
    """Run `args` through the lane and return the exit code, or None when Click must take them."""
    parsed = accepts(args, os.environ)
    if parsed is None:
        return None
    target, values, root = parsed
    from bt_cli import context, outcome

    module, _, name = target.partition(":")
    action = getattr(__import__(module, fromlist=[name]), name)

    def call() -> int:
        cli = context.from_root_options(**root)
        try:
            action(cli, **values)
        finally:
            cli.close()
        return 0

    return outcome.guarded(call)
