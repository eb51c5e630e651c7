"""Split a command line into tokens: words (with their quoting kept), operators, redirections."""

from __future__ import annotations

from dataclasses import dataclass

from virtual_device.shell.ast import CmdSub, Lit, Part, Var, Word


class ShellSyntaxError(Exception):
    """A parse error; the message is what mksh prints after `/system/bin/sh: `."""


@dataclass
class Token:
    kind: str  # "word", "op", "redir", "newline", "eof"
    value: str = ""
    word: Word | None = None
    fd: int = -1


OPERATORS = ("&&", "||", ";;", ">>", ">&", "<&", ">|", ";", "&", "|", "(", ")", "<", ">")
SPECIAL_VARS = "?$#!@*-0123456789"


def _is_name_char(ch: str, first: bool) -> bool:
    return ch == "_" or ch.isalpha() or (not first and ch.isdigit())


class Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while True:
            tok = self._next()
            out.append(tok)
            if tok.kind == "eof":
                return out

    def _peek(self, k: int = 0) -> str:
        i = self.pos + k
        return self.text[i] if i < len(self.text) else ""

    def _next(self) -> Token:
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r":
                self.pos += 1
            elif ch == "\\" and self._peek(1) == "\n":
                self.pos += 2
            elif ch == "#":
                while self.pos < len(text) and text[self.pos] != "\n":
                    self.pos += 1
            else:
                break
        if self.pos >= len(text):
            return Token("eof")
        ch = text[self.pos]
        if ch == "\n":
            self.pos += 1
            return Token("newline", "\n")
        for op in OPERATORS:
            if text.startswith(op, self.pos):
                self.pos += len(op)
                if op in ("<", ">", ">>", ">&", "<&", ">|"):
                    return Token("redir", ">" if op == ">|" else op, fd=0 if op[0] == "<" else 1)
                return Token("op", op)
        return self._word()

    def _word(self) -> Token:
        text = self.text
        start = self.pos
        parts: list[Part] = []
        lit: list[str] = []

        def flush() -> None:
            if lit:
                parts.append(Lit("".join(lit)))
                lit.clear()

        while self.pos < len(text):
            ch = text[self.pos]
            if ch in " \t\r\n;&|()":
                break
            if ch in "<>":
                raw = text[start : self.pos]
                if raw.isdigit() and not parts:
                    op = ">>" if text.startswith(">>", self.pos) else text[self.pos : self.pos + 2]
                    if op not in (">>", ">&", "<&", ">|"):
                        op = ch
                    self.pos += len(op)
                    return Token("redir", ">" if op == ">|" else op, fd=int(raw))
                break
            if ch == "\\":
                flush()
                nxt = self._peek(1)
                if nxt == "\n":
                    self.pos += 2
                    continue
                if nxt == "":
                    self.pos += 1
                    parts.append(Lit("\\", True))
                    continue
                parts.append(Lit(nxt, True))
                self.pos += 2
            elif ch == "'":
                flush()
                end = text.find("'", self.pos + 1)
                if end < 0:
                    raise ShellSyntaxError("no closing quote")
                parts.append(Lit(text[self.pos + 1 : end], True))
                self.pos = end + 1
            elif ch == '"':
                flush()
                self.pos += 1
                parts.extend(self._double_quoted())
            elif ch == "$":
                part = self._dollar(quoted=False)
                if part is None:
                    lit.append("$")
                else:
                    flush()
                    parts.append(part)
            elif ch == "`":
                flush()
                parts.append(CmdSub(self._backtick(), False))
            else:
                lit.append(ch)
                self.pos += 1
        flush()
        return Token("word", text[start : self.pos], word=Word(parts, text[start : self.pos]))

    def _double_quoted(self) -> list[Part]:
        text = self.text
        parts: list[Part] = []
        lit: list[str] = []
        while True:
            if self.pos >= len(text):
                raise ShellSyntaxError("no closing quote")
            ch = text[self.pos]
            if ch == '"':
                self.pos += 1
                break
            if ch == "\\" and self._peek(1) in '$`"\\\n':
                if self._peek(1) != "\n":
                    lit.append(self._peek(1))
                self.pos += 2
            elif ch == "$":
                part = self._dollar(quoted=True)
                if part is None:
                    lit.append("$")
                else:
                    if lit:
                        parts.append(Lit("".join(lit), True))
                        lit = []
                    parts.append(part)
            elif ch == "`":
                if lit:
                    parts.append(Lit("".join(lit), True))
                    lit = []
                parts.append(CmdSub(self._backtick(), True))
            else:
                lit.append(ch)
                self.pos += 1
        if lit or not parts:
            parts.append(Lit("".join(lit), True))
        return parts

    def _dollar(self, quoted: bool) -> Part | None:
        """Parse `$...` at self.pos; None (and skip the `$`) when it is a plain dollar sign."""
        text = self.text
        nxt = self._peek(1)
        if nxt == "(" and self._peek(2) == "(":
            end = self._matching_paren(self.pos + 3)
            if self._peek(end + 1 - self.pos) == ")":
                expr = text[self.pos + 3 : end]
                self.pos = end + 2
                return Var("((" + expr, quoted)
        if nxt == "(":
            end = self._matching_paren(self.pos + 2)
            src = text[self.pos + 2 : end]
            self.pos = end + 1
            return CmdSub(src, quoted)
        if nxt == "{":
            end = text.find("}", self.pos + 2)
            if end < 0:
                raise ShellSyntaxError("missing '}'")
            name = text[self.pos + 2 : end]
            self.pos = end + 1
            return Var(name, quoted)
        if nxt and nxt in SPECIAL_VARS:
            self.pos += 2
            return Var(nxt, quoted)
        if nxt and _is_name_char(nxt, True):
            end = self.pos + 1
            while end < len(text) and _is_name_char(text[end], False):
                end += 1
            name = text[self.pos + 1 : end]
            self.pos = end
            return Var(name, quoted)
        self.pos += 1
        return None

    def _matching_paren(self, i: int) -> int:
        text = self.text
        depth = 1
        while i < len(text):
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if ch == "'":
                j = text.find("'", i + 1)
                if j < 0:
                    raise ShellSyntaxError("no closing quote")
                i = j + 1
                continue
            if ch == '"':
                i += 1
                while i < len(text) and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
                i += 1
                continue
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        raise ShellSyntaxError("syntax error: unexpected EOF")

    def _backtick(self) -> str:
        end = self.text.find("`", self.pos + 1)
        if end < 0:
            raise ShellSyntaxError("no closing quote")
        src = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return src
