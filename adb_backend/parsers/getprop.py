"""`getprop`: `[name]: [value]` lines, values may span several lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ._common import lines

_PROP = re.compile(r"^\[([^\]]*)\]: \[(.*)$")


@dataclass(frozen=True)
class Properties:
    """All properties in capture order; `to_json()` is the flat `{name: value}` object."""

    props: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.props.get(name, default)

    def __getitem__(self, name: str) -> str:
        return self.props[name]

    def __contains__(self, name: object) -> bool:
        return name in self.props

    def __len__(self) -> int:
        return len(self.props)

    def to_json(self) -> dict[str, Any]:
        return dict(self.props)


def parse_getprop(text: str) -> Properties:
    """Parse `getprop` output.

    A value whose closing `]` is not on its line continues on the next lines (e.g.
    `persist.sys.boot.reason.history`); a new `[name]: [` line ends an unterminated value, so a
    truncated capture keeps what it has.
    """
    props: dict[str, str] = {}
    open_name: str | None = None
    open_parts: list[str] = []
    for line in lines(text):
        match = _PROP.match(line)
        if match and (open_name is None or line.rstrip().endswith("]")):
            if open_name is not None:  # the previous value never closed: keep what arrived
                props[open_name] = "\n".join(open_parts)
                open_name = None
            name, rest = match.group(1), match.group(2)
            if rest.endswith("]"):
                props[name] = rest[:-1]
            else:
                open_name, open_parts = name, [rest]
            continue
        if open_name is not None:
            if line.endswith("]"):
                open_parts.append(line[:-1])
                props[open_name] = "\n".join(open_parts)
                open_name = None
            else:
                open_parts.append(line)
    if open_name is not None:
        props[open_name] = "\n".join(open_parts)
    return Properties(props)
