"""The device shell (/system/bin/sh): lexer, parser and interpreter. `Shell(device).run(cmd, io)`."""

from __future__ import annotations

from virtual_device.shell.interpreter import Shell

__all__ = ["Shell"]
