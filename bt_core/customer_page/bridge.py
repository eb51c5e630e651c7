"""What the device user may see and do, in terms of the session's services (all blocking calls).

Only customer-facing events leave this module: chat both ways (the technician's BBCode as safe HTML), URL
pushes, screen-access and camera requests and answers, notices of files moved to or from the device, and
the session's end. Notes, denials and system events never reach the page.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

from bt_core.bbcode import to_html, to_plain
from bt_core.errors import UsageError
from bt_core.events import CUSTOMER_KINDS
from bt_core.models import GRANTS, iso

if TYPE_CHECKING:
    from bt_core.models import Event, SessionRecord
    from bt_core.services import Services

VISIBLE_KINDS = CUSTOMER_KINDS  # the event registry says which kinds the device user sees
GRANT_WORDS = {"none": "no access", "view": "view-only", "control": "view and control"}


class CustomerBridge:
    """One session seen from the device user's side; `services` acts as the serving technician."""

    def __init__(self, services: Services, session_id: str) -> None:
        self.services = services
        self.session_id = session_id
        self.connected = 0
        self.stopping = False

    @property
    def technician_name(self) -> str:
        return self.services.settings.display_name or self.services.technician

    def record(self) -> SessionRecord:
        return self.services.store.get_session(self.session_id)

    def state(self) -> dict[str, Any]:
        record = self.record()
        return {
            "technician": self.technician_name,
            "status": record.status,
            "grant": record.grant,
            "ended": record.ended,
        }

    def events(self, after: int) -> tuple[list[dict[str, Any]], int]:
        """Customer-facing events after `after`, and the last seq looked at (visible or not)."""
        store = self.services.store
        shown = [self._view(e) for e in store.events(self.session_id, after_seq=after, kinds=VISIBLE_KINDS)]
        last = max([after, *(e["seq"] for e in shown)])
        return shown, last

    def _view(self, event: Event) -> dict[str, Any]:
        data = event.data if isinstance(event.data, dict) else {}
        who = "customer" if event.actor == "customer" else "system" if event.actor == "system" else "technician"
        view: dict[str, Any] = {
            "seq": event.seq,
            "at": iso(event.at),
            "from": who,
            "kind": event.kind,
            "name": "You" if who == "customer" else self.technician_name,
        }
        if event.kind == "chat.sent":
            view["text"] = str(data.get("plain") or to_plain(event.text))
            view["html"] = to_html(event.text)  # escaped text, http(s) links and checked colours only
        elif event.kind == "camera.requested":
            view["text"] = f"{self.technician_name} asks you to start your camera so they can see the problem."
        elif event.kind == "camera.opened":
            view["text"] = "You started the camera." if who == "customer" else "The camera was started."
        elif event.kind == "file.pushed":
            destination = str(data.get("destination") or "")
            files = int(data.get("files") or 0)
            if files == 1:
                view["text"] = f"{self.technician_name} sent you {posixpath.basename(destination)} ({destination})."
            else:
                view["text"] = f"{self.technician_name} sent you {files} files (in {destination})."
        elif event.kind == "file.pulled":
            origin = str(data.get("origin") or "")
            files = int(data.get("files") or 0)
            what = posixpath.basename(origin.rstrip("/")) if files == 1 else f"{files} files"
            view["text"] = f"{self.technician_name} copied {what} from your device ({origin})."
        elif event.kind == "url.pushed":
            view["text"] = f"Opened a page for you: {data.get('url', '')}"
        elif event.kind == "grant.requested":
            level = str(data.get("level") or data.get("to") or "view")
            view["level"] = level
            view["text"] = f"{self.technician_name} asks for {GRANT_WORDS.get(level, level)} access to your screen."
        elif event.kind == "grant.changed":
            level = str(data.get("to") or "none")
            view["level"] = level
            view["text"] = f"Screen access is now: {GRANT_WORDS.get(level, level)}."
        elif event.kind == "session.ended":
            view["text"] = "The support session has ended. The technician can no longer access this device."
        else:
            view["text"] = event.text
        return view

    # -- the device user's actions ------------------------------------------------------------------
    def say(self, text: str) -> None:
        self.services.chat.receive(self.session_id, text)

    def answer(self, level: str) -> None:
        """The device user's answer to a screen-access request sets the session's grant."""
        if level not in GRANTS:
            raise UsageError(f"level must be one of {', '.join(GRANTS)}")
        self.services.grants.set(self.session_id, level, by="customer")

    def camera(self) -> None:
        """The device user starts their own camera (InSight) from the page: no grant needed for that."""
        self.services.camera.open(self.session_id, by_customer=True)

    def end(self) -> None:
        record = self.record()
        if not record.ended:
            self.services.sessions.end(self.session_id, by_customer=True)
