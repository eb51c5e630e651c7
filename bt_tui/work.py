"""Device work off the UI thread: one core call in a thread worker, its answer posted as a message.

Workers never touch widgets (Textual's rule for threads); the UI updates in the message handlers, and a
failure becomes a toast carrying the device's reason, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message
from textual.worker import Worker, WorkerState


def error_text(error: BaseException | None) -> tuple[str, str]:
    """(title, message) for a toast: the core's own sentence, or the exception's text as a last resort."""
    if error is None:
        return "Error", "the action failed"
    title = getattr(error, "title", "") or error.__class__.__name__.replace("Error", " error").strip()
    return title, str(error) or error.__class__.__name__


class DeviceWork:
    """Mixin for widgets and screens that run core calls in thread workers."""

    def run_device(
        self,
        group: str,
        call: Callable[[], Any],
        done: Callable[[Any], Message | None] | None = None,
        *,
        exclusive: bool = True,
    ) -> Worker:
        """Run `call()` in a thread; post `done(result)` (if any) to this node when it returns."""
        node: Any = self

        def body() -> Any:
            result = call()
            if done is not None:
                message = done(result)
                if message is not None:
                    node.post_message(message)
            return result

        return node.run_worker(body, thread=True, exclusive=exclusive, exit_on_error=False, group=group, name=group)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            title, message = error_text(event.worker.error)
            self.app.notify(message, title=title, severity="error", markup=False, timeout=8)  # type: ignore[attr-defined]
            self.worker_failed(event.worker.group, event.worker.error)

    def worker_failed(self, group: str, error: BaseException | None) -> None:
        """Hook: undo a busy state after a failure."""
