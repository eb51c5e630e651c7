"""Modal dialogs: confirm, prompt, pick one of several (context menus, clashes, suggestions), start a session.

Every text shown here can come from a device (file names, package names), so labels are `Text`/`Content`,
never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select
from textual.widgets.option_list import Option


class ConfirmDialog(ModalScreen[bool]):
    """Yes or no, with the consequence spelled out; Escape is no."""

    BINDINGS = [
        Binding("escape", "answer(False)", "Cancel", id="dialog.cancel"),
        Binding("y", "answer(True)", "Yes", id="dialog.yes"),
        Binding("n", "answer(False)", "No", id="dialog.no"),
    ]

    def __init__(self, title: str, message: str, confirm: str = "Yes") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.message = message
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Label(Text(self.message), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Text(f"{self.confirm} (y)"), variant="error", id="yes")
                yield Button(Text("Cancel (n)"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class PromptDialog(ModalScreen[str | None]):
    """One line of text (a folder name, a new name, a note); Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt")
            yield Label(Text("Enter to confirm, Escape to cancel", style="dim"))

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ChoiceDialog(ModalScreen[str | None]):
    """Pick one of a few choices: a context menu, the clash question, spelling suggestions."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], message: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.choices = choices
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            if self.message:
                yield Label(Text(self.message), classes="dialog-message")
            yield OptionList(*[Option(Text(label), id=key) for key, label in self.choices], id="choices")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class StartSessionDialog(ModalScreen[dict[str, str | None] | None]):
    """Who the session is for: customer, issue, priority (all optional)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, serial: str) -> None:
        super().__init__(classes="dialog")
        self.serial = serial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(f"Start a session on {self.serial}", style="bold"), classes="dialog-title")
            yield Input(placeholder="Customer name", id="customer")
            yield Input(placeholder="Support issue", id="issue")
            yield Select(
                [("Low", "low"), ("Medium", "medium"), ("High", "high")],
                value="medium",
                allow_blank=False,
                id="priority",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start", variant="primary", id="start")
                yield Button("Cancel", id="cancel")

    def _values(self) -> dict[str, str | None]:
        return {
            "customer": self.query_one("#customer", Input).value.strip() or None,
            "issue": self.query_one("#issue", Input).value.strip() or None,
            "priority": str(self.query_one("#priority", Select).value),
        }

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.dismiss(self._values())

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self._values() if event.button.id == "start" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TransferDetailsDialog(ModalScreen[bool]):
    """One transfer, in words; dismissed with True when the technician asks to cancel it."""

    BINDINGS = [
        Binding("escape", "close", "Close", id="transfer-details.close"),
        Binding("c", "cancel_transfer", "Cancel transfer", id="transfer-details.cancel"),
    ]

    def __init__(self, title: str, lines: list[str], cancellable: bool) -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.lines = lines
        self.cancellable = cancellable

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Label(Text("\n".join(self.lines)), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Close", id="close")
                if self.cancellable:
                    yield Button("Cancel transfer", variant="error", id="cancel-transfer")
            keys = "Escape closes · c cancels the transfer" if self.cancellable else "Escape closes"
            yield Label(Text(keys, style="dim"))

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "cancel-transfer")

    def action_close(self) -> None:
        self.dismiss(False)

    def action_cancel_transfer(self) -> None:
        if self.cancellable:
            self.dismiss(True)
