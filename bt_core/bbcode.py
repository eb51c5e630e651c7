"""BBCode for chat messages: parsed once into a small tree, rendered to plain text, Rich text and HTML.

Chat text comes from people and devices, so the parser never fails: an unknown, malformed, misnested or
unclosed tag is kept as the literal text the user typed. Renderers build their output from the tree
(never by re-interpreting markup), which is what keeps brackets safe in Rich and `<` safe in HTML.

Supported: [b] [i] [u] [s] [color=red|#rgb|#rrggbb] [url] [url=...] [quote] [quote=name] [code]
[list] [list=1] [*]; tag names are case-insensitive.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Union

from bt_core.urls import is_http_url

if TYPE_CHECKING:
    from rich.text import Text

#: Colour names accepted in [color=...], with the exact value every renderer uses.
NAMED_COLORS: dict[str, str] = {
    "black": "#000000",
    "white": "#ffffff",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c0",
    "red": "#d32f2f",
    "maroon": "#800000",
    "orange": "#f57c00",
    "yellow": "#fbc02d",
    "olive": "#808000",
    "lime": "#7cb342",
    "green": "#388e3c",
    "teal": "#00897b",
    "cyan": "#00acc1",
    "blue": "#1976d2",
    "navy": "#000080",
    "purple": "#7b1fa2",
    "magenta": "#c2185b",
    "pink": "#ec407a",
    "brown": "#6d4c41",
}
_HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

_SIMPLE = frozenset({"b", "i", "u", "s"})
_KNOWN = _SIMPLE | {"color", "url", "quote", "code", "list", "*"}
_TAG = re.compile(r"\[(/?)([a-zA-Z]+|\*)(?:=([^\[\]\n]*))?\]")
_CODE_END = re.compile(r"\[/code\]", re.IGNORECASE)


def normalize_color(value: str) -> str | None:
    """'#rrggbb' for a named colour, #rgb or #rrggbb; None for anything else (never passed through)."""
    value = value.strip()
    named = NAMED_COLORS.get(value.lower())
    if named:
        return named
    if _HEX_COLOR.fullmatch(value):
        digits = value[1:].lower()
        if len(digits) == 3:
            digits = "".join(ch * 2 for ch in digits)
        return "#" + digits
    return None


@dataclass
class Element:
    """A tag with its argument and children; `raw` is the opening tag as typed (for literal fallback)."""

    tag: str
    arg: str | None = None
    raw: str = ""
    children: list[Node] = field(default_factory=list)


Node = Union[str, Element]  # noqa: UP007 - a runtime alias, evaluated on 3.11


def _valid_opening(tag: str, arg: str | None) -> bool:
    if tag in _SIMPLE or tag == "code":
        return arg is None
    if tag == "color":
        return arg is not None and normalize_color(arg) is not None
    if tag == "url":
        return arg is None or bool(arg.strip())
    if tag == "quote":
        return True
    if tag == "list":
        return arg is None or arg.strip() == "1"
    return tag == "*"


def _literalize(element: Element, parent: list[Node]) -> None:
    """Splice an unclosed element back into its parent as its opening text followed by its children."""
    parent.append(element.raw)
    parent.extend(element.children)


def parse(text: str) -> list[Node]:
    """Parse BBCode into a list of nodes (strings and Elements); never raises."""
    root = Element("root")
    stack: list[Element] = [root]
    pos = 0
    while True:
        match = _TAG.search(text, pos)
        if match is None:
            stack[-1].children.append(text[pos:])
            break
        stack[-1].children.append(text[pos : match.start()])
        pos = match.end()
        closing, tag, arg = match.group(1) == "/", match.group(2).lower(), match.group(3)
        raw = match.group(0)
        if tag not in _KNOWN or (closing and arg is not None):
            stack[-1].children.append(raw)
            continue
        if closing:
            _close(stack, tag, raw)
            continue
        if not _valid_opening(tag, arg):
            stack[-1].children.append(raw)
            continue
        if tag == "code":
            end = _CODE_END.search(text, pos)
            if end is None:
                stack[-1].children.append(raw)
            else:
                stack[-1].children.append(Element("code", None, raw, [text[pos : end.start()]]))
                pos = end.end()
            continue
        if tag == "*":
            _open_item(stack, raw)
            continue
        element = Element(tag, arg, raw)
        stack[-1].children.append(element)
        stack.append(element)
    # Unclosed at the end of input: shown as typed. List items close implicitly with their list.
    while len(stack) > 1:
        element = stack.pop()
        parent = stack[-1].children
        parent.pop()  # the element itself is the last child of its parent
        if element.tag == "*" and stack[-1].tag == "list":
            parent.append(element)
            continue
        _literalize(element, parent)
    return _merge(root.children)


def _open_item(stack: list[Element], raw: str) -> None:
    if stack[-1].tag == "*" and len(stack) > 1 and stack[-2].tag == "list":
        stack.pop()  # [*] closes the previous item
    if stack[-1].tag != "list":
        stack[-1].children.append(raw)
        return
    item = Element("*", None, raw)
    stack[-1].children.append(item)
    stack.append(item)


def _close(stack: list[Element], tag: str, raw: str) -> None:
    depth = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].tag == tag), None)
    if depth is None:
        stack[-1].children.append(raw)  # a closing tag with nothing to close
        return
    while len(stack) - 1 > depth:
        inner = stack.pop()
        parent = stack[-1].children
        parent.pop()
        if inner.tag == "*" and stack[-1].tag == "list":
            parent.append(inner)  # items close with their list
        else:
            _literalize(inner, parent)  # misnested: the inner tag was never properly closed
    element = stack.pop()
    if tag == "url" and not _url_parts(element)[0]:
        parent = stack[-1].children
        parent.pop()
        _literalize(element, parent)  # [url][/url] has nowhere to go: keep it as typed
        parent.append(raw)


def _merge(nodes: list[Node]) -> list[Node]:
    """Join adjacent strings and drop empty ones, recursively, so renderers see a tidy tree."""
    merged: list[Node] = []
    for node in nodes:
        if isinstance(node, Element):
            if node.tag != "code":
                node.children = _merge(node.children)
            merged.append(node)
        elif node:
            if merged and isinstance(merged[-1], str):
                merged[-1] += node
            else:
                merged.append(node)
    return merged


def _plain_of(nodes: list[Node]) -> str:
    """The bare text of nodes (tags dropped), used for [url]...[/url] targets."""
    return "".join(n if isinstance(n, str) else _plain_of(n.children) for n in nodes)


def _url_parts(element: Element) -> tuple[str, str]:
    """(target, label) of a [url] element."""
    label = _plain_of(element.children)
    target = (element.arg.strip().strip("\"'") if element.arg is not None else label).strip()
    return target, label


def _items(element: Element) -> list[list[Node]]:
    """List items of a [list]; stray text before the first [*] becomes an item if it isn't blank."""
    items: list[list[Node]] = []
    for child in element.children:
        if isinstance(child, Element) and child.tag == "*":
            items.append(_trimmed(child.children))
        elif not (isinstance(child, str) and not child.strip()):
            items.append(_trimmed([child]))
    return items


def _trimmed(nodes: list[Node]) -> list[Node]:
    """Nodes without the blank space around them (the newlines people type between [*] items)."""
    nodes = list(nodes)
    if nodes and isinstance(nodes[0], str):
        nodes[0] = nodes[0].lstrip()
    if nodes and isinstance(nodes[-1], str):
        nodes[-1] = nodes[-1].rstrip()
    return [n for n in nodes if not isinstance(n, str) or n]


def _quote_name(element: Element) -> str:
    return (element.arg or "").strip().strip("\"'").strip()


# --- plain text -------------------------------------------------------------------------------------


def to_plain(text: str) -> str:
    """Plain text for places without formatting (the device notification): lists as '• item' lines."""
    return _plain(parse(text)).strip("\n") if "[" in text else text


def _plain(nodes: list[Node]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
            continue
        if node.tag == "url":
            target, label = _url_parts(node)
            inner = _plain(node.children).strip() or target
            out.append(inner if inner == target else f"{inner} ({target})")
        elif node.tag == "list":
            lines = []
            for number, item in enumerate(_items(node), start=1):
                marker = f"{number}." if node.arg else "•"
                lines.append(f"{marker} {_plain(item).strip()}")
            out.append(_block("\n".join(lines), out))
        elif node.tag == "quote":
            body = "\n".join("> " + line for line in _plain(node.children).strip("\n").split("\n"))
            name = _quote_name(node)
            out.append(_block((f"{name} wrote:\n" if name else "") + body, out))
        elif node.tag == "code":
            out.append(_code_text(node))
        else:
            out.append(_plain(node.children))
    return "".join(out)


def _block(content: str, before: list[str]) -> str:
    """A block (list, quote) on its own lines."""
    prefix = "\n" if before and not "".join(before).endswith("\n") else ""
    return f"{prefix}{content}\n"


# --- Rich ---------------------------------------------------------------------------------------------


def to_rich(text: str) -> Text:
    """A Rich Text with styles applied as spans; user text is never interpreted as Rich markup."""
    from rich.text import Text  # rich is cheap, but only the terminal front ends need it

    out = Text()
    _rich(parse(text), out, "")
    out.rstrip()
    return out


def _rich(nodes: list[Node], out: Text, style: str) -> None:
    from rich.style import Style
    from rich.text import Text

    for node in nodes:
        if isinstance(node, str):
            out.append(node, style=style or None)
            continue
        tag = node.tag
        if tag in _SIMPLE:
            extra = {"b": "bold", "i": "italic", "u": "underline", "s": "strike"}[tag]
            _rich(node.children, out, f"{style} {extra}".strip())
        elif tag == "color":
            color = normalize_color(node.arg or "")
            _rich(node.children, out, f"{style} {color}".strip() if color else style)
        elif tag == "url":
            target, _label = _url_parts(node)
            start = len(out)
            _rich(node.children, out, f"{style} underline".strip())
            if len(out) == start:
                out.append(target, style=f"{style} underline".strip())
            if is_http_url(target):
                out.stylize(Style(link=target), start, len(out))
            if out.plain[start:] != target:
                out.append(f" ({target})", style="dim")
        elif tag == "code":
            out.append(_code_text(node), style="bold on grey23")
        elif tag == "quote":
            _newline(out)
            name = _quote_name(node)
            if name:
                out.append(f"{name} wrote:\n", style="dim")
            inner = Text()
            _rich(node.children, inner, f"{style} italic".strip())
            inner.rstrip()
            for line in inner.split("\n", allow_blank=True):
                out.append("│ ", style="dim")
                out.append_text(line)
                out.append("\n")
        elif tag == "list":
            _newline(out)
            for number, item in enumerate(_items(node), start=1):
                out.append(f"{number}. " if node.arg else "• ")
                inner = Text()
                _rich(item, inner, style)
                inner.rstrip()
                out.append_text(_lstripped(inner))
                out.append("\n")
        else:
            _rich(node.children, out, style)


def _lstripped(text: Text) -> Text:
    drop = len(text.plain) - len(text.plain.lstrip())
    return text[drop:] if drop else text


def _newline(out: Text) -> None:
    if out.plain and not out.plain.endswith("\n"):
        out.append("\n")


# --- HTML ---------------------------------------------------------------------------------------------


def to_html(text: str) -> str:
    """An HTML fragment: all text escaped, only http(s) links, only validated colours."""
    return _html(parse(text))


def _esc(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


def _html(nodes: list[Node]) -> str:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            out.append(_esc(node))
            continue
        tag = node.tag
        inner = _html(node.children) if tag != "code" else ""
        if tag in _SIMPLE:
            name = {"b": "strong", "i": "em", "u": "u", "s": "s"}[tag]
            out.append(f"<{name}>{inner}</{name}>")
        elif tag == "color":
            color = normalize_color(node.arg or "")
            out.append(f'<span style="color:{color}">{inner}</span>' if color else inner)
        elif tag == "url":
            target, label = _url_parts(node)
            shown = inner or _esc(target)
            if is_http_url(target):
                href = html.escape(target, quote=True)
                out.append(f'<a href="{href}" rel="noopener noreferrer" target="_blank">{shown}</a>')
            else:
                out.append(shown if label.strip() == target else f"{shown} ({_esc(target)})")
        elif tag == "code":
            code = html.escape(_code_text(node), quote=True)
            out.append(f"<pre><code>{code}</code></pre>")
        elif tag == "quote":
            name = _quote_name(node)
            cite = f"<cite>{_esc(name)} wrote:</cite>" if name else ""
            out.append(f"<blockquote>{cite}{inner}</blockquote>")
        elif tag == "list":
            kind = "ol" if node.arg else "ul"
            items = "".join(f"<li>{_html(item)}</li>" for item in _items(node))
            out.append(f"<{kind}>{items}</{kind}>")
        else:
            out.append(inner)
    return "".join(out)


def _code_text(node: Element) -> str:
    """The literal text of a [code] block (its one child is kept raw by the parser)."""
    first = node.children[0] if node.children else ""
    return first if isinstance(first, str) else _plain([first])
