"""Permission modes as chmod(1) and `mkdir -m` read them: octal, or symbolic like `a-rwx,u+x,go=r`.

Same grammar as toybox's string_to_mode(): comma-separated clauses of `[ugoa]*` followed by one or
more `[-+=]` actions, each with permission letters `rwxXst` or a copy source `u`, `g` or `o`.
Without a who letter the clause acts on all, as if the umask were 0 (Android shells run with 0077,
but toybox applies the umask only to `+`/`=` without who; the device's files never need that).
"""

from __future__ import annotations

import stat as S

_WHO = {"u": S.S_IRWXU | S.S_ISUID, "g": S.S_IRWXG | S.S_ISGID, "o": S.S_IRWXO | S.S_ISVTX}
_SHIFT = {"u": 6, "g": 3, "o": 0}


def parse_mode(text: str, old: int = 0, is_dir: bool = False) -> int | None:
    """The new permission bits (0o7777 part) for `text` applied to `old`, or None if `text` is bad."""
    if text and all(c in "01234567" for c in text):
        value = int(text, 8)
        return value if value <= 0o7777 else None
    mode = old & 0o7777
    for clause in text.split(","):
        result = _clause(clause, mode, is_dir)
        if result is None:
            return None
        mode = result
    return mode


def _clause(clause: str, mode: int, is_dir: bool) -> int | None:
    i = 0
    who = ""
    while i < len(clause) and clause[i] in "ugoa":
        who += "ugo" if clause[i] == "a" else clause[i]
        i += 1
    who = who or "ugo"
    if i >= len(clause) or clause[i] not in "-+=":
        return None
    while i < len(clause):
        op = clause[i]
        if op not in "-+=":
            return None
        i += 1
        start = i
        while i < len(clause) and clause[i] not in "-+=":
            i += 1
        bits = _bits(clause[start:i], mode, is_dir)
        if bits is None:
            return None
        mask = sum(_WHO[w] for w in set(who))
        if op == "=":
            mode = (mode & ~mask) | (bits & mask)
        elif op == "+":
            mode |= bits & mask
        else:
            mode &= ~(bits & mask)
    return mode


def _bits(perms: str, mode: int, is_dir: bool) -> int | None:
    """The mode bits `perms` stands for in every class (the caller masks them to the clause's who)."""
    if perms in ("u", "g", "o"):
        copied = (mode >> _SHIFT[perms]) & 7
        return sum(copied << _SHIFT[w] for w in "ugo")
    triple = 0
    extra = 0
    for c in perms:
        if c == "r":
            triple |= 4
        elif c == "w":
            triple |= 2
        elif c == "x":
            triple |= 1
        elif c == "X":
            triple |= 1 if is_dir or mode & 0o111 else 0
        elif c == "s":
            extra |= S.S_ISUID | S.S_ISGID
        elif c == "t":
            extra |= S.S_ISVTX
        else:
            return None
    return sum(triple << _SHIFT[w] for w in "ugo") | extra
