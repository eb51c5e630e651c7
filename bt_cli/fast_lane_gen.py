"""Describe the fast lane's commands from the Click commands themselves (bt_cli/fast_spec.py).

`scripts/gen_man.py` writes the description; tests/cli/test_fast_lane.py checks that the committed one
is what this produces, so a changed option can never leave the lane parsing the old one.
"""

from __future__ import annotations

import enum
import inspect
import pprint
from typing import Any

import click

from bt_cli.fast_lane import Param
from bt_cli.fast_targets import TARGETS
from bt_cli.options import DomainChoice

HEADER = '''"""The fast lane's description of its commands' parameters (bt_cli/fast_lane.py).

Generated from the Click commands by scripts/gen_man.py: do not edit.
"""

from __future__ import annotations

from typing import Any
'''


def describe(param: click.Parameter) -> Param:
    """One parameter as the lane reads it; kind "decline" for what the lane leaves to Click."""
    if isinstance(param, click.Argument):
        kind = "argument"
    elif not isinstance(param, click.Option):
        kind = "decline"
    elif param.count:
        kind = "count"
    elif param.is_flag and param.is_bool_flag:
        kind = "flag"
    elif param.is_flag:
        kind = "decline"
    else:
        kind = "value"
    option = isinstance(param, click.Option)
    if param.callback is not None or param.is_eager or callable(param.default):
        kind = "decline"
    if option and (param.nargs != 1 or (param.envvar and kind != "value")):
        kind = "decline"
    type_name, choices, enum_path = _type(param)
    if kind in ("argument", "value") and type_name == "unsupported":
        kind = "decline"
    default = param.default
    if isinstance(default, enum.Enum):
        default = default.value
    elif isinstance(default, tuple | list):
        default = list(default)
    return {
        "name": param.name,
        "kind": kind,
        "expose": param.expose_value,
        "opts": sorted(param.opts) if option else [],
        "secondary": sorted(param.secondary_opts) if option else [],
        "multiple": bool(getattr(param, "multiple", False)),
        "nargs": param.nargs,
        "required": param.required,
        "envvar": param.envvar if isinstance(param.envvar, str) else None,
        "default": default,
        "type": type_name,
        "choices": choices,
        "enum": enum_path,
    }


def _type(param: click.Parameter) -> tuple[str, list[str], str]:
    kind = param.type
    if isinstance(kind, DomainChoice):
        return "choice", [str(choice) for choice in kind.choices], f"{kind.enum.__module__}:{kind.enum.__qualname__}"
    if kind is click.STRING:
        return "str", [], ""
    if kind is click.INT:
        return "int", [], ""
    return "unsupported", [], ""


def describe_all(root: click.Group) -> dict[str, Any]:
    """ROOT (the global options) and COMMANDS (each lane command's parameters)."""
    context = click.Context(root)
    commands: dict[str, tuple[Param, ...]] = {}
    for path, target in TARGETS.items():
        words = path.split()
        command = root.get_command(context, words[0])
        for word in words[1:]:
            assert isinstance(command, click.Group), path
            command = command.get_command(context, word)
        assert command is not None and not isinstance(command, click.Group), path
        params = tuple(describe(p) for p in command.params)
        _check(path, target, command, params)
        commands[path] = params
    return {"ROOT": tuple(describe(p) for p in root.params), "COMMANDS": commands}


def _check(path: str, target: str, command: click.Command, params: tuple[Param, ...]) -> None:
    """A lane command has only arguments the lane parses and no parameter callbacks (the lane would skip
    them), and its action takes exactly its parameters."""
    for param, described in zip(command.params, params, strict=True):
        if isinstance(param, click.Argument) and described["kind"] != "argument":
            raise ValueError(f"{path}: the fast lane cannot parse argument {param.name}")
        if param.callback is not None and param.expose_value:
            raise ValueError(f"{path}: the fast lane would skip the callback of {param.name}")
    module, _, name = target.partition(":")
    action = getattr(__import__(module, fromlist=[name]), name)
    wanted = [p["name"] for p in params if p["expose"]]
    taken = list(inspect.signature(action).parameters)[1:]
    if sorted(wanted) != sorted(taken):
        raise ValueError(f"{path}: {target} takes {taken}, the command has {wanted}")


def render(spec: dict[str, Any]) -> str:
    """bt_cli/fast_spec.py's text."""
    body = [HEADER]
    body.append(f"ROOT: tuple[dict[str, Any], ...] = {pprint.pformat(spec['ROOT'], width=110, sort_dicts=False)}\n")
    body.append(
        "COMMANDS: dict[str, tuple[dict[str, Any], ...]] = "
        f"{pprint.pformat(spec['COMMANDS'], width=110, sort_dicts=False)}\n"
    )
    return "\n".join(body)
