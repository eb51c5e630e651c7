"""Private notes on a session: technicians only, in the shared store, allowed during and after it.

A note is also marked in the transcript (`note.added`, data `private: true`) so the running log shows
when it was written; front ends that face the device user (the customer page, the device) never show it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bt_core.errors import UsageError
from bt_core.events import EventKind

if TYPE_CHECKING:
    from bt_core.models import Note
    from bt_core.services import Services

MAX_NOTE_CHARS = 20000


class NotesService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def add(self, session_id: str | None, text: str) -> Note:
        """Add a note as this technician; an ended session still takes notes (no device involved)."""
        text = (text or "").strip()
        if not text:
            raise UsageError("the note is empty")
        if len(text) > MAX_NOTE_CHARS:
            raise UsageError(f"the note is {len(text)} characters long; the limit is {MAX_NOTE_CHARS}")
        sessions = self.services.sessions
        record = sessions.resolve(session_id)
        # The note and its note.added event are one transaction: a kill between them cannot split them.
        return self.services.store.add_note(
            record.id, sessions.me, text, event=(EventKind.NOTE_ADDED, text, {"private": True})
        )

    def list(self, session_id: str | None) -> list[Note]:
        record = self.services.sessions.resolve(session_id)
        return self.services.store.notes(record.id)
