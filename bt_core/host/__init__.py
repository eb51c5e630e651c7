"""The session host: the one background process that holds an open session's live side.

`control.py` is the command side (start it, find it, inspect it); `live.py` is the process itself,
started as `python -m bt_core.host SESSION_ID`.
"""

from __future__ import annotations

from bt_core.host.control import HostService, HostStatus

__all__ = ["HostService", "HostStatus"]
