"""Chat and running log: the transcript as it grows, and the message input.

The input underlines misspelt words (F7 lists suggestions), Ctrl+T opens the canned messages, and a lone
http(s) URL is opened on the device instead of sent as chat (the core decides; see `ChatService.send`).
"""

from __future__ import annotations

from typing import Any

from rich.highlighter import Highlighter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, RichLog

from bt_core.events import EventKind
from bt_core.sanitize import for_terminal
from bt_tui.messages import ActionDone
from bt_tui.transcript import event_line
from bt_tui.work import DeviceWork


class SpellingHighlighter(Highlighter):
    """Underlines the words `bt_core.spelling` does not know (results cached per text)."""

    def __init__(self, ignore: Any = frozenset()) -> None:
        self.ignore = ignore
        self.enabled = True
        self._cache: tuple[str, list[Any]] = ("", [])

    def misspellings(self, plain: str) -> list[Any]:
        if not self.enabled or not plain.strip():
            return []
        if self._cache[0] != plain:
            from bt_core.spelling import check

            self._cache = (plain, check(plain, self.ignore))
        return self._cache[1]

    def highlight(self, text: Text) -> None:
        for miss in self.misspellings(text.plain):
            text.stylize("underline red", miss.start, miss.end)


class ChatPane(DeviceWork, Vertical):
    """The transcript above, the input below."""

    BINDING_GROUP_TITLE = "Chat"
    BINDINGS = [
        Binding("ctrl+t", "canned", "Canned", id="chat.canned", tooltip="Pick a canned message to send"),
        Binding("f7", "suggest", "Spelling", id="chat.spelling", tooltip="Suggestions for a misspelt word"),
    ]

    def __init__(self, session_id: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session_id = session_id
        self.highlighter = SpellingHighlighter()
        self.inserted: tuple[str, str] | None = None
        """The canned message last put in the input (its text, its name): sent as canned if left unedited."""

    def compose(self) -> ComposeResult:
        yield Label("", id="page-banner")
        yield RichLog(id="transcript", wrap=True, markup=False, highlight=False, auto_scroll=True)
        yield Label("", id="spell-hint")
        yield Input(
            placeholder="Message to the device user (BBCode ok; a lone URL opens on the device)",
            id="chat-input",
            highlighter=self.highlighter,
            select_on_focus=False,  # back from another tab, typing continues the draft (not replaces it)
        )

    def on_mount(self) -> None:
        chat = self.app.services.chat  # type: ignore[attr-defined]

        def warm() -> None:
            from bt_core.spelling import check

            self.highlighter.ignore = chat.ignore_list()
            check("warm up the dictionary")

        self.run_device("spelling", warm)

    def focus_default(self) -> None:
        """At once (not after a refresh), so keys typed right after F1 land in the input."""
        self.screen.set_focus(self.query_one("#chat-input", Input))

    @property
    def chat(self) -> Any:
        return self.app.services.chat  # type: ignore[attr-defined]

    def add_events(self, events: list[Any]) -> None:
        log = self.query_one("#transcript", RichLog)
        page: Any = None
        for event in events:
            log.write(event_line(event))
            if event.kind in (EventKind.CHAT_PAGE_FAILED, EventKind.CHAT_PAGE):
                page = event
        if page is not None:
            self._show_page_state(page)

    def _show_page_state(self, event: Any) -> None:
        """A banner above the chat while the customer page is not reachable on the device (the session
        host could not map it): chat then reaches the customer as notifications only. The next
        "page ready" event takes it away."""
        banner = self.query_one("#page-banner", Label)
        failed = event.kind == EventKind.CHAT_PAGE_FAILED
        if failed:
            reason = for_terminal(str((event.data or {}).get("error") or "no reason given"), one_line=True)
            banner.update(
                Text(
                    f"Customer page not reachable on the device: {reason}. Chat reaches the customer as "
                    "notifications only (bt session host-status has the details).",
                    style="bold",
                )
            )
        banner.set_class(failed, "-shown")

    # -- input -----------------------------------------------------------------------------------
    @on(Input.Changed, "#chat-input")
    def typed(self, event: Input.Changed) -> None:
        misses = self.highlighter.misspellings(event.value)
        hint = self.query_one("#spell-hint", Label)
        if misses:
            words = ", ".join(m.word for m in misses[:5])
            hint.update(Text(f"Misspelt: {words} (F7 for suggestions)", style="red"))
        else:
            hint.update("")

    @on(Input.Submitted, "#chat-input")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        if self.inserted is not None and text == self.inserted[0].strip():
            self._send(None, self.inserted[1])  # unedited: logged as the canned message it is
        else:
            self._send(text, None)
        self.inserted = None

    def _send(self, text: str | None, canned: str | None) -> None:
        chat, session_id = self.chat, self.session_id

        def done(result: Any) -> ActionDone:
            if result.kind == "url":
                return ActionDone(f"Opened {result.url} on the device", ("transcript",), result)
            return ActionDone(
                "Sent" + (f" (canned: {result.canned})" if result.canned else ""), ("transcript",), result
            )

        self.run_device("chat", lambda: chat.send(session_id, text, canned=canned), done)

    @on(ActionDone)
    def sent(self, message: ActionDone) -> None:
        result = message.result
        field = self.query_one("#chat-input", Input)
        if result is not None and (getattr(result, "canned", None) is None or field.value.strip() == result.text):
            field.value = ""
        if result is not None and result.kind == "url":
            self.app.notify(message.text, title="URL pushed", markup=False)

    # -- canned and spelling -----------------------------------------------------------------------
    def action_canned(self) -> None:
        from bt_tui.canned_picker import CannedPicker

        try:
            library = self.chat.canned_library()
        except Exception as error:  # a broken canned file: say where, keep chatting
            self.app.notify(str(error), title="Canned messages", severity="error", markup=False)
            return

        def picked(choice: Any) -> None:
            if choice is None:
                return
            how, message = choice
            name = message.name or message.title
            if how == "send":
                self._send(None, name)
                return
            field = self.query_one("#chat-input", Input)
            field.value = message.body
            field.cursor_position = len(message.body)
            self.inserted = (message.body, name)
            field.focus()

        self.app.push_screen(CannedPicker(library), picked)

    def action_suggest(self) -> None:
        from bt_tui.dialogs import ChoiceDialog

        field = self.query_one("#chat-input", Input)
        misses = self.highlighter.misspellings(field.value)
        if not misses:
            self.app.notify("No misspelt words", markup=False)
            return
        cursor = field.cursor_position
        miss = next((m for m in misses if m.start <= cursor <= m.end), misses[0])
        choices = [(f"use:{s}", s) for s in miss.suggestions] + [("ignore", f"Add '{miss.word}' to my words")]

        def chosen(choice: str | None) -> None:
            if choice is None:
                return
            if choice == "ignore":
                self.chat.ignore(miss.word)
                self.highlighter.ignore = self.chat.ignore_list()
                self.highlighter._cache = ("", [])
            else:
                word = choice.removeprefix("use:")
                field.value = field.value[: miss.start] + word + field.value[miss.end :]
                field.cursor_position = miss.start + len(word)
            field.focus()

        self.app.push_screen(ChoiceDialog(f"Suggestions for '{miss.word}'", choices), chosen)
