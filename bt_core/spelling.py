"""Spell checking for chat messages (offline English, pyspellchecker), with a per-technician ignore list.

Only words a person typed are checked: URLs, BBCode tags, [code] blocks, e-mail addresses, numbers, words
with digits and ALLCAPS abbreviations are skipped, because flagging `adb`, `SM-G991B` or a link is noise.
The dictionary takes a moment to load, so it is loaded on first use, never at import.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spellchecker import SpellChecker

#: Words support chats use all the time that the general English dictionary lacks.
SUPPORT_VOCABULARY = (
    "app apps app's checkbox dropdown emoji esim gmail homescreen inbox lockscreen logout passcode playstore "
    "popup screenshot screenshots signup sim smartphone smartphones url urls usb voicemail whatsapp wifi "
    "bluetooth android adb apk apks wallpaper hotspot reboot reboots rebooted unplug toggle "
    "uninstall uninstalled reinstall reinstalled sync synced syncing username login online offline"
).split()

MAX_SUGGESTIONS = 5

# Regions never checked, in the order they are masked.
_SKIPPED = re.compile(
    r"\[code\].*?\[/code\]"  # code blocks (BBCode), content is literal
    r"|\[/?[A-Za-z*]+(?:=[^\[\]\n]*)?\]"  # BBCode tags, including [url=...]
    r"|\b[a-zA-Z][a-zA-Z0-9+.\-]*://\S+"  # URLs with a scheme
    r"|\bwww\.\S+"  # bare www. links
    r"|\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"  # e-mail addresses
    r"|(?:[A-Za-z0-9\-]+\.)+(?:com|org|net|io|dev|app|co|uk|de|fr)\b(?:/\S*)?",  # bare host names
    re.IGNORECASE | re.DOTALL,
)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


@dataclass(frozen=True)
class Misspelling:
    """A word the dictionary does not know, where it is in the text, and what it might be."""

    word: str
    start: int
    end: int
    suggestions: list[str]


@functools.cache
def _checker() -> SpellChecker:
    from spellchecker import SpellChecker  # ~0.2 s to load the dictionary: only when first needed

    checker = SpellChecker(language="en", distance=2)
    checker.word_frequency.load_words(SUPPORT_VOCABULARY)
    return checker


def _candidate_words(text: str) -> Iterator[tuple[str, int, int]]:
    masked = _SKIPPED.sub(lambda m: " " * len(m.group(0)), text)
    for match in _WORD.finditer(masked):
        word = match.group(0)
        if any(ch.isdigit() for ch in word) or len(word) < 2:
            continue
        if word.isupper():  # ALLCAPS abbreviation: ADB, USB, OK
            continue
        if not word.isascii():  # names and words from other languages: an English checker can't judge
            continue
        yield word, match.start(), match.end()


def check(text: str, ignore: Collection[str] = frozenset()) -> list[Misspelling]:
    """Misspelled English words in a chat message, in order, with up to five suggestions each.

    Args:
        text: the message as typed (BBCode allowed).
        ignore: words to accept (compared case-insensitively), e.g. an `IgnoreList`.
    """
    ignored = {word.casefold() for word in ignore}
    found: list[Misspelling] = []
    checker = None
    for word, start, end in _candidate_words(text):
        key = word.replace("’", "'").lower()
        if key.casefold() in ignored:
            continue
        if checker is None:
            checker = _checker()
        if key in checker or (key.endswith("'s") and key[:-2] in checker):
            continue
        found.append(Misspelling(word, start, end, _suggestions(checker, word, key)))
    return found


def _suggestions(checker: SpellChecker, word: str, key: str) -> list[str]:
    candidates = checker.candidates(key) or set()
    ranked = sorted(candidates - {key}, key=lambda c: (-checker.word_usage_frequency(c), c))
    ranked = ranked[:MAX_SUGGESTIONS]
    if word[:1].isupper():
        ranked = [c[:1].upper() + c[1:] for c in ranked]
    return ranked


class IgnoreList:
    """Words a technician told bt to accept ("ignore for this login"), one per line in a text file.

    The caller decides the path (one file per technician). Lines starting with '#' are comments.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._words: set[str] = set()
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        for line in lines:
            word = line.strip()
            if word and not word.startswith("#"):
                self._words.add(word.casefold())

    def add(self, word: str) -> None:
        """Accept the word from now on, and remember it in the file."""
        word = word.strip()
        if not word or any(ch.isspace() for ch in word):
            raise ValueError(f"cannot ignore {word!r}: give a single word")
        if word.casefold() in self._words:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a+", encoding="utf-8") as handle:
            handle.seek(0)
            content = handle.read()
            handle.write(("\n" if content and not content.endswith("\n") else "") + word + "\n")
        self._words.add(word.casefold())

    def contains(self, word: str) -> bool:
        return word.casefold() in self._words

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self.contains(word)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._words))

    def __len__(self) -> int:
        return len(self._words)
