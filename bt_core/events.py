"""The one registry of transcript event kinds: what each is called, its icon, how bad it is, who sees it.

Writers pass an `EventKind` (a StrEnum, so the stored value is the same dotted string databases and
`bt log --kind` filters have always used); the terminal transcript, the TUI and the report all render from
`describe(kind)`, which also answers for kinds this build does not know (old databases, newer writers).
Icons are symbols every common font has (no emoji: print, headless browsers and some terminals lack them).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How an event reads in the transcript: failures red, warnings yellow, successes green."""

    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    FAILURE = "failure"

    @property
    def colour(self) -> str:
        """A colour name Rich and the report's CSS classes share; empty for plain information."""
        return _COLOURS[self]


_COLOURS = {Severity.INFO: "", Severity.SUCCESS: "green", Severity.WARNING: "yellow", Severity.FAILURE: "red"}


class EventKind(StrEnum):
    """Every kind of event bt writes to a session's transcript."""

    SESSION_STARTED = "session.started"
    SESSION_JOINED = "session.joined"
    SESSION_TRANSFERRED = "session.transferred"
    SESSION_STATUS = "session.status"
    SESSION_ENDED = "session.ended"
    SESSION_INDICATOR = "session.indicator"
    SESSION_INDICATOR_FAILED = "session.indicator_failed"
    PERMISSION_DENIED = "permission.denied"
    CHAT_SENT = "chat.sent"
    CHAT_RECEIVED = "chat.received"
    CHAT_REFUSED = "chat.refused"
    CHAT_PAGE = "chat.page"
    CHAT_PAGE_FAILED = "chat.page_failed"
    URL_PUSHED = "url.pushed"
    NOTE_ADDED = "note.added"
    GRANT_REQUESTED = "grant.requested"
    GRANT_CHANGED = "grant.changed"
    SCREEN_SHOT = "screen.shot"
    SCREEN_RECORDED = "screen.recorded"
    SCREEN_RECORD_FALLBACK = "screen.record_fallback"
    SCREEN_STREAM_OPENED = "screen.stream_opened"
    SCREEN_STREAM_CLOSED = "screen.stream_closed"
    SCREEN_STREAM_FALLBACK = "screen.stream_fallback"
    SCREEN_PAUSED = "screen.paused"
    SCREEN_RESUMED = "screen.resumed"
    CAMERA_REQUESTED = "camera.requested"
    CAMERA_OPENED = "camera.opened"
    CAMERA_ANNOTATED = "camera.annotated"
    CAMERA_CLEARED = "camera.cleared"
    INPUT_TAP = "input.tap"
    INPUT_SWIPE = "input.swipe"
    INPUT_TEXT = "input.text"
    INPUT_KEY = "input.key"
    FOLDER_CREATED = "folder.created"
    FILE_RENAMED = "file.renamed"
    FILE_DELETED = "file.deleted"
    FILE_PUSHED = "file.pushed"
    FILE_PULLED = "file.pulled"
    TRANSFER_SKIPPED = "transfer.skipped"
    TRANSFER_CANCELLED = "transfer.cancelled"
    TRANSFER_FAILED = "transfer.failed"
    SYSINFO_PULLED = "sysinfo.pulled"
    SYSINFO_AUTO_STARTED = "sysinfo.auto_started"
    SYSINFO_AUTO_STOPPED = "sysinfo.auto_stopped"
    TRIAGE_COLLECTED = "triage.collected"
    PROCESS_KILLED = "process.killed"
    PROCESS_KILL_FAILED = "process.kill_failed"
    APP_UNINSTALLED = "app.uninstalled"
    APP_UNINSTALL_FAILED = "app.uninstall_failed"

    @property
    def spec(self) -> KindSpec:
        return _SPECS[self]


@dataclass(frozen=True)
class KindSpec:
    """How one kind is shown: a short label, an icon, its severity, and whether the device user sees it."""

    kind: str
    label: str
    icon: str
    severity: Severity = Severity.INFO
    customer: bool = False


FAMILY_ICONS = {
    "session": "●",
    "permission": "⊘",
    "chat": "✉",
    "url": "↗",
    "note": "✎",
    "grant": "◐",
    "screen": "▣",
    "camera": "◉",
    "input": "⌨",
    "file": "▤",
    "folder": "▥",
    "transfer": "⇅",
    "sysinfo": "ℹ",
    "triage": "⛑",
    "process": "✖",
    "app": "✖",
}
"""One icon per family; a kind of a family this build does not know still gets its family's icon."""

_S, _W, _F = Severity.SUCCESS, Severity.WARNING, Severity.FAILURE
_TABLE: dict[EventKind, tuple[str, Severity, bool]] = {
    EventKind.SESSION_STARTED: ("Session started", Severity.INFO, False),
    EventKind.SESSION_JOINED: ("Joined", Severity.INFO, False),
    EventKind.SESSION_TRANSFERRED: ("Transferred", Severity.INFO, False),
    EventKind.SESSION_STATUS: ("Status", Severity.INFO, False),
    EventKind.SESSION_ENDED: ("Session ended", Severity.INFO, True),
    EventKind.SESSION_INDICATOR: ("Session indicator", Severity.INFO, False),
    EventKind.SESSION_INDICATOR_FAILED: ("Session indicator failed", _F, False),
    EventKind.PERMISSION_DENIED: ("Denied", _F, False),
    EventKind.CHAT_SENT: ("Message", Severity.INFO, True),
    EventKind.CHAT_RECEIVED: ("Customer message", Severity.INFO, True),
    EventKind.CHAT_REFUSED: ("Message refused", _F, False),
    EventKind.CHAT_PAGE: ("Chat page", Severity.INFO, False),
    EventKind.CHAT_PAGE_FAILED: ("Chat page not mapped", _F, False),
    EventKind.URL_PUSHED: ("URL pushed", Severity.INFO, True),
    EventKind.NOTE_ADDED: ("Private note", Severity.INFO, False),
    EventKind.GRANT_REQUESTED: ("Access requested", Severity.INFO, True),
    EventKind.GRANT_CHANGED: ("Screen access", Severity.INFO, True),
    EventKind.SCREEN_SHOT: ("Screenshot", _S, False),
    EventKind.SCREEN_RECORDED: ("Recording", _S, False),
    EventKind.SCREEN_RECORD_FALLBACK: ("Recording smaller", _W, False),
    EventKind.SCREEN_STREAM_OPENED: ("Live screen opened", Severity.INFO, False),
    EventKind.SCREEN_STREAM_CLOSED: ("Live screen closed", Severity.INFO, False),
    EventKind.SCREEN_STREAM_FALLBACK: ("Live screen smaller", _W, False),
    EventKind.SCREEN_PAUSED: ("Screen paused", _W, False),
    EventKind.SCREEN_RESUMED: ("Screen resumed", Severity.INFO, False),
    EventKind.CAMERA_REQUESTED: ("Camera requested", Severity.INFO, True),
    EventKind.CAMERA_OPENED: ("Camera opened", Severity.INFO, True),
    EventKind.CAMERA_ANNOTATED: ("Camera annotation", Severity.INFO, False),
    EventKind.CAMERA_CLEARED: ("Annotations cleared", Severity.INFO, False),
    EventKind.INPUT_TAP: ("Tap", Severity.INFO, False),
    EventKind.INPUT_SWIPE: ("Swipe", Severity.INFO, False),
    EventKind.INPUT_TEXT: ("Typing", Severity.INFO, False),
    EventKind.INPUT_KEY: ("Key", Severity.INFO, False),
    EventKind.FOLDER_CREATED: ("Folder created", _S, False),
    EventKind.FILE_RENAMED: ("File renamed", _S, False),
    EventKind.FILE_DELETED: ("File deleted", _S, False),
    EventKind.FILE_PUSHED: ("File sent", _S, True),
    EventKind.FILE_PULLED: ("File received", _S, True),
    EventKind.TRANSFER_SKIPPED: ("Transfer skipped", _W, False),
    EventKind.TRANSFER_CANCELLED: ("Transfer cancelled", _W, False),
    EventKind.TRANSFER_FAILED: ("Transfer failed", _F, False),
    EventKind.SYSINFO_PULLED: ("System info", Severity.INFO, False),
    EventKind.SYSINFO_AUTO_STARTED: ("Auto-refresh on", Severity.INFO, False),
    EventKind.SYSINFO_AUTO_STOPPED: ("Auto-refresh off", Severity.INFO, False),
    EventKind.TRIAGE_COLLECTED: ("Triage bundle", Severity.SUCCESS, False),
    EventKind.PROCESS_KILLED: ("Process ended", _S, False),
    EventKind.PROCESS_KILL_FAILED: ("Could not end process", _F, False),
    EventKind.APP_UNINSTALLED: ("App uninstalled", _S, False),
    EventKind.APP_UNINSTALL_FAILED: ("Could not uninstall", _F, False),
}
_SPECS: dict[str, KindSpec] = {
    kind: KindSpec(kind.value, label, FAMILY_ICONS[kind.value.split(".", 1)[0]], severity, customer)
    for kind, (label, severity, customer) in _TABLE.items()
}
CUSTOMER_KINDS: tuple[str, ...] = tuple(spec.kind for spec in _SPECS.values() if spec.customer)
"""The kinds the device user's chat page shows."""


def known(kind: str) -> bool:
    return kind in _SPECS


def describe(kind: str) -> KindSpec:
    """The kind's registry entry; an unknown kind (an old database, a newer bt) is plain information."""
    spec = _SPECS.get(kind)
    if spec is not None:
        return spec
    return KindSpec(kind, kind, FAMILY_ICONS.get(kind.split(".", 1)[0], "·"))


ACTOR_STYLES = {"customer": "bold cyan", "system": "bold yellow"}
TECHNICIAN_STYLE = "bold green"


def actor_style(actor: str) -> str:
    """The Rich style of an actor's name: the customer, bt itself, or a technician."""
    return ACTOR_STYLES.get(actor, TECHNICIAN_STYLE)
