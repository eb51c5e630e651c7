"""The canned-message picker: categories and subcategories as a tree, narrowed as you type."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static, Tree


class CannedPicker(ModalScreen[Any]):
    """Returns ("insert" or "send", the chosen `CannedMessage`), or None on Escape.

    Enter inserts the message in the chat input to edit it first; Ctrl+S sends it as it is."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="canned.cancel"),
        Binding("ctrl+s", "send", "Send now", id="canned.send", priority=True),
        Binding("down", "to_tree", "Results", show=False, id="canned.tree"),
    ]

    def __init__(self, library: Any) -> None:
        super().__init__(classes="dialog")
        self.library = library

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box wide"):
            yield Label(Text("Canned messages", style="bold"), classes="dialog-title")
            yield Input(placeholder="Search (words in the category, title or text)", id="canned-search")
            yield Tree(Text("Messages"), id="canned-tree")
            yield Static(id="canned-preview")
            yield Label(
                Text(
                    "Type to search · ↓ to the list · Enter inserts to edit · Ctrl+S sends now · Escape cancels",
                    style="dim",
                )
            )

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#canned-search", Input).focus()

    def _fill(self, query: str) -> None:
        tree = self.query_one("#canned-tree", Tree)
        tree.clear()
        tree.root.expand()
        tree.show_root = False
        if query.strip():
            for message in self.library.search(query):
                label = " › ".join((*message.path, message.title))
                tree.root.add_leaf(Text(label), data=message)
            return

        def add(node: Any, category: Any) -> None:
            branch = node.add(Text(category.name), expand=True)
            for sub in category.subcategories:
                add(branch, sub)
            for message in category.messages:
                branch.add_leaf(Text(message.title), data=message)

        for category in self.library.tree():
            add(tree.root, category)

    def _first(self) -> Any:
        tree = self.query_one("#canned-tree", Tree)
        stack = list(tree.root.children)
        while stack:
            node = stack.pop(0)
            if node.data is not None:
                return node.data
            stack[:0] = list(node.children)
        return None

    @on(Input.Changed, "#canned-search")
    def search(self, event: Input.Changed) -> None:
        self._fill(event.value)
        first = self._first()
        self.query_one("#canned-preview", Static).update(Text(first.body if first else "No match"))

    @on(Input.Submitted, "#canned-search")
    def take_first(self) -> None:
        first = self._first()
        if first is not None:
            self.dismiss(("insert", first))

    @on(Tree.NodeHighlighted)
    def preview(self, event: Tree.NodeHighlighted[Any]) -> None:
        data = event.node.data
        self.query_one("#canned-preview", Static).update(Text(data.body if data else ""))

    @on(Tree.NodeSelected)
    def chosen(self, event: Tree.NodeSelected[Any]) -> None:
        if event.node.data is not None:
            self.dismiss(("insert", event.node.data))

    def action_send(self) -> None:
        """The highlighted message (or the first match), sent at once."""
        tree = self.query_one("#canned-tree", Tree)
        node = tree.cursor_node if tree.has_focus else None
        message = node.data if node is not None and node.data is not None else self._first()
        if message is not None:
            self.dismiss(("send", message))

    def action_to_tree(self) -> None:
        self.query_one("#canned-tree", Tree).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
