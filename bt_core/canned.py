"""Canned chat messages: an administrator's TOML file of categories, subcategories and messages.

The file shape (the shipped default, `bt_core/data/canned_default.toml`, is a full example)::

    [[category]]
    name = "Troubleshooting"            # required

      [[category.message]]
      name = "restart"                  # optional short id, for `bt chat send --canned restart`
      title = "Restart the phone"       # required; shown in lists, searched first
      body = "Hold [b]Power[/b]..."     # required; BBCode allowed

      [[category.subcategory]]          # optional; same shape as a category, and may nest again
      name = "Wi-Fi"
        [[category.subcategory.message]]
        title = "..."
        body = "..."

Names must be unique across the file. Errors are one line naming the file and, where it can be found,
the line of the offending table, because administrators edit this file by hand.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from bt_core.bbcode import to_plain
from bt_core.errors import ConfigError, NotFound, UsageError

DEFAULT_RESOURCE = "canned_default.toml"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class CannedFileError(ConfigError):
    """The canned messages file cannot be read or does not have the documented shape."""


class CannedNotFound(NotFound):
    """No canned message matches the name (exit 13); several matching titles are a UsageError."""


@dataclass(frozen=True)
class CannedMessage:
    """One ready-made message; `path` is the category path it lives under."""

    title: str
    body: str
    name: str | None = None
    path: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "body": self.body, "category": list(self.path)}


@dataclass(frozen=True)
class Category:
    """A category (or subcategory) with its messages and nested subcategories, in file order."""

    name: str
    messages: tuple[CannedMessage, ...] = ()
    subcategories: tuple[Category, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "messages": [m.to_json() for m in self.messages],
            "subcategories": [c.to_json() for c in self.subcategories],
        }

    def walk(self) -> list[CannedMessage]:
        """Every message in this category and below it, in file order."""
        found = list(self.messages)
        for sub in self.subcategories:
            found.extend(sub.walk())
        return found


def fold(text: str) -> str:
    """Case- and accent-insensitive form used for matching ('Réseau' and 'reseau' fold the same)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _words(text: str) -> list[str]:
    return re.sub(r"[\W_]+", " ", fold(text)).split()


def _query_words(query: str) -> list[str]:
    """Whitespace-separated query words with punctuation squashed ("Wi-Fi" -> "wifi")."""
    squashed = (re.sub(r"[\W_]+", "", word) for word in fold(query).split())
    return [word for word in squashed if word]


def _haystack(text: str) -> str:
    """Folded words, then the same with separators removed, so "wifi" finds "Wi-Fi"."""
    words = _words(text)
    return " ".join(words) + " \x00 " + "".join(words)


@dataclass
class CannedLibrary:
    """The loaded messages, with the lookups the CLI and TUI need."""

    categories: tuple[Category, ...]
    source: str = "<default>"
    _all: list[CannedMessage] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._all = [m for c in self.categories for m in c.walk()]

    def messages(self) -> list[CannedMessage]:
        return list(self._all)

    def tree(self) -> tuple[Category, ...]:
        """The categories for display (each with messages and subcategories)."""
        return self.categories

    def tree_text(self) -> str:
        """The tree as indented plain lines: category names, then `title [name]` per message."""
        lines: list[str] = []

        def add(category: Category, depth: int) -> None:
            lines.append("  " * depth + category.name + "/")
            for message in category.messages:
                suffix = f"  [{message.name}]" if message.name else ""
                lines.append("  " * (depth + 1) + message.title + suffix)
            for sub in category.subcategories:
                add(sub, depth + 1)

        for category in self.categories:
            add(category, 0)
        return "\n".join(lines)

    def search(self, query: str) -> list[CannedMessage]:
        """Messages containing every word of the query in their title, body or category names, best first.

        Matching ignores case and accents ("wifi" finds every message under a "Wi-Fi" category). Ranking:
        messages with more query words in the title come first, then titles that start with the query,
        then file order.
        """
        words = _query_words(query)
        if not words:
            return self.messages()
        scored: list[tuple[int, int, int, CannedMessage]] = []
        for index, message in enumerate(self._all):
            title = _haystack(message.title)
            body = _haystack(to_plain(message.body))
            categories = _haystack(" ".join(message.path))
            if not all(w in title or w in body or w in categories for w in words):
                continue
            title_hits = sum(1 for w in words if w in title)
            prefix = 0 if title.startswith(" ".join(words)) else 1
            scored.append((-title_hits, prefix, index, message))
        scored.sort(key=lambda item: item[:3])
        return [item[3] for item in scored]

    def get(self, name: str) -> CannedMessage:
        """The message with this name; else the one whose title is this (ignoring case/accents).

        Raises:
            CannedNotFound: nothing matches; the message lists close matches.
            UsageError: several titles match.
        """
        for message in self._all:
            if message.name == name:
                return message
        wanted = fold(name.strip())
        by_name = [m for m in self._all if m.name and fold(m.name) == wanted]
        if len(by_name) == 1:
            return by_name[0]
        by_title = [m for m in self._all if fold(m.title) == wanted]
        if len(by_title) == 1:
            return by_title[0]
        if len(by_title) > 1:
            listed = ", ".join(_label(m) for m in by_title)
            raise UsageError(f"Several canned messages are titled {name!r}: {listed}; use the name.")
        choices = {fold(m.name): m for m in self._all if m.name} | {fold(m.title): m for m in self._all}
        close = difflib.get_close_matches(wanted, list(choices), n=3, cutoff=0.5)
        hint = ""
        if close:
            hint = " Did you mean " + " or ".join(_label(choices[c]) for c in close) + "?"
        else:
            hint = " See `bt chat canned` for the list."
        raise CannedNotFound(f"No canned message named {name!r} in {self.source}.{hint}")


def _label(message: CannedMessage) -> str:
    return f"{message.name} ({message.title!r})" if message.name else repr(message.title)


# --- loading ------------------------------------------------------------------------------------------


def load(path: Path | None = None) -> CannedLibrary:
    """Load the administrator's file, or the shipped default set when `path` is None.

    Raises:
        CannedFileError: unreadable file, bad TOML, or a missing/invalid field (one line, with file:line).
    """
    if path is None:
        text = resources.files("bt_core").joinpath("data", DEFAULT_RESOURCE).read_text(encoding="utf-8")
        return parse(text, source=f"<default {DEFAULT_RESOURCE}>")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CannedFileError(f"{path}: cannot read canned messages: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise CannedFileError(f"{path}: canned messages file is not UTF-8 text") from None
    return parse(text, source=str(path))


def load_configured(path: Path) -> CannedLibrary:
    """The administrator's file if it exists, else the shipped default set."""
    return load(path) if Path(path).exists() else load(None)


def parse(text: str, source: str = "<string>") -> CannedLibrary:
    """Build a library from TOML text; `source` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CannedFileError(f"{source}: {_toml_error(str(error), text)}") from None
    locator = _HeaderLocator(text)
    unknown = sorted(set(data) - {"category"})
    if unknown:
        raise CannedFileError(f"{source}: unknown top-level key {unknown[0]!r}; expected [[category]] tables")
    raw_categories = data.get("category", [])
    if not isinstance(raw_categories, list):
        raise CannedFileError(f"{source}: 'category' must be an array of tables: write [[category]]")
    counters: dict[str, int] = {}
    categories = tuple(_category(raw, ("category",), (), source, locator, counters) for raw in raw_categories)
    library = CannedLibrary(categories, source=source)
    seen: dict[str, CannedMessage] = {}
    for message in library.messages():
        if message.name is None:
            continue
        if message.name in seen:
            raise CannedFileError(
                f"{source}: message name {message.name!r} is used twice "
                f"({seen[message.name].title!r} and {message.title!r}); names must be unique"
            )
        seen[message.name] = message
    return library


def _toml_error(message: str, text: str) -> str:
    """'Expected ... (at line 3, column 7)' -> 'line 3: Expected ... (column 7)'."""
    if message.endswith("(at end of document)"):
        detail = message.removesuffix("(at end of document)").strip()
        return f"line {max(1, len(text.splitlines()))}: invalid TOML: {detail} (at the end of the file)"
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if not match:
        return f"invalid TOML: {message}"
    detail = message[: match.start()].strip()
    return f"line {match.group(1)}: invalid TOML: {detail} (column {match.group(2)})"


class _HeaderLocator:
    """Maps the n-th `[[a.b.c]]` table of the file to its line, so errors can say where it is.

    Arrays of tables appear in document order, so the n-th header with a given dotted path is the n-th
    table of that path when the data is walked in order.
    """

    _HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_.\- ]+?)\s*\]\]")

    def __init__(self, text: str) -> None:
        self.lines: dict[str, list[int]] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            match = self._HEADER.match(line)
            if match:
                key = ".".join(part.strip() for part in match.group(1).split("."))
                self.lines.setdefault(key, []).append(number)

    def where(self, key: str, ordinal: int) -> str:
        found = self.lines.get(key, [])
        return f"line {found[ordinal]}: " if ordinal < len(found) else ""


def _next(counters: dict[str, int], key: str) -> int:
    ordinal = counters.get(key, 0)
    counters[key] = ordinal + 1
    return ordinal


def _text_field(raw: dict[str, Any], key: str, what: str, where: str, source: str, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            raise CannedFileError(f"{source}: {where}{what} has no {key!r}")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise CannedFileError(f"{source}: {where}{what}: {key!r} must be a non-empty string")
    return value.strip() if key != "body" else value.strip("\n")


def _category(
    raw: Any,
    key: tuple[str, ...],
    parents: tuple[str, ...],
    source: str,
    locator: _HeaderLocator,
    counters: dict[str, int],
) -> Category:
    dotted = ".".join(key)
    where = locator.where(dotted, _next(counters, dotted))
    kind = "category" if len(key) == 1 else "subcategory"
    if not isinstance(raw, dict):
        raise CannedFileError(f"{source}: {where}each {kind} must be a table: write [[{dotted}]]")
    name = _text_field(raw, "name", f"a {kind}", where, source)
    assert name is not None
    extra = sorted(set(raw) - {"name", "message", "subcategory"})
    if extra:
        raise CannedFileError(
            f"{source}: {where}{kind} {name!r} has unknown key {extra[0]!r} (expected name, message, subcategory)"
        )
    path = (*parents, name)
    messages = tuple(
        _message(m, (*key, "message"), path, source, locator, counters) for m in _array(raw, "message", where, source)
    )
    subs = tuple(
        _category(s, (*key, "subcategory"), path, source, locator, counters)
        for s in _array(raw, "subcategory", where, source)
    )
    return Category(name, messages, subs)


def _array(raw: dict[str, Any], key: str, where: str, source: str) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        raise CannedFileError(f"{source}: {where}{key!r} must be an array of tables: write [[...{key}]]")
    return value


def _message(
    raw: Any,
    key: tuple[str, ...],
    path: tuple[str, ...],
    source: str,
    locator: _HeaderLocator,
    counters: dict[str, int],
) -> CannedMessage:
    dotted = ".".join(key)
    where = locator.where(dotted, _next(counters, dotted))
    in_category = f"a message in {' / '.join(path)!r}"
    if not isinstance(raw, dict):
        raise CannedFileError(f"{source}: {where}{in_category} must be a table: write [[{dotted}]]")
    title = _text_field(raw, "title", in_category, where, source)
    what = f"message {title!r} in {' / '.join(path)!r}"
    body = _text_field(raw, "body", what, where, source)
    name = _text_field(raw, "name", what, where, source, required=False)
    if name is not None and not _NAME.match(name):
        raise CannedFileError(f"{source}: {where}{what}: name {name!r} must be a short id (letters, digits, - _ .)")
    extra = sorted(set(raw) - {"name", "title", "body"})
    if extra:
        raise CannedFileError(f"{source}: {where}{what} has unknown key {extra[0]!r} (expected name, title, body)")
    assert title is not None and body is not None
    return CannedMessage(title=title, body=body, name=name, path=path)
