"""The customer page: a small web app on this computer, reached from the device through `adb reverse`.

`bridge.py` turns the session's store and services into what the page may see and do, `app.py` is the
aiohttp app (security checks, JSON API, WebSocket), `runner.py` serves it, maps the port and opens it on
the device. The page itself (`static/`) loads nothing from outside and writes user text with textContent.
"""

from __future__ import annotations

from bt_core.customer_page.runner import PageServer

__all__ = ["PageServer"]
