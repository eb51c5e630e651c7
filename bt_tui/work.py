"""Device work off the UI thread: one core call in a thread worker, its answer posted as a message.

Workers never touch widgets (Textual's rule for threads); the UI updates in the message handlers, and a
failure becomes a toast carrying the device's reason, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message
from textual.worker import Worker, WorkerState

from bt_core.errors import BtError, NeedsGrant

GRANT_KEYS = "Ctrl+R asks the customer to let you view, Ctrl+G for control (Ctrl+L sets it yourself in lab use)"


def error_text(error: BaseException | None) -> tuple[str, str]:
    """(title, message) for a toast: the core's own title and sentence (the TUI's keys instead of shell
    commands); anything else is a bt bug, said without Python's class names."""
    if error is None:
        return "Error", "the action failed"
    if isinstance(error, NeedsGrant) and "'bt screen" in str(error):
        return error.title, str(error).split(": ask with", 1)[0] + ": " + GRANT_KEYS
    if isinstance(error, BtError):
        return error.title, str(error)
    return "Unexpected error", str(error) or "bt failed unexpectedly (see the log)"


class DeviceWork:
    """Mixin for widgets and screens that run core calls in thread workers."""

    def run_device(
        self,
        group: str,
        call: Callable[[], Any],
        done: Callable[[Any], Message | None] | None = None,
        *,
        exclusive: bool = True,
    ) -> Worker[Any]:
        """Run `call()` in a thread; post `done(result)` (if any) to this node when it returns."""
        node: Any = self

        def body() -> Any:
            result = call()
            if done is not None:
                message = done(result)
                if message is not None:
                    node.post_message(message)
            return result

        worker: Worker[Any] = node.run_worker(
            body, thread=True, exclusive=exclusive, exit_on_error=False, group=group, name=group
        )
        return worker

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            title, message = error_text(event.worker.error)
            self.app.notify(message, title=title, severity="error", markup=False, timeout=8)  # type: ignore[attr-defined]
            self.worker_failed(event.worker.group, event.worker.error)

    def worker_failed(self, group: str, error: BaseException | None) -> None:
        """Hook: undo a busy state after a failure."""
