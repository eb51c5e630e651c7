"""What the customer lets the technician do with the screen: nothing, view it, or control it.

The grant lives on the session (`SessionRecord.grant`) so every front end and process sees the same
one; each request, change and revocation is a transcript event. The administrator's policy caps it:
a customer cannot grant control when the policy forbids screen control.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bt_core.errors import NeedsGrant, UsageError
from bt_core.events import EventKind
from bt_core.models import GRANTS, Grant, Outcome, SessionRecord

if TYPE_CHECKING:
    from bt_core.services import Services

LABELS = {"none": "no access", "view": "view-only access", "control": "full control"}
ACTIONS = {"view": "screen.view", "control": "screen.control"}


def rank(level: str) -> int:
    return GRANTS.index(level)


def check_level(level: str) -> Grant:
    """The grant `level` names (`view-only` and any case allowed); a UsageError with the choices otherwise."""
    try:
        return Grant.parse(level)
    except ValueError as error:
        raise UsageError(f"grant {error}") from None


class GrantService:
    def __init__(self, services: Services) -> None:
        self.services = services

    def request(self, session_id: str | None, level: str) -> Outcome:
        """Ask the customer for a level; the customer page answers with `set(..., by="customer")`."""
        level = check_level(level)
        if level == "none":
            raise UsageError("request view or control; to give access back, set the grant to none")
        sessions = self.services.sessions
        record = sessions.guard(session_id, ACTIONS[level])
        event = sessions.log(
            record,
            EventKind.GRANT_REQUESTED,
            f"{sessions.me} asked the customer for {LABELS[level]}",
            {"level": level, "current": record.grant},
        )
        return Outcome(record, event)

    def cap(self, level: Grant) -> Grant:
        """The highest level at or below `level` that the policy allows."""
        policy = self.services.policy
        if level == Grant.CONTROL and not policy.allows("screen.control"):
            level = Grant.VIEW
        if level == Grant.VIEW and not policy.allows("screen.view"):
            level = Grant.NONE
        return level

    def set(self, session_id: str | None, level: str, by: str | None = None) -> Outcome:
        """Set the grant (by the customer, or by the technician in lab use), capped by the policy."""
        requested = check_level(level)
        sessions = self.services.sessions
        record = sessions.guard(session_id)
        granted = self.cap(requested)
        actor = by or sessions.me
        who = "The customer" if actor == "customer" else actor
        if granted == "none":
            text = f"{who} revoked screen access" if record.grant != "none" else f"{who} set screen access to none"
        else:
            text = f"{who} granted {LABELS[granted]}"
        if granted != requested:
            text += f" ({LABELS[requested]} was asked; the policy allows at most {LABELS[granted]})"
        event = sessions.log(
            record,
            EventKind.GRANT_CHANGED,
            text,
            {"from": record.grant, "to": granted, "requested": requested, "by": actor, "capped": granted != requested},
            actor=actor,
            session_updates={"grant": granted},
        )
        return Outcome(self.services.store.get_session(record.id), event)

    def require(self, session_id: str | None, level: str) -> SessionRecord:
        """The open session if the policy and the customer's grant allow `level`; else PermissionDenied."""
        level = check_level(level)
        sessions = self.services.sessions
        action = ACTIONS[level]
        record = sessions.guard(session_id, action)
        if rank(record.grant) < rank(level):
            if record.grant == "view":
                message = "the customer granted view-only access: input is refused"
            else:
                message = (
                    f"the customer has not granted {LABELS[level]}: ask with 'bt screen request {level}' "
                    f"(or, in lab use, 'bt screen grant {level}')"
                )
            sessions.deny(record, action, message, detail=f"grant={record.grant}", error=NeedsGrant)
        return record
