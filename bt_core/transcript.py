"""Reading a session's transcript: one page, or a live follow that every front end shares."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bt_core.errors import UsageError

if TYPE_CHECKING:
    from bt_core.models import Event, SessionRecord
    from bt_core.services import Services


class TranscriptService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._host_checked: dict[str, float] = {}

    def events(
        self,
        session_id: str,
        *,
        after_seq: int = 0,
        limit: int | None = None,
        kinds: Sequence[str] | None = None,
    ) -> list[Event]:
        return self.services.store.events(session_id, after_seq=after_seq, limit=limit, kinds=kinds or None)

    def last(self, session_id: str, kind: str) -> Event | None:
        """The newest event of one kind (for callers that only need to show it again)."""
        found = self.services.store.events(session_id, kinds=[kind])
        return found[-1] if found else None

    def poll(self, session_id: str, after_seq: int, *, limit: int = 500) -> tuple[list[Event], SessionRecord]:
        """Events after `after_seq` and the session record as it is now (one read for a live view).

        A live view (the TUI) keeps the open session's host running: checked every 2 s, restarted if dead.
        """
        store = self.services.store
        events, record = store.events(session_id, after_seq=after_seq, limit=limit), store.get_session(session_id)
        now = time.monotonic()
        if not record.ended and now - self._host_checked.get(session_id, 0.0) >= 2.0:
            self._host_checked[session_id] = now
            self.services.host.ensure(record)
        return events, record

    def follow(
        self,
        session_id: str,
        *,
        after_seq: int = 0,
        kinds: Sequence[str] | None = None,
        every: float = 0.3,
    ) -> Iterator[Event]:
        """Every event after `after_seq`, then new ones as other processes write them (never returns)."""
        store = self.services.store
        last = after_seq
        while True:
            fresh = store.events(session_id, after_seq=last)
            for event in fresh:
                last = event.seq
                if not kinds or event.kind in kinds:
                    yield event
            if not fresh:
                time.sleep(every)

    def export(self, record: SessionRecord, fmt: str, out: Path | None, stream: TextIO | None = None) -> int:
        """Write jsonl, md or html to `out` (atomically) or `stream` (default stdout); returns the number
        of events."""
        from bt_core.transcript_export import EXPORT_FORMATS, export_transcript

        for known in EXPORT_FORMATS:
            if fmt == known:
                return export_transcript(self.services.store, record, known, out, stream)
        raise UsageError(f"--format must be jsonl, md or html, not {fmt!r}")
