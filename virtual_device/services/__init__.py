"""Device-side services, chosen by the OPEN destination string (adbd's `daemon_service_to_fd`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from virtual_device.transport import Stream

Handler = Callable[["Stream", str], Awaitable[None]]


def find_service(service: str) -> tuple[str, Handler] | None:
    """(family, handler) for a destination, or None (the host then sees the stream refused).

    `tcp:` is resolved by the transport, which must connect on the device before accepting the OPEN.
    """
    from virtual_device.services import abb, misc, reverse, shell, sync

    if service.startswith("shell:") or service.startswith("shell,"):
        return "shell", shell.shell_service
    if service.startswith("exec:"):
        return "exec", shell.exec_service
    if service.startswith("abb_exec:"):
        return "abb_exec", abb.abb_exec_service
    if service.startswith("abb:"):
        return "abb", abb.abb_service
    if service == "sync:":
        return "sync", sync.sync_service
    if service.startswith("reverse:"):
        return "reverse", reverse.reverse_service
    if service == "root:":
        return "root", misc.root_service
    if service == "unroot:":
        return "unroot", misc.unroot_service
    if service.startswith("reboot:") or service == "reboot":
        return "reboot", misc.reboot_service
    return None
