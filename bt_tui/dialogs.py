"""Modal dialogs: confirm, prompt, pick one of several (context menus, clashes, suggestions), start a session.

Every text shown here can come from a device (file names, package names), so labels are `Text`/`Content`,
never markup.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
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
            yield Static(Text(self.message), classes="dialog-message")
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


class TypedConfirmDialog(ModalScreen[bool]):
    """For what cannot be undone easily (uninstalling a system app): type `expected` exactly to confirm."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, title: str, message: str, expected: str, confirm: str = "Yes") -> None:
        super().__init__(classes="dialog")
        self.title_text = title
        self.message = message
        self.expected = expected
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(self.title_text, style="bold"), classes="dialog-title")
            yield Static(Text(self.message), classes="dialog-message")
            yield Input(placeholder=self.expected, id="typed")
            yield Static(Text(f"Type {self.expected} and press Enter · Escape cancels", style="dim"), id="typed-hint")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if event.value.strip() == self.expected:
            self.dismiss(True)
        else:
            self.query_one("#typed-hint", Static).update(
                Text(f"That is not {self.expected}: type it exactly, or Escape to cancel", style="bold red")
            )

    def action_cancel(self) -> None:
        self.dismiss(False)


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
                yield Static(Text(self.message), classes="dialog-message")
            yield OptionList(*[Option(Text(label), id=key) for key, label in self.choices], id="choices")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _listed(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class StartSessionDialog(ModalScreen[dict[str, Any] | None]):
    """Who the session is for and how it is routed (as `bt session start`): all optional; without a
    customer name the queue and the window show the device's name instead."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, serial: str) -> None:
        super().__init__(classes="dialog")
        self.serial = serial

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Text(f"Start a session on {self.serial}", style="bold"), classes="dialog-title")
            yield Input(placeholder="Customer name (empty: the device's name is shown)", id="customer")
            yield Input(placeholder="Support issue", id="issue")
            yield Select(
                [("Low priority", "low"), ("Medium priority", "medium"), ("High priority", "high")],
                value="medium",
                allow_blank=False,
                id="priority",
            )
            yield Input(placeholder="Queue (empty: general)", id="queue")
            yield Input(placeholder="Required skills, comma-separated (android, wifi)", id="skills")
            yield Input(placeholder="Attributes, comma-separated KEY=VALUE (plan=gold)", id="attributes")
            yield Input(placeholder="External key (ticket id in your system)", id="external-key")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Start", variant="primary", id="start")
                yield Button("Cancel", id="cancel")

    def _values(self) -> dict[str, Any]:
        def text(field: str) -> str:
            return self.query_one(f"#{field}", Input).value.strip()

        return {
            "customer": text("customer") or None,
            "issue": text("issue") or None,
            "priority": str(self.query_one("#priority", Select).value),
            "queue": text("queue") or "general",
            "skills": _listed(text("skills")),
            "attributes": _listed(text("attributes")),
            "external_key": text("external-key") or None,
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
