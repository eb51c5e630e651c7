"""The work queue: a technician takes the next Waiting session they are able to handle.

"Next" is the highest priority first, then the oldest; a session qualifies when the technician has every
skill it requires. Taking is a conditional UPDATE (`... WHERE status = 'waiting'`): whichever technician's
update lands first gets the session, the other's matches no row and moves on to the next candidate, so two
technicians never get the same one, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bt_core.errors import NotFound
from bt_core.events import EventKind
from bt_core.models import SessionRecord

if TYPE_CHECKING:
    from bt_core.services import Services

_RANK = {"high": 0, "medium": 1, "low": 2}


def order_key(record: SessionRecord) -> tuple[int, float]:
    return _RANK.get(record.priority, 1), record.queued_at.timestamp()


class QueueService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def candidates(self, skills: Sequence[str], queue: str | None = None) -> list[SessionRecord]:
        """Waiting sessions this technician may take, next first."""
        have = {s.strip().lower() for s in skills if s.strip()}
        waiting = self.services.store.list_sessions("waiting")
        fit = [
            r for r in waiting if (queue is None or r.queue == queue) and {s.strip().lower() for s in r.skills} <= have
        ]
        return sorted(fit, key=order_key)

    def next(self, skills: Sequence[str] | None = None, queue: str | None = None) -> SessionRecord:
        """Take the next session (it becomes In progress, owned by this technician, and the current one)."""
        chosen = list(skills if skills is not None else self.services.settings.skills)
        for record in self.candidates(chosen, queue):
            if self._take(record):
                sessions = self.services.sessions
                sessions.log(
                    record,
                    EventKind.SESSION_JOINED,
                    f"{sessions.me} took the session from the {record.queue} queue",
                    {"via": "queue", "queue": record.queue, "skills": chosen},
                )
                return sessions.use(record.id)
        where = f"queue {queue!r}" if queue else "any queue"
        having = f"skills {', '.join(chosen)}" if chosen else "no skills (pass --skills)"
        raise NotFound(f"no waiting session in {where} for a technician with {having}")

    def _take(self, record: SessionRecord) -> bool:
        from bt_core.models import utcnow
        from bt_core.store import to_ms

        me = self.services.technician
        owners = list(dict.fromkeys((*record.owners, me)))
        with self.services.store.db.transaction() as conn:
            result = conn.execute(
                "UPDATE bt_sessions SET status = 'in_progress', technician = :me, owners = :owners,"
                " started_at = :started_at WHERE id = :id AND status = 'waiting'",
                {"me": me, "owners": json.dumps(owners), "started_at": to_ms(utcnow()), "id": record.id},
            )
            return result.rowcount == 1
