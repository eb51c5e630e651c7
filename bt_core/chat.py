"""Chat with the device user: notifications from the technician (in the shade, never a heads-up: shell
notifications have default importance), URL push, canned messages, spelling warnings, and the
customer's replies (from the customer page).

A message is BBCode as typed; the transcript keeps it as typed (`chat.sent`), the device gets the plain
rendering. A message that is only an http(s) URL is opened on the device instead (`url.pushed`); a link
with a refused scheme is logged as `chat.refused` and never reaches the device.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adb_backend import intents
from bt_core import bbcode, locations, urls
from bt_core.errors import UsageError
from bt_core.events import EventKind

if TYPE_CHECKING:
    from bt_core.canned import CannedLibrary, CannedMessage
    from bt_core.host import HostStatus
    from bt_core.models import SessionRecord
    from bt_core.services import Services
    from bt_core.spelling import IgnoreList

#: Longest message accepted, from the technician or the customer (a notification shows far less).
MAX_MESSAGE_CHARS = 4000


@dataclass(frozen=True)
class ChatResult:
    """What happened to one message: sent as chat, or opened as a URL; spelling warnings for the sender."""

    session_id: str
    kind: str  # "chat" or "url"
    text: str  # as typed (BBCode)
    plain: str  # as shown on the device
    seq: int
    url: str | None = None
    canned: str | None = None
    misspellings: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None
    """Said to the sender, e.g. that a tel: link was sent as text rather than opened."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class ChatService:
    def __init__(self, services: Services) -> None:
        self.services = services

    # -- sending ---------------------------------------------------------------------------------
    def send(
        self, session_id: str | None, text: str | None, canned: str | None = None, spellcheck: bool = True
    ) -> ChatResult:
        """Send a message (or a canned one) to the device user; a lone http(s) URL opens on the device.

        Raises:
            UsageError: empty, too long, both text and canned, or a refused link scheme (logged).
            PermissionDenied: the policy forbids chat or URL push (logged).
        """
        sessions = self.services.sessions
        canned_name = None
        if canned:
            if text:
                raise UsageError("give the message TEXT or --canned NAME, not both")
            message = self.canned_library().get(canned)
            text, canned_name = message.body, message.name or message.title
        text = (text or "").strip()
        if not text:
            raise UsageError("the message is empty: type some text or use --canned NAME")
        if len(text) > MAX_MESSAGE_CHARS:
            raise UsageError(f"the message is {len(text)} characters long; the limit is {MAX_MESSAGE_CHARS}")
        if urls.is_refused_scheme(text):
            record = sessions.guard(session_id)
            reason = urls.refusal_message(text)
            sessions.log(record, EventKind.CHAT_REFUSED, reason, {"scheme": urls.scheme_of(text), "message": text})
            raise UsageError(reason)
        target = urls.push_target(text)
        if target is not None:
            return self._push_url(session_id, target, canned_name)
        record = sessions.guard(session_id, "chat.send", detail=text[:200])
        check = spellcheck and self.services.settings.spellcheck and not canned_name
        misspellings = self._spelling(text) if check else []
        plain = bbcode.to_plain(text) or text
        tag = f"bt-chat-{record.id}-{os.urandom(4).hex()}"
        title = f"{self.services.settings.display_name or self.services.technician} (support)"
        sdk = self._sdk(record)

        def post(device: Any) -> None:
            from adb_backend.notify import post_notification

            post_notification(device, tag, title, plain, sdk=sdk)

        sessions.on_device(record, post)
        event = sessions.log(
            record,
            EventKind.CHAT_SENT,
            text,
            {"plain": plain, "canned": canned_name, "misspellings": misspellings, "tag": tag},
        )
        return ChatResult(
            record.id,
            "chat",
            text,
            plain,
            event.seq,
            canned=canned_name,
            misspellings=misspellings,
            note=urls.sent_as_text_note(text),
        )

    def _push_url(self, session_id: str | None, url: str, canned_name: str | None) -> ChatResult:
        sessions = self.services.sessions
        record = sessions.guard(session_id, "chat.url_push", detail=url)
        sessions.on_device(record, lambda device: intents.open_url(device, url))
        event = sessions.log(
            record, EventKind.URL_PUSHED, f"Opened {url} on the device", {"url": url, "canned": canned_name}
        )
        return ChatResult(record.id, "url", url, url, event.seq, url=url, canned=canned_name)

    def _sdk(self, record: SessionRecord) -> int | None:
        started = self.services.store.events(record.id, kinds=[EventKind.SESSION_STARTED], limit=1)
        sdk = started[0].data.get("sdk") if started else None
        return sdk if isinstance(sdk, int) else None

    # -- the customer's side -----------------------------------------------------------------------
    def restart_page(
        self, session_id: str | None, *, port: int = 0, device_port: int = 0, open_page: bool = True
    ) -> HostStatus:
        """Restart the session host's page (`bt chat serve`); opens it on the device unless told not to.

        Raises:
            DeviceRefusedError: the device could not listen on the port (the host logged it too).
            BtError: the host did not come up.
        """
        from bt_core.errors import BtError, DeviceRefusedError

        for value in (port, device_port):
            if not 0 <= value < 65536:
                raise UsageError(f"port {value} is out of range (0-65535)")
        sessions = self.services.sessions
        if port:
            _check_free(port)
        status = self.services.host.restart(session_id, device_port=device_port, port=port)
        if not status.running:
            raise BtError(f"the session host did not start: see {_host_log(status.session_id)}")
        if status.mapping != "mapped":
            raise DeviceRefusedError(
                f"the customer page could not be mapped onto the device: {status.mapping_error or 'no answer'}"
            )
        if open_page and status.page_url:
            record = sessions.guard(status.session_id, "chat.send")
            url = status.page_url
            sessions.on_device(record, lambda device: intents.open_url(device, url))
            sessions.log(record, EventKind.CHAT_PAGE, "Opened the chat page on the device", {"opened": True})
        return status

    def receive(self, session_id: str | None, text: str) -> Any:
        """The device user's words (from the customer page), logged as theirs; never sent back."""
        if not isinstance(text, str) or not text.strip():
            raise UsageError("the message is empty")
        if len(text) > MAX_MESSAGE_CHARS:
            raise UsageError(f"the message is too long (limit {MAX_MESSAGE_CHARS} characters)")
        record = self.services.sessions.guard(session_id)
        return self.services.sessions.log(record, EventKind.CHAT_RECEIVED, text.strip(), {}, actor="customer")

    # -- canned messages and spelling ----------------------------------------------------------------
    def canned_library(self) -> CannedLibrary:
        from bt_core.canned import load_configured

        return load_configured(self.services.settings.resolved_canned_path())

    def canned(self, query: str | None = None) -> list[CannedMessage]:
        """Every canned message (no query) or the ones matching every word of the query."""
        library = self.canned_library()
        return library.search(query) if query else library.messages()

    def ignore_path(self) -> Path:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", self.services.technician)
        return locations.data_dir() / "spelling" / f"ignore-{safe}.txt"

    def ignore_list(self) -> IgnoreList:
        from bt_core.spelling import IgnoreList

        return IgnoreList(self.ignore_path())

    def ignore(self, word: str) -> Path:
        """Accept a word in this technician's messages from now on."""
        try:
            self.ignore_list().add(word)
        except ValueError as error:
            raise UsageError(str(error)) from None
        return self.ignore_path()

    def _spelling(self, text: str) -> list[dict[str, Any]]:
        from bt_core.spelling import check

        return [asdict(m) for m in check(text, self.ignore_list())]


def _check_free(port: int) -> None:
    """Refuse a page port this computer cannot listen on before the host is restarted for it."""
    import socket

    from bt_core.customer_page.runner import BIND_HOST

    with socket.socket() as probe:
        try:
            probe.bind((BIND_HOST, port))
        except OSError as error:
            raise UsageError(f"cannot listen on {BIND_HOST}:{port}: {error.strerror or error}") from None


def _host_log(session_id: str) -> str:
    from bt_core.host.control import log_path

    return str(log_path(session_id))
