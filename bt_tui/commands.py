"""The command palette's "every action here" source: the current screen's bindings as commands.

Ctrl+P lists what the keys of the screen the palette was opened from do: the screen's own bindings and
those of every widget shown on it (the tab in front, its section, the focused table), each run with its
node as the action's namespace, exactly as if its key had been pressed.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget


def shown(node: DOMNode) -> bool:
    """Whether the widget is on the screen now (none of its ancestors is hidden, e.g. another tab)."""
    for ancestor in node.ancestors_with_self:
        if isinstance(ancestor, Widget) and not (ancestor.display and ancestor.visible):
            return False
    return True


def key_label(app: Any, binding: Binding) -> str:
    return ", ".join(app.get_key_display(Binding(key.strip(), "")) for key in binding.key.split(","))


def screen_actions(screen: Screen[Any]) -> Iterator[tuple[str, str, DOMNode, Binding]]:
    """(title, help, node, binding) for each described binding of the screen and its visible widgets."""
    seen: set[tuple[int, str]] = set()
    nodes: list[DOMNode] = [screen, *[w for w in screen.walk_children(Widget) if shown(w)]]
    for node in nodes:
        group = getattr(node, "BINDING_GROUP_TITLE", None) or ""
        for _key, bindings in node._bindings.key_to_bindings.items():
            for binding in bindings:
                if not binding.description or binding.system or (id(node), binding.action) in seen:
                    continue
                if type(node).__module__.startswith("textual."):
                    continue  # Textual's own widget keys (cursor moves) are not bt actions
                seen.add((id(node), binding.action))
                title = f"{group}: {binding.description}" if group else binding.description
                keys = key_label(screen.app, binding)
                help_text = f"{binding.tooltip} ({keys})" if binding.tooltip else keys
                yield title, help_text, node, binding


class ScreenActions(Provider):
    """Every action of the screen the palette was opened from, found by its title."""

    def _commands(self) -> list[tuple[str, str, Any]]:
        return [
            (title, help_text, partial(self.app.run_action, binding.action, node))
            for title, help_text, node, binding in screen_actions(self.screen)
        ]

    async def discover(self) -> Hits:
        for title, help_text, run in self._commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, help=help_text)
